import KilnModel
/// yaql's dictionary functions. Heat's dicts are Python dicts, which keep insertion order
/// (measured with heat-oracle: `{z => 1, a => 2}.keys()` is `[z, a]`, `set` appends a new key
/// and keeps an existing key's place), so every dict yaql builds is an ordered `ValueMap`, and
/// `keys()`, `values()`, `items()` follow `orderedKeys`. A map that came with no order (built
/// from a Swift dictionary elsewhere in Kiln) counts as sorted.
extension YaqlLibrary {
    static let dictFunctions: [String: Function] = [
        "keys": { call in .list(try map(call).orderedKeys.map(Value.string)) },
        "values": { call in .list(try map(call).orderedValues) },
        "items": { call in .list(try map(call).orderedEntries.map { .list([.string($0.key), $0.value]) }) },
        "get": { call in
            let key = try call.evaluator.key(call.requiredArgument(0))
            return try map(call)[key] ?? call.argument(1) ?? .null
        },
        "containsKey": { call in .bool(try map(call)[call.evaluator.key(call.requiredArgument(0))] != nil) },
        "containsValue": { call in
            let value = try call.requiredArgument(0)
            return .bool(try map(call).values.contains { $0.equalsAsHeat(value) })
        },
        "dict": { call in
            // dict(a => 1, b => 2) or dict([[key, value], ...]).
            var out = ValueMap.ordered()
            if call.receiver == nil, call.arguments.allSatisfy(isPair) {
                for case .pair(let key, let value) in call.arguments {
                    out[try call.evaluator.key(call.evaluator.evaluate(key, call.env))] =
                        try call.evaluator.evaluate(value, call.env)
                }
                return .map(out)
            }
            for pair in try call.collection() {
                guard case .list(let kv) = pair, kv.count == 2 else {
                    throw YaqlRuntimeError("dict() needs [key, value] pairs, found \(pair.kindName)")
                }
                out[try call.evaluator.key(kv[0])] = kv[1]
            }
            return .map(out)
        },
        "toDict": { call in
            let keySelector = try requireLambda(call, 0)
            let valueSelector = call.lambda(1)
            var out = ValueMap.ordered()
            for item in try call.collection() {
                out[try call.evaluator.key(keySelector(item))] = try valueSelector?(item) ?? item
            }
            return .map(out)
        },
        "deleteAll": { call in
            var m = try map(call).keepingOrder()
            for key in try call.list(call.requiredArgument(0)) { m[try call.evaluator.key(key)] = nil }
            return .map(m)
        },
        "isDict": { call in
            let value = try call.subject()
            if case .map = value { return .bool(!YaqlObject.isObject(value)) }
            return false
        },
        "mergeWith": { call in
            guard case .map(let other) = try call.requiredArgument(0) else {
                throw YaqlRuntimeError("mergeWith() needs a dict argument")
            }
            return .map(merge(try map(call), other))
        },
    ]

    /// `dict.set(key, value)` or `dict.set(otherDict)`: a copy with the keys stored.
    static func dictSet(_ call: YaqlCall) throws -> Value {
        var m = try map(call).keepingOrder()
        let first = try call.requiredArgument(0)
        if case .map(let other) = first, call.rest.count == 1 {
            for (key, value) in other.orderedEntries { m[key] = value }
        } else {
            m[try call.evaluator.key(first)] = try call.requiredArgument(1)
        }
        return .map(m)
    }

    /// `dict.delete(key, ...)`: a copy without the keys.
    static func dictDelete(_ call: YaqlCall) throws -> Value {
        var m = try map(call).keepingOrder()
        for key in try call.allArguments().dropFirst() { m[try call.evaluator.key(key)] = nil }
        return .map(m)
    }

    static func map(_ call: YaqlCall) throws -> ValueMap {
        let value = try call.subject()
        guard case .map(let m) = value else { throw YaqlRuntimeError("\(call.name)() needs a dict, found \(value.kindName)") }
        return m
    }

    static func isPair(_ node: YaqlNode) -> Bool {
        if case .pair = node { return true }
        return false
    }

    /// yaql's `mergeWith`: dicts merge recursively, lists keep the left items then the new
    /// right ones, anything else takes the right value. Keys keep the left dict's order, new
    /// ones follow in the right dict's order (measured with heat-oracle).
    static func merge(_ left: ValueMap, _ right: ValueMap) -> ValueMap {
        var out = left.keepingOrder()
        for (key, value) in right.orderedEntries {
            switch (out[key], value) {
            case (.map(let a)?, .map(let b)): out[key] = .map(merge(a, b))
            case (.list(let a)?, .list(let b)):
                var merged = a
                for item in b where !merged.contains(where: { $0.equalsAsHeat(item) }) { merged.append(item) }
                out[key] = .list(merged)
            default: out[key] = value
            }
        }
        return out
    }
}
