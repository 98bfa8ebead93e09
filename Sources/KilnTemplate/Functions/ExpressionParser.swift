/// Turns a node into an expression for one template version, recording every problem.
/// A single-key mapping whose key is a function of this version is a call (Heat's rule).
public struct ExpressionParser: Sendable {
    public let version: TemplateVersion
    public let table: FunctionTable
    public var diagnostics = Diagnostics()
    /// True while parsing a condition: only the version's condition functions are allowed.
    public private(set) var inCondition = false
    /// True while parsing the template's `conditions:` section, values inside included.
    public var inConditionsSection = false

    public init(version: TemplateVersion) {
        self.version = version
        self.table = FunctionTable.of(version)
    }

    public mutating func parse(_ node: Node) -> Expression {
        switch node.kind {
        case .scalar(let scalar):
            return .literal(scalar, node.location)
        case .sequence(let items):
            return .list(items.map { parse($0) }, node.location)
        case .mapping(let entries):
            if entries.count == 1, let call = parseCall(entries[0], in: node) {
                return call
            }
            if entries.count > 1 {
                // Heat calls a function only in a one-key mapping: with other keys beside it
                // the mapping is plain data (measured with heat-oracle), most likely a slip
                // of indentation, so a warning.
                for entry in entries where table.functions[entry.key] != nil && isFunctionLike(entry.key) {
                    diagnostics.warning(
                        entry.keyLocation,
                        "function '\(entry.key)' is not the only key of its mapping, so the mapping is plain data and '\(entry.key)' is not called",
                        expected: "{\(entry.key): ARGUMENTS}", found: "\(entries.count) keys")
                }
            }
            return .map(
                entries.map { ExpressionEntry(key: $0.key, keyLocation: $0.keyLocation, value: parse($0.value)) },
                node.location)
        }
    }

    /// Parses a condition operand: a boolean, the name of another condition, or a condition
    /// function. The function taking the operand checks its shape.
    public mutating func parseCondition(_ node: Node) -> Expression {
        let saved = inCondition
        inCondition = true
        defer { inCondition = saved }
        return parse(node)
    }

    /// Parses a condition that stands alone (an entry of `conditions:`, a `condition:` key),
    /// checking that it is a boolean, a name or a condition function.
    public mutating func parseConditionDefinition(_ node: Node) -> Expression {
        let expression = parseCondition(node)
        switch expression {
        case .call, .literal(.bool, _), .literal(.string, _):
            break
        case .map(let entries, _) where entries.count == 1 && FunctionTable.everyName[entries[0].key] != nil:
            let name = entries[0].key
            let first = FunctionTable.everyName[name]?.filter { $0.format == version.format }.first
            diagnostics.error(
                entries[0].keyLocation, "function '\(name)' is not available in \(version)",
                expected: first.map { "\($0.key) \($0.date) or later" })
        case .literal(.null, _) where !node.isNull:
            break  // a call that failed to parse: already reported
        default:
            diagnostics.error(
                node.location, "invalid condition",
                expected: "a boolean, the name of a condition or a condition function", found: node.shapeName)
        }
        return expression
    }

    /// Parses a value position (used by functions such as `if` for their non-condition arguments).
    public mutating func parseValue(_ node: Node) -> Expression {
        let saved = inCondition
        inCondition = false
        defer { inCondition = saved }
        return parse(node)
    }

    private func isFunctionLike(_ key: String) -> Bool {
        key.contains("_") || key.hasPrefix("Fn::") || key == "Ref"
    }

    private mutating func parseCall(_ entry: Entry, in node: Node) -> Expression? {
        let name = entry.key
        if let type = table.functions[name] {
            if inCondition && !table.conditionFunctions.contains(name) {
                diagnostics.error(
                    entry.keyLocation, "function '\(name)' is not allowed in a condition",
                    expected: "one of \(table.conditionFunctions.sorted().joined(separator: ", "))")
                return .literal(.null, entry.keyLocation)
            }
            let site = FunctionSite(name: name, arguments: entry.value, location: entry.keyLocation, version: version)
            guard let function = type.parse(site, &self) else { return .literal(.null, entry.keyLocation) }
            return .call(FunctionCall(name: name, location: entry.keyLocation, function: function))
        }
        if table.removed.contains(name) {
            diagnostics.error(
                entry.keyLocation, "function '\(name)' is not supported in \(version)")
            return .literal(.null, entry.keyLocation)
        }
        if let versions = FunctionTable.everyName[name], version.isHOT, isFunctionLike(name) {
            let hotVersions = versions.filter(\.isHOT)
            if let first = hotVersions.first, first > version {
                diagnostics.error(
                    entry.keyLocation,
                    "function '\(name)' is not available in \(version)",
                    expected: "heat_template_version \(first.date) or later")
                return .literal(.null, entry.keyLocation)
            }
            if !hotVersions.isEmpty, hotVersions.allSatisfy({ $0 < version }) {
                diagnostics.error(entry.keyLocation, "function '\(name)' is not supported in \(version)")
                return .literal(.null, entry.keyLocation)
            }
        }
        if version.format == .cfn, name.hasPrefix("Fn::") {
            diagnostics.error(entry.keyLocation, "unknown function '\(name)'",
                              expected: "one of \(table.names.joined(separator: ", "))")
            return .literal(.null, entry.keyLocation)
        }
        if let suggestion = closeFunctionName(name) {
            let message = "unknown function '\(name)' (did you mean '\(suggestion)'?)"
            guard !inConditionsSection else {
                // A condition compares the mapping as plain data, as Heat does (measured with
                // heat-oracle): the condition works, though likely not as meant.
                diagnostics.warning(entry.keyLocation, message + ": the mapping is plain data here")
                return nil
            }
            diagnostics.error(entry.keyLocation, message)
            return .literal(.null, entry.keyLocation)
        }
        return nil
    }

    /// A function name one or two edits away, for keys that look like a misspelt call.
    private func closeFunctionName(_ name: String) -> String? {
        guard name.contains("_"), name.count >= 6 else { return nil }
        let length = name.unicodeScalars.count
        var best: (String, Int)?
        // Names more than two characters apart in length cannot be within two edits: a long key
        // is not compared character by character with every function name.
        for candidate in table.functions.keys where candidate.contains("_") && abs(candidate.unicodeScalars.count - length) <= 2 {
            let d = editDistance(name, candidate)
            if d <= 2, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }
}

/// Edits (insert, delete, substitute, swap two neighbours) between two names.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var before = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], before[j - 2] + 1)
            }
        }
        (before, previous, current) = (previous, current, before)
    }
    return previous[b.count]
}

extension Expression {
    /// A string literal in a condition position names another condition.
    public var conditionReference: Reference? {
        if case .literal(.string(let name), let at) = self { return .condition(name, at) }
        return nil
    }
}

extension EvaluationScope {
    /// A condition's truth: a boolean, the name of a condition, or a condition function's result.
    public func condition(_ expression: Expression) throws -> Bool {
        switch expression {
        case .literal(.bool(let b), _): return b
        case .literal(.string(let name), let at):
            do { return try context.condition(name) } catch { throw EvaluationError("\(error)", at: at) }
        default:
            let value = try value(of: expression)
            guard case .bool(let b) = value else {
                throw EvaluationError("a condition must be a boolean, found \(value.kindName)", at: expression.location)
            }
            return b
        }
    }
}
