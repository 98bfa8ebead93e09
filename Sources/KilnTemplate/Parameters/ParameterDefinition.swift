// Skeleton: the Parameters helper replaces the bodies (API stays).

public enum ParameterType: String, Sendable, CaseIterable {
    case string, number, json, commaDelimitedList = "comma_delimited_list", boolean

    /// The CFN-style name Heat's validate output uses (`String`, `Number`, ...).
    public var validateName: String {
        switch self {
        case .string: return "String"
        case .number: return "Number"
        case .json: return "Json"
        case .commaDelimitedList: return "CommaDelimitedList"
        case .boolean: return "Boolean"
        }
    }
}

public enum ParameterConstraint: Sendable {
    case length(min: Int?, max: Int?, description: String?)
    case range(min: Double?, max: Double?, description: String?)
    case modulo(step: Int, offset: Int, description: String?)
    case allowedValues([Value], description: String?)
    case allowedPattern(String, description: String?)
    case customConstraint(String, description: String?)
}

public struct ParameterDefinition: Sendable {
    public var name: String
    public var location: SourceLocation
    public var type: ParameterType
    public var description: String?
    public var defaultValue: Value?
    public var label: String?
    public var hidden: Bool
    public var immutable: Bool
    public var tags: [String]
    public var constraints: [ParameterConstraint]

    public init(name: String, location: SourceLocation, type: ParameterType) {
        self.name = name
        self.location = location
        self.type = type
        self.hidden = false
        self.immutable = false
        self.tags = []
        self.constraints = []
    }

    /// Parses one entry of `parameters:` (HOT or CFN form per `version`), reporting every problem.
    public static func parse(
        name: String, at location: SourceLocation, node: Node, version: TemplateVersion,
        into diagnostics: inout Diagnostics
    ) -> ParameterDefinition? {
        guard let typeName = node["type"]?.string, let type = ParameterType(rawValue: typeName) else {
            diagnostics.error(location, "parameter '\(name)' has no valid type")
            return nil
        }
        var definition = ParameterDefinition(name: name, location: location, type: type)
        definition.defaultValue = node["default"]?.value
        return definition
    }

    /// Converts a supplied value (CLI text, environment value, default) to this parameter's type.
    public func coerce(_ raw: Value) -> Result<Value, ParameterError> { .success(raw) }

    /// Checks a typed value against the constraints; one message per failed constraint.
    public func check(_ value: Value, constraints catalog: any ConstraintCatalog) -> [String] { [] }
}

public struct ParameterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
