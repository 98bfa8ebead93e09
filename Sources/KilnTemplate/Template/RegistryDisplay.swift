import KilnModel
extension ResourceRegistry {
    /// The registry as Heat shows it in a user environment: mappings by type, and
    /// per-resource overrides under `resources`.
    public var asValue: Value {
        var out: [String: Value] = [:]
        for (type, mapping) in mappings { out[type] = mapping.target.asValue }
        var resources: [String: Value] = [:]
        for (pattern, override) in self.resources ?? [:] {
            var entry: [String: Value] = [:]
            for (type, mapping) in override.mappings { entry[type] = mapping.target.asValue }
            if !override.hooks.isEmpty { entry["hooks"] = .list(override.hooks.map(Value.string)) }
            if !override.restrictedActions.isEmpty {
                entry["restricted_actions"] = .list(override.restrictedActions.map(Value.string))
            }
            resources[pattern] = .map(entry)
        }
        out["resources"] = .map(resources)
        return .map(out)
    }
}

extension RegistryResolution {
    var asValue: Value {
        switch self {
        case .type(let name), .template(let name): return .string(name)
        case .removed: return .null
        }
    }
}
