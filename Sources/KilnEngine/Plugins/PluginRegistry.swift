import KilnTemplate

/// The resource types an engine can run, by type name. It is also the catalog templates
/// are validated against, so a type the engine cannot run is a located error up front.
public struct PluginRegistry: ResourceTypeCatalog {
    private var plugins: [String: any ResourcePlugin.Type] = [:]
    /// Schemas refined after registration (custom constraints attached), by type name.
    private var refined: [String: ResourceTypeSchema] = [:]

    public init(_ types: [any ResourcePlugin.Type] = []) {
        for type in types { register(type) }
    }

    public mutating func register(_ type: any ResourcePlugin.Type) {
        plugins[type.typeName] = type
    }

    public func plugin(for typeName: String) -> (any ResourcePlugin)? {
        plugins[typeName].map { $0.init() }
    }

    /// Replaces the validation schema of a registered type with a refinement of it (the
    /// plugin's own schema still drives its lifecycle).
    public mutating func refine(_ type: String, _ change: (ResourceTypeSchema) -> ResourceTypeSchema) {
        guard let schema = schema(for: type) else { return }
        refined[type] = change(schema)
    }

    public func schema(for type: String) -> ResourceTypeSchema? { refined[type] ?? plugins[type]?.schema }
    public var typeNames: [String] { plugins.keys.sorted() }
}
