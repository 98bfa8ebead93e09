// Skeleton: the Environment helper replaces the bodies (API stays).

/// An environment file's content (Heat's sections), or the merge of several.
public struct Environment: Sendable {
    public var parameters: [String: Value] = [:]
    public var parameterDefaults: [String: Value] = [:]
    public var registry = ResourceRegistry()
    public var eventSinks: [Value] = []
    public var encryptedParamNames: [String] = []
    public var mergeStrategies: [String: MergeStrategy] = [:]
    /// Where each parameter value came from, for errors about it.
    public var parameterLocations: [String: SourceLocation] = [:]

    public init() {}

    /// Reads an environment document, reporting every problem (wrong sections, bad shapes).
    public static func parse(_ node: Node, into diagnostics: inout Diagnostics) -> Environment {
        Environment()
    }

    /// Applies `next` on top of `self` as Heat merges `-e` files in order, using the
    /// per-parameter merge strategies. `declared` are the template's parameters (values for
    /// undeclared ones are skipped, as Heat does).
    public func merged(with next: Environment, declared: [ParameterDefinition], into diagnostics: inout Diagnostics)
        -> Environment
    {
        next
    }
}

public enum MergeStrategy: String, Sendable { case overwrite, merge, deepMerge = "deep_merge" }

/// `resource_registry`: type aliases, provider templates, per-resource overrides, hooks.
public struct ResourceRegistry: Sendable {
    public init() {}

    /// What a template's `type` resolves to for a resource (nil: use the type as written).
    public func resolve(type: String, resourceName: String?) -> RegistryResolution? { nil }

    /// Hooks set on a resource (`pre-create`, ...).
    public func hooks(forResource name: String) -> [String] { [] }
}

public enum RegistryResolution: Sendable, Equatable {
    /// Another resource type (alias or wildcard).
    case type(String)
    /// A provider template: a path or key of the files map.
    case template(String)
    /// Mapped to null: the type is removed.
    case removed
}
