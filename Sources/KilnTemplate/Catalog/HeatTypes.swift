/// The schemas of every resource type Heat 27 registers (201 types), from the live registry
/// inventory. Property kinds are not in the inventory, so properties accept any value
/// (`.any`) here; plugins that know better register richer schemas over these.
public enum HeatTypes {
    public static let catalog = SchemaCatalog(rows.compactMap(schema(fromRow:)))

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
        return ResourceTypeSchema(
            type: cells[0], properties: properties, attributes: attributes, supportStatus: status,
            updatePolicyKeys: words(cells[4]), acceptsAnyProperty: placeholder)
    }

    private static func words(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }
}
