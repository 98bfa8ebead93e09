import KilnModel
/// yaql's query and collection functions.
extension YaqlLibrary {
    static let collectionFunctions: [String: Function] = [
        "len": { call in try length(call.subject(), call.name) },
        "count": { call in .int(try call.collection().count) },
        "select": { call in
            let selector = try requireLambda(call, 0)
            return .list(try call.collection().map(selector))
        },
        "where": { call in
            let predicate = try requireLambda(call, 0)
            return .list(try call.collection().filter { truthy(try predicate($0)) })
        },
        "selectMany": { call in
            let selector = try requireLambda(call, 0)
            var out: [Value] = []
            for item in try call.collection() {
                let produced = try selector(item)
                if case .list(let items) = produced { out += items } else { out.append(produced) }
                guard out.count <= YaqlEvaluator.iteratorLimit else { throw call.evaluator.tooLarge() }
            }
            return .list(out)
        },
        "any": { call in
            let predicate = call.lambda(0)
            return .bool(try call.collection().contains { truthy(try predicate?($0) ?? $0) })
        },
        "all": { call in
            let predicate = call.lambda(0)
            return .bool(try call.collection().allSatisfy { truthy(try predicate?($0) ?? $0) })
        },
        "first": { call in
            let items = try call.collection()
            if let first = items.first { return first }
            if let fallback = try call.argument(0) { return fallback }
            throw YaqlRuntimeError("first() of an empty collection")
        },
        "last": { call in
            let items = try call.collection()
            if let last = items.last { return last }
            if let fallback = try call.argument(0) { return fallback }
            throw YaqlRuntimeError("last() of an empty collection")
        },
        "skip": { call in .list(Array(try call.collection().dropFirst(max(try requireInt(call, 0), 0)))) },
        "take": { call in .list(Array(try call.collection().prefix(max(try requireInt(call, 0), 0)))) },
        "limit": { call in .list(Array(try call.collection().prefix(max(try requireInt(call, 0), 0)))) },
        "distinct": { call in
            let selector = call.lambda(0)
            var seen: [Value] = []
            var out: [Value] = []
            for item in try call.collection() {
                let key = try selector?(item) ?? item
                if !seen.contains(where: { $0.equalsAsHeat(key) }) {
                    seen.append(key)
                    out.append(item)
                }
            }
            return .list(out)
        },
        "flatten": { call in
            func flatten(_ items: [Value], into out: inout [Value]) throws {
                for item in items {
                    if case .list(let inner) = item { try flatten(inner, into: &out) } else { out.append(item) }
                    guard out.count <= YaqlEvaluator.iteratorLimit else { throw call.evaluator.tooLarge() }
                }
            }
            var out: [Value] = []
            try flatten(try call.collection(), into: &out)
            return .list(out)
        },
        "concat": { call in
            let values = try call.allArguments()
            // `'ab'.concat('c')` fails in Heat: string concat is a function only.
            if call.receiver?.stringValue != nil { throw YaqlRuntimeError("unknown method 'concat' for a string") }
            if values.allSatisfy({ $0.stringValue != nil }) {
                return .string(values.compactMap(\.stringValue).joined())
            }
            var out: [Value] = []
            for value in values { out += try call.list(value) }
            return .list(out)
        },
        "sum": { call in
            var total = try call.argument(0) ?? .int(0)
            for item in try call.collection() { total = try plus(total, item) }
            return total
        },
        "max": { call in try extreme(call, wantLarger: true) },
        "min": { call in try extreme(call, wantLarger: false) },
        "orderBy": { call in try order(call, descending: false) },
        "orderByDescending": { call in try order(call, descending: true) },
        "groupBy": { call in
            let keySelector = try requireLambda(call, 0)
            let valueSelector = call.lambda(1)
            var keys: [Value] = []
            var groups: [[Value]] = []
            for item in try call.collection() {
                let key = try keySelector(item)
                let value = try valueSelector?(item) ?? item
                if let at = keys.firstIndex(where: { $0.equalsAsHeat(key) }) {
                    groups[at].append(value)
                } else {
                    keys.append(key)
                    groups.append([value])
                }
            }
            // An aggregator gets [key, values]; when that fails, it gets the values and the
            // result is [key, aggregate] (yaql's fallback for older templates).
            guard call.rest.count > 2 else { return .list(zip(keys, groups).map { .list([$0, .list($1)]) }) }
            let aggregator = call.rest[call.rest.startIndex + 2]
            return .list(try zip(keys, groups).map { key, values in
                do {
                    return try call.evaluator.evaluate(aggregator, call.env.binding(.list([key, .list(values)])))
                } catch is YaqlRuntimeError {
                    return .list([key, try call.evaluator.evaluate(aggregator, call.env.binding(.list(values)))])
                }
            })
        },
        "contains": { call in
            let subject = try call.subject()
            // `'abc'.contains('b')` fails in Heat (the `in` operator works on strings).
            if case .string = subject { throw YaqlRuntimeError("contains() needs a collection, found a string") }
            return .bool(try contains(subject, call.requiredArgument(0)))
        },
        "indexOf": { call in
            let subject = try call.subject()
            let item = try call.requiredArgument(0)
            if case .string(let s) = subject, case .string(let sub) = item {
                guard let range = s.range(of: sub) else { return .int(-1) }
                return .int(s.distance(from: s.startIndex, to: range.lowerBound))
            }
            return .int(try call.list(subject).firstIndex { $0.equalsAsHeat(item) } ?? -1)
        },
        "reverse": { call in .list(try call.collection().reversed()) },
        // list(a, b, ...): the arguments as a list (lists stay nested: measured with heat-oracle).
        "list": { call in .list(try call.allArguments()) },
        "toList": { call in
            let subject = try call.subject()
            if case .string = subject { throw YaqlRuntimeError("toList() needs a collection, found a string") }
            return .list(try call.list(subject))
        },
        "range": { call in
            let values = try call.allArguments()
            let ints = values.compactMap { value -> Int? in if case .int(let i) = value { return i } else { return nil } }
            guard ints.count == values.count, (1...3).contains(ints.count) else {
                throw YaqlRuntimeError("range() needs 1 to 3 integers")
            }
            let (start, stop, step) = ints.count == 1 ? (0, ints[0], 1) : (ints[0], ints[1], ints.count == 3 ? ints[2] : 1)
            guard step != 0 else { throw YaqlRuntimeError("range() step must not be zero") }
            var out: [Value] = []
            var i = start
            while step > 0 ? i < stop : i > stop {
                out.append(.int(i))
                guard out.count <= YaqlEvaluator.iteratorLimit else { throw call.evaluator.tooLarge() }
                // A next value past Int's range is past `stop` too.
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
            return .list(out)
        },
        // Strings only (and null): Heat refuses isEmpty() of a list.
        "isEmpty": { call in
            switch try call.subject() {
            case .null: return true
            case .string(let s): return .bool(s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            case let other: throw YaqlRuntimeError("isEmpty() needs a string, found \(other.kindName)")
            }
        },
        "coalesce": { call in try call.allArguments().first { $0 != .null } ?? .null },
        "let": { call in call.env.variables[""] ?? .null },
    ] + dictFunctions

    static func length(_ value: Value, _ name: String) throws -> Value {
        if let items = YaqlObject.setItems(value) { return .int(items.count) }
        switch value {
        case .list(let l): return .int(l.count)
        case .map(let m): return .int(m.count)
        case .string(let s): return .int(s.count)
        default: throw YaqlRuntimeError("\(name)() needs a collection or string, found \(value.kindName)")
        }
    }

    static func requireLambda(_ call: YaqlCall, _ i: Int) throws -> (Value) throws -> Value {
        guard let lambda = call.lambda(i) else { throw YaqlRuntimeError("\(call.name)() needs an expression argument") }
        return lambda
    }

    static func requireInt(_ call: YaqlCall, _ i: Int) throws -> Int {
        guard let n = try call.intArgument(i) else { throw YaqlRuntimeError("\(call.name)() needs an integer argument") }
        return n
    }

    /// `max()`/`min()` of a collection, or of two values when called as `max(a, b)`.
    static func extreme(_ call: YaqlCall, wantLarger: Bool) throws -> Value {
        let items: [Value]
        if call.receiver == nil, call.arguments.count == 2 {
            items = try call.allArguments()
        } else {
            items = try call.collection()
            if items.isEmpty, let initial = try call.argument(0) { return initial }
        }
        guard var best = items.first else { throw YaqlRuntimeError("\(call.name)() of an empty collection") }
        for item in items.dropFirst() {
            let c = try compare(item, best)
            if wantLarger ? c > 0 : c < 0 { best = item }
        }
        return best
    }

    static func order(_ call: YaqlCall, descending: Bool) throws -> Value {
        let selector = try requireLambda(call, 0)
        let keyed = try call.collection().map { (key: try selector($0), item: $0) }
        let sorted = try keyed.sorted { a, b in
            let c = try compare(a.key, b.key)
            return descending ? c > 0 : c < 0
        }
        return .list(sorted.map(\.item))
    }
}

extension Dictionary where Key == String, Value == YaqlLibrary.Function {
    static func + (lhs: Self, rhs: Self) -> Self { lhs.merging(rhs) { first, _ in first } }
}
