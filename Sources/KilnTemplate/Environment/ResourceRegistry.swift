import KilnModel

/// `resource_registry`: type aliases, provider templates, per-resource overrides, hooks.
public struct ResourceRegistry: Sendable {
    /// One `type: target` line, where it is written.
    public struct Mapping: Sendable {
        public var target: RegistryResolution
        public var location: SourceLocation
        public init(target: RegistryResolution, location: SourceLocation) {
            self.target = target
            self.location = location
        }
    }

    /// One entry of `resources:`: a resource name or fnmatch glob with its own mappings,
    /// hooks and restricted actions.
    public struct ResourceOverride: Sendable {
        public var pattern: String
        public var location: SourceLocation
        public var mappings: [String: Mapping] = [:]
        public var hooks: [String] = []
        public var restrictedActions: [String] = []
        public init(pattern: String, location: SourceLocation) {
            self.pattern = pattern
            self.location = location
        }
    }

    public static let hookTypes = ["pre-create", "pre-update", "pre-delete", "post-create", "post-update", "post-delete"]
    public static let restrictedActionTypes = ["update", "replace"]

    /// Top-level `type: target` mappings (exact names and `*` wildcards), kept as written so
    /// environments merge key by key as Heat's shallow merge does.
    public var mappings: [String: Mapping] = [:]
    /// The `resources:` block (replaced whole by a later environment's block, as in Heat).
    public var resources: [String: ResourceOverride]?

    public init() {}

    public var isEmpty: Bool { mappings.isEmpty && resources == nil }

    /// What a template's `type` resolves to for a resource (nil: use the type as written).
    /// A per-resource mapping wins over an exact type, which wins over the longest matching
    /// wildcard; aliases are followed until they stop (or loop).
    public func resolve(type: String, resourceName: String?) -> RegistryResolution? {
        var current = type
        var seen: Set<String> = [type]
        var result: RegistryResolution?
        while let step = lookup(type: current, resourceName: resourceName) {
            guard case .type(let next) = step else { return step }
            result = step
            guard seen.insert(next).inserted else { break }
            current = next
        }
        return result
    }

    /// One step of resolution, without following aliases.
    func lookup(type: String, resourceName: String?) -> RegistryResolution? {
        if let resourceName, let mapping = overrides(for: resourceName).lazy.compactMap({ $0.mappings[type] }).first {
            return mapping.target
        }
        if let mapping = mappings[type] { return mapping.target }
        return wildcard(for: type)
    }

    private func wildcard(for type: String) -> RegistryResolution? {
        let candidates = mappings.filter { key, mapping in
            guard key.hasSuffix("*"), type.hasPrefix(key.dropLast()) else { return false }
            if case .type(let target) = mapping.target, target == type { return false }
            return true
        }
        let longestFirst = candidates.sorted { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key }
        guard let (key, mapping) = longestFirst.first else { return nil }
        if case .type(let target) = mapping.target, target.hasSuffix("*") {
            return .type(String(target.dropLast()) + type.dropFirst(key.count - 1))
        }
        return mapping.target
    }

    /// Overrides whose name or glob matches, the exact name first.
    private func overrides(for resourceName: String) -> [ResourceOverride] {
        guard let resources else { return [] }
        var matching: [ResourceOverride] = []
        if let exact = resources[resourceName] { matching.append(exact) }
        for key in resources.keys.sorted() where key != resourceName && NamePattern.matches(resourceName, key) {
            if let entry = resources[key] { matching.append(entry) }
        }
        return matching
    }

    /// Hooks set on a resource (`pre-create`, ...), from every matching entry.
    public func hooks(forResource name: String) -> [String] {
        let hooks = Set(overrides(for: name).flatMap(\.hooks))
        return Self.hookTypes.filter(hooks.contains)
    }

    /// Whether `hook` is set on the resource (Heat's `matches_hook`).
    public func hasHook(_ hook: String, forResource name: String) -> Bool {
        hooks(forResource: name).contains(hook)
    }

    /// Actions (`update`, `replace`) a resource may not take, from every matching entry.
    public func restrictedActions(forResource name: String) -> [String] {
        let actions = Set(overrides(for: name).flatMap(\.restrictedActions))
        return Self.restrictedActionTypes.filter(actions.contains)
    }

    /// The `resources:` entries a child stack owned by `owner` sees (Heat's
    /// `remove_resources_except`): the nested entries of every entry matching the owner,
    /// globs first and the exact name last. `{nest: {x: {hooks: pre-create}}}` gives a child
    /// of `nest` the entry `{x: {hooks: pre-create}}`.
    public static func childResources(_ resources: [String: Value], owner: String) -> [String: Value] {
        var child: [String: Value] = [:]
        let matching = resources.keys.sorted().filter { $0 != owner && NamePattern.matches(owner, $0) } + [owner]
        for key in matching {
            for (name, entry) in resources[key]?.mapValue ?? [:] where entry.mapValue != nil { child[name] = entry }
        }
        return child
    }

    /// Every provider template the registry names (paths, `files` keys or URLs), for loading.
    public var templateFiles: [String] {
        var names: Set<String> = []
        let all = Array(mappings.values) + (resources ?? [:]).values.flatMap { $0.mappings.values }
        for mapping in all {
            if case .template(let name) = mapping.target { names.insert(name) }
        }
        return names.sorted()
    }

    /// Where each provider template is named, for errors when it cannot be loaded.
    public var templateLocations: [(file: String, location: SourceLocation)] {
        let all = Array(mappings.values) + (resources ?? [:]).values.flatMap { $0.mappings.values }
        return all.compactMap { mapping in
            if case .template(let name) = mapping.target { return (name, mapping.location) }
            return nil
        }.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }

    /// Heat's shallow `merge_map` of a later environment's registry: each top-level key
    /// replaces the earlier one (`resources` as a whole); null mappings in the later file are
    /// skipped unless this registry is empty.
    public func merged(with next: ResourceRegistry) -> ResourceRegistry {
        if isEmpty { return next }
        var result = self
        for (key, mapping) in next.mappings where mapping.target != .removed {
            result.mappings[key] = mapping
        }
        if let resources = next.resources { result.resources = resources }
        return result
    }

    /// A value names a provider template when it is a template file or a URL.
    static func isTemplateName(_ value: String) -> Bool {
        value.hasSuffix(".yaml") || value.hasSuffix(".template") || value.hasSuffix(".yml") || value.contains("://")
    }
}

public enum RegistryResolution: Sendable, Equatable {
    /// Another resource type (alias or wildcard).
    case type(String)
    /// A provider template: a path or key of the files map.
    case template(String)
    /// Mapped to null: the type is removed.
    case removed
}
