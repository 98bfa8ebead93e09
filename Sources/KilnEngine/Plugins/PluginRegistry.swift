import KilnTemplate

/// The resource types an engine can run, by type name. It is also the catalog templates
/// are validated against, so a type the engine cannot run is a located error up front.
public struct PluginRegistry: ResourceTypeCatalog {
    private var plugins: [String: any ResourcePlugin.Type] = [:]

    public init(_ types: [any ResourcePlugin.Type] = []) {
        for type in types { register(type) }
    }

    public mutating func register(_ type: any ResourcePlugin.Type) {
        plugins[type.typeName] = type
    }

    public func plugin(for typeName: String) -> (any ResourcePlugin)? {
        plugins[typeName].map { $0.init() }
    }

    public func schema(for type: String) -> ResourceTypeSchema? { plugins[type]?.schema }
    public var typeNames: [String] { plugins.keys.sorted() }
}
