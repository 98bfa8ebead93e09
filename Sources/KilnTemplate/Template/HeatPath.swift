/// Heat names where a fault is by a dotted path (`resources.a.properties.x.get_attr`, or
/// `a.Properties.x` in its reference errors). Kiln's messages contain Heat's, so the path is
/// found again here, only for a fault being reported: one walk of one definition.
enum HeatPath {
    /// The path to the call making `reference` inside `expression`: the keys and list indexes
    /// from the top, then the names of the calls around it, the call's own name last.
    static func components(to reference: Reference, in expression: Expression?) -> [String]? {
        guard let expression else { return nil }
        return find(reference, in: expression, path: [])
    }

    private static func find(_ reference: Reference, in expression: Expression, path: [String]) -> [String]? {
        switch expression {
        case .literal:
            return nil
        case .list(let items, _):
            for (index, item) in items.enumerated() {
                var next = path
                if let last = next.popLast() { next.append("\(last)[\(index)]") } else { next.append("[\(index)]") }
                if let found = find(reference, in: item, path: next) { return found }
            }
            return nil
        case .map(let entries, _):
            for entry in entries {
                if let found = find(reference, in: entry.value, path: path + [entry.key]) { return found }
            }
            return nil
        case .call(let call):
            if call.function.references.contains(reference) { return path + [call.name] }
            // Heat indexes a call's list of arguments (`list_join[1][0]`); the parsed
            // arguments stand for them.
            let children = call.function.children
            for (index, child) in children.enumerated() {
                let step = children.count > 1 ? "\(call.name)[\(index)]" : call.name
                if let found = find(reference, in: child, path: path + [step]) { return found }
            }
            return nil
        }
    }

    /// `a.Properties.x`, as Heat's "The specified reference ... (in PATH) is incorrect." names it.
    static func referencePath(to reference: Reference, in resource: ResourceDefinition) -> String {
        guard let found = components(to: reference, in: resource.properties) else { return resource.name }
        // Heat names the place of the call, not the call itself.
        return ([resource.name, "Properties"] + shown(found.dropLast())).joined(separator: ".")
    }

    /// `resources.a.properties.x.get_attr`, as Heat prefixes a function's error.
    static func functionPath(to reference: Reference, in resource: ResourceDefinition) -> String? {
        if let found = components(to: reference, in: resource.properties) {
            return (["resources", resource.name, "properties"] + shown(found)).joined(separator: ".")
        }
        if let found = components(to: reference, in: resource.metadata) {
            return (["resources", resource.name, "metadata"] + shown(found)).joined(separator: ".")
        }
        return nil
    }

    /// `outputs.o.value.get_attr`.
    static func functionPath(to reference: Reference, in output: OutputDefinition) -> String? {
        components(to: reference, in: output.value).map { (["outputs", output.name, "value"] + shown($0)).joined(separator: ".") }
    }

    /// Heat does not index an `if`'s arguments in its paths (`x.if.if`).
    private static func shown<C: Collection<String>>(_ components: C) -> [String] {
        components.map { ifBranch($0) != nil ? String($0.prefix { $0 != "[" }) : $0 }
    }

    /// 1 or 2 for a step into an `if`'s first or second value, 0 for its condition, else nil.
    private static func ifBranch(_ step: String) -> Int? {
        for name in ["if[", "Fn::If["] where step.hasPrefix(name) {
            return Int(step.dropFirst(name.count).prefix { $0 != "]" })
        }
        return nil
    }

    /// Whether `reference` is made inside a value of an `if`: Heat evaluates only the branch
    /// the condition picks, so what is there matters only for some inputs.
    static func isInsideBranch(_ reference: Reference, in expressions: Expression?...) -> Bool {
        for case let expression? in expressions {
            if let found = components(to: reference, in: expression) {
                return found.dropLast().contains { (ifBranch($0) ?? 0) > 0 }
            }
        }
        return false
    }
}
