import KilnModel
/// yaql's sets (Python frozensets). `union`, `intersect` and `difference` are methods of sets
/// only: Heat refuses `[1, 2].union([3])` (measured with heat-oracle).
extension YaqlLibrary {
    static let setFunctions: [String: Function] = [
        "set": { call in
            // As a method of a dict, `set` stores keys (YaqlDicts); as a function it builds a
            // set, whose items must be hashable: `set({a => 1}, ...)` fails in Heat (heat-oracle).
            if call.receiver != nil { return try dictSet(call) }
            let items = try call.allArguments()
            if let unhashable = items.first(where: { if case .map = $0 { return true } else { return false } }) {
                throw YaqlRuntimeError("set() items must be hashable, found \(unhashable.kindName)")
            }
            return YaqlObject.set(items)
        },
        "toSet": { call in YaqlObject.set(try call.collection()) },
        "union": { call in
            var items = try setOperand(call, try call.subject())
            for value in try call.allArguments().dropFirst() { items += try setOperand(call, value) }
            return YaqlObject.set(items)
        },
        "intersect": { call in
            let other = try setOperand(call, call.requiredArgument(0))
            return YaqlObject.set(try setOperand(call, call.subject()).filter { item in other.contains { $0.equalsAsHeat(item) } })
        },
        "difference": { call in
            let other = try setOperand(call, call.requiredArgument(0))
            return YaqlObject.set(try setOperand(call, call.subject()).filter { item in !other.contains { $0.equalsAsHeat(item) } })
        },
        "symmetricDifference": { call in
            let left = try setOperand(call, call.subject())
            let right = try setOperand(call, call.requiredArgument(0))
            return YaqlObject.set(left.filter { item in !right.contains { $0.equalsAsHeat(item) } } +
                right.filter { item in !left.contains { $0.equalsAsHeat(item) } })
        },
        "add": { call in
            YaqlObject.set(try setOperand(call, call.subject()) + call.allArguments().dropFirst())
        },
        "remove": { call in
            let removed = Array(try call.allArguments().dropFirst())
            return YaqlObject.set(try setOperand(call, call.subject()).filter { item in !removed.contains { $0.equalsAsHeat(item) } })
        },
        "isSet": { call in .bool(YaqlObject.setItems(try call.subject()) != nil) },
    ]

    static func setOperand(_ call: YaqlCall, _ value: Value) throws -> [Value] {
        guard let items = YaqlObject.setItems(value) else {
            throw YaqlRuntimeError("\(call.name)() needs a set (use toSet()), found \(value.kindName)")
        }
        return items
    }
}
