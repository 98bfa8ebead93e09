/// The schemas of every resource type Heat 27 registers (201 types), from the live registry
/// inventory, completed from Heat's plugin sources with property kinds and the hidden or
/// deprecated properties and attributes Heat still accepts; plugins that know better register
/// richer schemas over these.
public enum HeatTypes {
    public static let catalog = SchemaCatalog(rows.compactMap(schema(fromRow:)))

    /// `extraRows` by type name.
    private static let extras: [String: [String]] = Dictionary(
        extraRows.compactMap { row in
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return cells.count == 4 ? (cells[0], Array(cells.dropFirst())) : nil
        },
        uniquingKeysWith: { first, _ in first })

    /// Parses one row of `HeatTypesData.swift` (`type|status|properties|attributes|policies`).
    static func schema(fromRow row: String) -> ResourceTypeSchema? {
        let cells = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard cells.count == 5 else { return nil }
        let status: ResourceTypeSchema.SupportStatus
        switch cells[1] {
        case "D": status = .deprecated
        case "U": status = .unsupported
        case "H": status = .hidden
        default: status = .supported
        }
        var properties: [String: PropertySchema] = [:]
        for item in words(cells[2]) {
            let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
            let flags = parts.count > 1 ? parts[1] : ""
            properties[parts[0]] = PropertySchema(
                .any, required: flags.contains("*"), updateAllowed: flags.contains("U"),
                immutable: flags.contains("I"))
        }
        var attributes: [String: AttributeSchema] = [:]
        for name in words(cells[3]) { attributes[name] = AttributeSchema() }
        // Hidden types are NoneResource placeholders for retired services, and
        // OS::Heat::None itself stubs out any type: both take any property.
        let placeholder = (status == .hidden && properties.isEmpty) || cells[0] == "OS::Heat::None"
        var schema = ResourceTypeSchema(
            type: cells[0], properties: properties, attributes: attributes, supportStatus: status,
            updatePolicyKeys: words(cells[4]), acceptsAnyProperty: placeholder)
        if let extra = extras[schema.type] { apply(extra, to: &schema) }
        return schema
    }

    /// Adds one `extraRows` entry (its cells after the type): aliases first, so kinds reach them too.
    static func apply(_ extra: [String], to schema: inout ResourceTypeSchema) {
        guard extra.count == 3 else { return }
        for alias in words(extra[1]) {
            let parts = alias.split(separator: ">", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            let (old, new) = (parts[0], parts[1])
            // A name with no successor still passes Heat's schema check; the plugin decides what it means.
            guard var property = schema.properties[new] else {
                schema.properties[old] = PropertySchema()
                continue
            }
            property.required = false
            property.defaultValue = nil
            schema.properties[old] = property
            schema.propertyAliases[old] = new
        }
        for item in words(extra[0]) {
            // Split at the last colon: names such as `binding:vnic_type` contain one.
            guard let colon = item.lastIndex(of: ":"),
                  let kind = PropertySchema.Kind(rawValue: String(item[item.index(after: colon)...])) else { continue }
            schema.properties[String(item[..<colon])]?.kind = kind
        }
        for name in words(extra[2]) { schema.attributes[name] = AttributeSchema() }
    }

    private static func words(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }
}
