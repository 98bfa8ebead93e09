extension ResourceRegistry {
    /// Reads a `resource_registry` section, reporting each bad entry where it is.
    public static func parse(_ node: Node, into diagnostics: inout Diagnostics) -> ResourceRegistry {
        var registry = ResourceRegistry()
        guard let entries = node.mapping else {
            diagnostics.error(
                node.location, "resource_registry must be a mapping", expected: "a mapping", found: node.shapeName)
            return registry
        }
        for entry in entries {
            switch entry.key {
            case "resources":
                registry.resources = readOverrides(entry.value, into: &diagnostics)
            case "hooks", "restricted_actions":
                diagnostics.error(
                    entry.keyLocation, "\(entry.key) apply to resources and must be set under 'resources'",
                    expected: "resources: {NAME: {\(entry.key): ...}}")
            default:
                if let target = readTarget(entry, into: &diagnostics) {
                    registry.mappings[entry.key] = Mapping(target: target, location: entry.value.location)
                }
            }
        }
        return registry
    }

    private static func readTarget(_ entry: Entry, into diagnostics: inout Diagnostics) -> RegistryResolution? {
        if entry.value.isNull { return .removed }
        guard let value = entry.value.string, !value.isEmpty else {
            diagnostics.error(
                entry.value.location, "invalid mapping for '\(entry.key)' in resource_registry",
                expected: "a resource type, a template file or null", found: ParameterSyntax.found(entry.value))
            return nil
        }
        return isTemplateName(value) ? .template(value) : .type(value)
    }

    private static func readOverrides(_ node: Node, into diagnostics: inout Diagnostics) -> [String: ResourceOverride] {
        guard let entries = node.mapping else {
            diagnostics.error(
                node.location, "resource_registry 'resources' must be a mapping of resource names",
                expected: "a mapping", found: node.shapeName)
            return [:]
        }
        var overrides: [String: ResourceOverride] = [:]
        for entry in entries {
            guard let items = entry.value.mapping else {
                diagnostics.error(
                    entry.value.location, "registry entry for resource '\(entry.key)' must be a mapping",
                    expected: "a mapping of types, hooks and restricted_actions", found: entry.value.shapeName)
                continue
            }
            var override = ResourceOverride(pattern: entry.key, location: entry.keyLocation)
            for item in items {
                switch item.key {
                case "hooks":
                    override.hooks = readWords(
                        item.value, allowed: hookTypes, into: &diagnostics,
                        message: { "Invalid hook type \"\($0)\" for resource breakpoint" })
                case "restricted_actions":
                    override.restrictedActions = readWords(
                        item.value, allowed: restrictedActionTypes, into: &diagnostics,
                        message: { "Invalid restricted_action type \"\($0)\" for resource" })
                default:
                    // A mapping names a resource of this resource's child stack (nested hooks):
                    // the child's registry reads it (see `childResources`).
                    if item.value.mapping != nil { continue }
                    if let target = readTarget(item, into: &diagnostics) {
                        override.mappings[item.key] = Mapping(target: target, location: item.value.location)
                    }
                }
            }
            overrides[entry.key] = override
        }
        return overrides
    }

    /// A word or a list of words, each one of `allowed`.
    private static func readWords(
        _ node: Node, allowed: [String], into diagnostics: inout Diagnostics, message: (String) -> String
    ) -> [String] {
        let items = node.sequence ?? [node]
        return items.compactMap { item in
            if let word = item.string, allowed.contains(word) { return word }
            diagnostics.error(
                item.location, message(item.string ?? item.shapeName),
                expected: "one of \(allowed.joined(separator: ", "))", found: ParameterSyntax.found(item))
            return nil
        }
    }
}
