import KilnModel
/// An environment file's content (Heat's sections), or the merge of several.
public struct Environment: Sendable {
    public var parameters: [String: Value] = [:]
    public var parameterDefaults: [String: Value] = [:]
    public var registry = ResourceRegistry()
    public var eventSinks: [Value] = []
    public var encryptedParamNames: [String] = []
    /// This file's `parameter_merge_strategies` (a parameter name or `default` → strategy).
    public var mergeStrategies: [String: MergeStrategy] = [:]
    /// Where each parameter value came from, for errors about it.
    public var parameterLocations: [String: SourceLocation] = [:]
    /// Where each `parameter_defaults` value came from.
    public var parameterDefaultLocations: [String: SourceLocation] = [:]
    /// The strategy each parameter has been merged with so far (Heat's `available_strategies`):
    /// a later file may not choose another one.
    public var chosenMergeStrategies: [String: MergeStrategy] = [:]

    public init() {}

    public static let sections = [
        "parameters", "parameter_defaults", "resource_registry", "event_sinks", "encrypted_param_names",
        "parameter_merge_strategies",
    ]

    /// Reads an environment document, reporting every problem (wrong sections, bad shapes).
    public static func parse(_ node: Node, into diagnostics: inout Diagnostics) -> Environment {
        var environment = Environment()
        if node.isNull { return environment }
        guard let entries = node.mapping else {
            diagnostics.error(
                node.location, "The environment is not a valid YAML mapping data type.", expected: "a mapping",
                found: node.shapeName)
            return environment
        }
        // Heat's legacy flat form: a map naming no section is all parameters.
        if !entries.isEmpty && !entries.contains(where: { sections.contains($0.key) }) {
            Self.readValues(node, into: &environment.parameters, &environment.parameterLocations, &diagnostics)
            return environment
        }
        for entry in entries {
            guard sections.contains(entry.key) else {
                diagnostics.error(
                    entry.keyLocation, "environment has wrong section '\(entry.key)'",
                    expected: "one of \(sections.joined(separator: ", "))", found: "'\(entry.key)'")
                continue
            }
            if entry.value.isNull {
                diagnostics.error(
                    entry.value.location, "environment has empty section '\(entry.key)'",
                    expected: entry.key == "event_sinks" || entry.key == "encrypted_param_names" ? "a list" : "a mapping",
                    found: "null")
                continue
            }
            environment.readSection(entry, into: &diagnostics)
        }
        return environment
    }

    private mutating func readSection(_ entry: Entry, into diagnostics: inout Diagnostics) {
        let node = entry.value
        switch entry.key {
        case "parameters": Self.readValues(node, into: &parameters, &parameterLocations, &diagnostics)
        case "parameter_defaults": Self.readValues(node, into: &parameterDefaults, &parameterDefaultLocations, &diagnostics)
        case "resource_registry": registry = ResourceRegistry.parse(node, into: &diagnostics)
        case "event_sinks": eventSinks = Self.readEventSinks(node, into: &diagnostics)
        case "encrypted_param_names": encryptedParamNames = Self.readNames(node, into: &diagnostics)
        default: mergeStrategies = Self.readStrategies(node, into: &diagnostics)
        }
    }

    private static func readValues(
        _ node: Node, into values: inout [String: Value], _ locations: inout [String: SourceLocation],
        _ diagnostics: inout Diagnostics
    ) {
        guard let entries = node.mapping else {
            diagnostics.error(node.location, "parameters must be a mapping", expected: "a mapping", found: node.shapeName)
            return
        }
        for entry in entries {
            values[entry.key] = entry.value.value
            locations[entry.key] = entry.value.location
        }
    }

    static let eventSinkTypes = EventSink.Kind.allCases.map(\.rawValue)

    private static func readEventSinks(_ node: Node, into diagnostics: inout Diagnostics) -> [Value] {
        guard let items = node.sequence else {
            diagnostics.error(node.location, "event_sinks must be a list", expected: "a list", found: node.shapeName)
            return []
        }
        return EventSinkReader.read(items, at: node, into: &diagnostics)
    }

    private static func readNames(_ node: Node, into diagnostics: inout Diagnostics) -> [String] {
        guard let items = node.sequence else {
            diagnostics.error(
                node.location, "encrypted_param_names must be a list", expected: "a list", found: node.shapeName)
            return []
        }
        return items.compactMap { item in
            if let name = item.string { return name }
            diagnostics.error(item.location, "a parameter name must be a string", expected: "a string", found: item.shapeName)
            return nil
        }
    }

    private static func readStrategies(_ node: Node, into diagnostics: inout Diagnostics) -> [String: MergeStrategy] {
        guard let entries = node.mapping else {
            diagnostics.error(
                node.location, "parameter_merge_strategies must be a mapping", expected: "a mapping",
                found: node.shapeName)
            return [:]
        }
        var strategies: [String: MergeStrategy] = [:]
        for entry in entries {
            if let text = entry.value.string, let strategy = MergeStrategy(rawValue: text) {
                strategies[entry.key] = strategy
            } else {
                diagnostics.error(
                    entry.value.location, "Invalid merge strategy for parameter '\(entry.key)'",
                    expected: "one of overwrite, merge, deep_merge", found: ParameterSyntax.found(entry.value))
            }
        }
        return strategies
    }
}

public enum MergeStrategy: String, Sendable { case overwrite, merge, deepMerge = "deep_merge" }
