import KilnModel
/// yaql's dictionary functions. Kiln's maps are unordered, so keys come back sorted.
/// Heat keeps insertion order (measured with heat-oracle: `{z: 1, a: 2}.keys()` is
/// `[z, a]`), so results differ where a template relies on that order: `keys()`, `values()`,
/// `items()`, `str()` of a dict. Fixing it needs an ordered map in `Value` itself.
extension YaqlLibrary {
    static let dictFunctions: [String: Function] = [
        "keys": { call in .list(try map(call).keys.sorted().map(Value.string)) },
        "values": { call in
            let m = try map(call)
            return .list(m.keys.sorted().compactMap { m[$0] })
        },
        "items": { call in
            let m = try map(call)
            return .list(m.keys.sorted().map { .list([.string($0), m[$0] ?? .null]) })
        },
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
            var out: [String: Value] = [:]
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
            var out: [String: Value] = [:]
            for item in try call.collection() {
                out[try call.evaluator.key(keySelector(item))] = try valueSelector?(item) ?? item
            }
            return .map(out)
        },
        "deleteAll": { call in
            var m = try map(call)
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
        var m = try map(call)
        let first = try call.requiredArgument(0)
        if case .map(let other) = first, call.rest.count == 1 {
            for (key, value) in other { m[key] = value }
        } else {
            m[try call.evaluator.key(first)] = try call.requiredArgument(1)
        }
        return .map(m)
    }

    /// `dict.delete(key, ...)`: a copy without the keys.
    static func dictDelete(_ call: YaqlCall) throws -> Value {
        var m = try map(call)
        for key in try call.allArguments().dropFirst() { m[try call.evaluator.key(key)] = nil }
        return .map(m)
    }

    static func map(_ call: YaqlCall) throws -> [String: Value] {
        let value = try call.subject()
        guard case .map(let m) = value else { throw YaqlRuntimeError("\(call.name)() needs a dict, found \(value.kindName)") }
        return m
    }

    static func isPair(_ node: YaqlNode) -> Bool {
        if case .pair = node { return true }
        return false
    }

    /// yaql's `mergeWith`: dicts merge recursively, lists keep the left items then the new
    /// right ones, anything else takes the right value.
    static func merge(_ left: [String: Value], _ right: [String: Value]) -> [String: Value] {
        var out = left
        for (key, value) in right {
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
