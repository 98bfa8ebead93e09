import KilnModel
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

    /// The type as a template of `format` spells it.
    init?(name: String, format: TemplateVersion.Format) {
        switch format {
        case .hot: self.init(rawValue: name)
        case .cfn:
            guard let type = ParameterType.allCases.first(where: { $0.validateName == name }) else { return nil }
            self = type
        }
    }

    static func names(for format: TemplateVersion.Format) -> [String] {
        allCases.map { format == .hot ? $0.rawValue : $0.validateName }
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
    /// The default as written (coerce it to get the typed value, as Heat does on use).
    public var defaultValue: Value?
    /// Where the default is written, for errors about it.
    public var defaultLocation: SourceLocation?
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
    /// `location` is where the parameter is named; `catalog` resolves `custom_constraint` names.
    public static func parse(
        name: String, at location: SourceLocation, node: Node, version: TemplateVersion,
        constraints catalog: any ConstraintCatalog = BuiltinConstraints(),
        into diagnostics: inout Diagnostics
    ) -> ParameterDefinition? {
        var reader = ParameterReader(name: name, location: location, version: version, catalog: catalog)
        let definition = reader.read(node)
        diagnostics.append(contentsOf: reader.diagnostics)
        return definition
    }

    /// Converts a supplied value (CLI text, environment value, default) to this parameter's type.
    /// `null` stays `null` (no value).
    public func coerce(_ raw: Value) -> Result<Value, ParameterError> {
        ParameterCoercion.coerce(raw, to: type)
    }

    /// Checks a typed value against the constraints; one message per failed constraint,
    /// in Heat's words (callers prefix "Parameter 'NAME' is invalid: " as Heat does).
    public func check(_ value: Value, constraints catalog: any ConstraintCatalog) -> [String] {
        constraints.compactMap { $0.failure(for: value, type: type, catalog: catalog) }
    }
}

public struct ParameterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
