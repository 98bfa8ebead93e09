import KilnModel
/// A parsed template: every section typed, every value an `Expression`, every part located.
public struct Template: Sendable {
    public var file: String
    public var version: TemplateVersion
    public var description: String?
    public var parameterGroups: [ParameterGroup]
    public var parameters: [ParameterDefinition]
    /// Parameters declared with errors (already reported): they exist, so references to
    /// them are not reported again.
    public var invalidParameterNames: Set<String> = []
    public var resources: [ResourceDefinition]
    public var outputs: [OutputDefinition]
    public var conditions: [ConditionDefinition]
    /// CFN `Mappings`.
    public var mappings: [String: Value]
    /// Where the template starts, for errors about the whole file.
    public var location: SourceLocation

    public init(file: String, version: TemplateVersion, location: SourceLocation) {
        self.file = file
        self.version = version
        self.description = nil
        self.parameterGroups = []
        self.parameters = []
        self.resources = []
        self.outputs = []
        self.conditions = []
        self.mappings = [:]
        self.location = location
    }

    public func resource(named name: String) -> ResourceDefinition? { resources.first { $0.name == name } }
    public func parameter(named name: String) -> ParameterDefinition? { parameters.first { $0.name == name } }
    public func condition(named name: String) -> ConditionDefinition? { conditions.first { $0.name == name } }
}

public struct ResourceDefinition: Sendable {
    public var name: String
    public var location: SourceLocation
    public var type: String
    public var typeLocation: SourceLocation
    public var properties: Expression?
    public var metadata: Expression?
    /// Explicit `depends_on` targets with where each is named.
    public var dependsOn: [(name: String, location: SourceLocation)]
    public var updatePolicy: Expression?
    public var deletionPolicy: Expression?
    public var externalID: Expression?
    /// A condition name, boolean or inline condition expression.
    public var condition: Expression?
    public var description: String?

    public init(name: String, location: SourceLocation, type: String, typeLocation: SourceLocation) {
        self.name = name
        self.location = location
        self.type = type
        self.typeLocation = typeLocation
        self.dependsOn = []
    }

    /// Every reference made by this resource's definition.
    public var references: [Reference] {
        var out: [Reference] = []
        for expression in [properties, metadata, updatePolicy, deletionPolicy, externalID] {
            expression?.collectReferences(into: &out)
        }
        if let condition {
            if let ref = condition.conditionReference { out.append(ref) } else { condition.collectReferences(into: &out) }
        }
        return out
    }

    /// Names of resources this one needs first: `depends_on` plus every get_resource/get_attr.
    public var dependencies: [String] {
        Self.dependencies(dependsOn: dependsOn, references: references)
    }

    static func dependencies(dependsOn: [(name: String, location: SourceLocation)], references: [Reference]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for (name, _) in dependsOn where seen.insert(name).inserted { out.append(name) }
        for ref in references {
            if let name = ref.resourceName, seen.insert(name).inserted { out.append(name) }
        }
        return out
    }
}

public struct OutputDefinition: Sendable {
    public var name: String
    public var location: SourceLocation
    public var value: Expression?
    public var description: String?
    public var condition: Expression?

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

public struct ConditionDefinition: Sendable {
    public var name: String
    public var location: SourceLocation
    public var expression: Expression

    public init(name: String, location: SourceLocation, expression: Expression) {
        self.name = name
        self.location = location
        self.expression = expression
    }
}

public struct ParameterGroup: Sendable {
    public var label: String?
    public var description: String?
    public var parameters: [String]
    public var location: SourceLocation

    public init(label: String?, description: String?, parameters: [String], location: SourceLocation) {
        self.label = label
        self.description = description
        self.parameters = parameters
        self.location = location
    }
}
