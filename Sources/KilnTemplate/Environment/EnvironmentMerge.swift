import KilnModel
extension Environment {
    /// Applies `next` on top of `self` as Heat merges `-e` files in order, using the
    /// per-parameter merge strategies. `declared` are the template's parameters (values for
    /// undeclared ones are skipped, as Heat does).
    ///
    /// As in Heat's `merge_environments`, a section that is still empty takes the file's
    /// section whole (undeclared names included, so they are reported later as unknown);
    /// strategies are recorded even then, so a later file cannot change them.
    public func merged(with next: Environment, declared: [ParameterDefinition], into diagnostics: inout Diagnostics)
        -> Environment
    {
        var result = self
        let types = Dictionary(declared.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        var merger = ParameterMerger(
            types: types, fileStrategies: next.mergeStrategies, chosen: chosenMergeStrategies)
        merger.merge(
            next.parameters, next.parameterLocations, into: &result.parameters, &result.parameterLocations,
            &diagnostics)
        merger.merge(
            next.parameterDefaults, next.parameterDefaultLocations, into: &result.parameterDefaults,
            &result.parameterDefaultLocations, &diagnostics)
        result.chosenMergeStrategies = merger.chosen
        result.registry = registry.merged(with: next.registry)
        if !next.eventSinks.isEmpty { result.eventSinks = next.eventSinks }
        if !next.encryptedParamNames.isEmpty { result.encryptedParamNames = next.encryptedParamNames }
        return result
    }
}

/// Heat's `merge_parameters` for one file: picks each parameter's strategy and applies it.
struct ParameterMerger {
    let types: [String: ParameterType]
    let fileStrategies: [String: MergeStrategy]
    var chosen: [String: MergeStrategy]

    mutating func merge(
        _ new: [String: Value], _ newLocations: [String: SourceLocation], into old: inout [String: Value],
        _ oldLocations: inout [String: SourceLocation], _ diagnostics: inout Diagnostics
    ) {
        guard !new.isEmpty else { return }
        var strategies: [String: MergeStrategy] = [:]
        for key in new.keys.sorted() where types[key] != nil && new[key] != .null {
            let location = newLocations[key] ?? .synthetic("environment")
            let strategy = fileStrategies[key] ?? chosen[key] ?? fileStrategies["default"] ?? .overwrite
            if let earlier = chosen[key], earlier != strategy {
                diagnostics.error(
                    location,
                    "Conflicting merge strategy '\(strategy.rawValue)' for parameter '\(key)' in file '\(location.file)'",
                    expected: "'\(earlier.rawValue)' as chosen by an earlier environment", found: "'\(strategy.rawValue)'")
                continue
            }
            chosen[key] = strategy
            strategies[key] = strategy
        }
        if old.isEmpty {
            old = new
            oldLocations = newLocations
            return
        }
        for key in new.keys.sorted() {
            guard let strategy = strategies[key], let value = new[key], let type = types[key] else { continue }
            let location = newLocations[key] ?? .synthetic("environment")
            switch strategy {
            case .overwrite:
                old[key] = value
            case .merge, .deepMerge:
                do {
                    old[key] = try Self.combine(old[key], value, type: type, deep: strategy == .deepMerge)
                } catch let error as ParameterError {
                    diagnostics.error(location, error.message.replacingPlaceholder(key, strategy))
                    continue
                } catch {
                    continue
                }
            }
            oldLocations[key] = location
        }
    }

    /// `merge`: strings concatenate, numbers add, lists extend, json maps merge shallowly;
    /// `deep_merge` merges json maps recursively.
    static func combine(_ old: Value?, _ new: Value, type: ParameterType, deep: Bool) throws -> Value {
        switch type {
        case .boolean:
            throw ParameterError("Invalid merge strategy '{strategy}' for parameter '{param}'.")
        case .string:
            return .string((old?.plainText ?? "") + new.plainText)
        case .number:
            let a = try typed(old ?? .int(0), .number), b = try typed(new, .number)
            if case .int(let x) = a, case .int(let y) = b {
                let (sum, overflow) = x.addingReportingOverflow(y)
                if !overflow { return .int(sum) }
            }
            return .double((a.numberValue ?? 0) + (b.numberValue ?? 0))
        case .commaDelimitedList:
            guard let old, old != .null, old != "", old != [] else { return new }
            if case .string(let a) = old, case .string(let b) = new { return .string(a + "," + b) }
            let a = try typed(old, .commaDelimitedList), b = try typed(new, .commaDelimitedList)
            return .list((a.listValue ?? []) + (b.listValue ?? []))
        case .json:
            let b = try typed(new, .json)
            guard let old, old != .null else { return b }
            let a = try typed(old, .json)
            switch (a, b) {
            case (.map(let x), .map(let y)): return .map(mergeMaps(x, y, deep: deep))
            case (.list(let x), .list(let y)): return .list(x + y)
            default: return b
            }
        }
    }

    private static func typed(_ value: Value, _ type: ParameterType) throws -> Value {
        switch ParameterCoercion.coerce(value, to: type) {
        case .success(let typed): return typed
        case .failure(let error): throw ParameterError("Invalid parameter in environment: \(error.message)")
        }
    }

    /// Heat's `merge_map`: later keys replace; deeply, maps recurse, lists extend, strings join.
    /// Keys keep their place, new ones follow in the new map's order (a Python dict's update).
    static func mergeMaps(_ old: ValueMap, _ new: ValueMap, deep: Bool) -> ValueMap {
        if old.isEmpty { return new }
        var out = old.keepingOrder()
        for (key, value) in new.orderedEntries where value != .null {
            guard deep else {
                out[key] = value
                continue
            }
            switch (out[key], value) {
            case (.map(let a)?, .map(let b)) where !a.isEmpty: out[key] = .map(mergeMaps(a, b, deep: true))
            case (.list(let a)?, .list(let b)) where !a.isEmpty: out[key] = .list(a + b)
            case (.string(let a)?, .string(let b)): out[key] = .string(a + b)
            default: out[key] = value
            }
        }
        return out
    }
}

extension String {
    fileprivate func replacingPlaceholder(_ param: String, _ strategy: MergeStrategy) -> String {
        var text = self
        if let range = text.range(of: "{strategy}") { text.replaceSubrange(range, with: strategy.rawValue) }
        if let range = text.range(of: "{param}") { text.replaceSubrange(range, with: param) }
        return text
    }
}
