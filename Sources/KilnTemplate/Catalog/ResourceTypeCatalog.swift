import KilnModel
/// Knows resource types: their property and attribute schemas and which properties
/// update in place. Validation checks templates against it; the engine and the cloud
/// resource modules register their types into one.
public protocol ResourceTypeCatalog: Sendable {
    func schema(for type: String) -> ResourceTypeSchema?
    var typeNames: [String] { get }
}

public struct ResourceTypeSchema: Sendable {
    public enum SupportStatus: String, Sendable { case supported = "SUPPORTED", deprecated = "DEPRECATED",
        unsupported = "UNSUPPORTED", hidden = "HIDDEN" }

    public var type: String
    public var properties: [String: PropertySchema]
    public var attributes: [String: AttributeSchema]
    public var supportStatus: SupportStatus
    /// Keys accepted under `update_policy`.
    public var updatePolicyKeys: [String]
    /// Placeholder types accept any property (Heat's NoneResource-based types).
    public var acceptsAnyProperty: Bool
    /// Hidden or deprecated property names Heat still accepts, each mapped to the property it stands for.
    public var propertyAliases: [String: String]
    public var description: String
    /// An update always reaches the resource, even with its properties unchanged: a scaling
    /// group's child stack then replaces members marked unhealthy, as Heat's always does.
    public var alwaysUpdates = false

    public init(
        type: String, properties: [String: PropertySchema] = [:], attributes: [String: AttributeSchema] = [:],
        supportStatus: SupportStatus = .supported, updatePolicyKeys: [String] = [], acceptsAnyProperty: Bool = false,
        description: String = "", propertyAliases: [String: String] = [:]
    ) {
        self.type = type
        self.properties = properties
        self.attributes = attributes
        self.supportStatus = supportStatus
        self.updatePolicyKeys = updatePolicyKeys
        self.acceptsAnyProperty = acceptsAnyProperty
        self.propertyAliases = propertyAliases
        self.description = description
    }

    /// Every resource also has the `show` attribute.
    public func hasAttribute(_ name: String) -> Bool { name == "show" || attributes[name] != nil }
}

public struct PropertySchema: Sendable {
    public enum Kind: String, Sendable { case string, integer, number, boolean, list, map, any }

    public var kind: Kind
    public var required: Bool
    /// Changing it updates the resource in place; any other change replaces it.
    public var updateAllowed: Bool
    /// Changing it is refused.
    public var immutable: Bool
    public var defaultValue: Value?
    public var allowedValues: [Value]?
    /// For maps: the schema of known keys. For lists: `items` is the schema of each element.
    public var fields: [String: PropertySchema]?
    public var items: Box<PropertySchema>?
    public var description: String
    /// A `custom_constraint` name (`nova.flavor`, `neutron.network`...) a literal value must pass.
    public var customConstraint: String?

    public init(
        _ kind: Kind = .any, required: Bool = false, updateAllowed: Bool = false, immutable: Bool = false,
        defaultValue: Value? = nil, allowedValues: [Value]? = nil, fields: [String: PropertySchema]? = nil,
        items: PropertySchema? = nil, description: String = ""
    ) {
        self.kind = kind
        self.required = required
        self.updateAllowed = updateAllowed
        self.immutable = immutable
        self.defaultValue = defaultValue
        self.allowedValues = allowedValues
        self.fields = fields
        self.items = items.map(Box.init)
        self.description = description
    }
}

/// Indirection for recursive value types.
public final class Box<T: Sendable>: Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

public struct AttributeSchema: Sendable {
    public var description: String
    public var type: String?
    public init(description: String = "", type: String? = nil) {
        self.description = description
        self.type = type
    }
}

/// A catalog made of a fixed list of schemas; catalogs combine by `merging`.
public struct SchemaCatalog: ResourceTypeCatalog {
    public private(set) var schemas: [String: ResourceTypeSchema]

    public init(_ schemas: [ResourceTypeSchema] = []) {
        var map: [String: ResourceTypeSchema] = [:]
        for schema in schemas { map[schema.type] = schema }
        self.schemas = map
    }

    public func schema(for type: String) -> ResourceTypeSchema? { schemas[type] }
    public var typeNames: [String] { schemas.keys.sorted() }

    public mutating func register(_ schema: ResourceTypeSchema) { schemas[schema.type] = schema }

    public func merging(_ other: SchemaCatalog) -> SchemaCatalog {
        var copy = self
        for (_, schema) in other.schemas { copy.register(schema) }
        return copy
    }
}
