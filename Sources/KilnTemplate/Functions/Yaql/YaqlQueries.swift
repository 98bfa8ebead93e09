import KilnModel
/// More of yaql's query functions: positional searches, folds, slicing and generators.
/// Infinite sequences (`sequence`, `cycle`) stop at Heat's iterator limit.
extension YaqlLibrary {
    static let queryFunctions: [String: Function] = [
        "lastIndexOf": { call in
            let subject = try call.subject()
            let item = try call.requiredArgument(0)
            if case .string(let s) = subject, case .string(let sub) = item {
                guard let range = s.range(of: sub, options: .backwards) else { return .int(-1) }
                return .int(s.distance(from: s.startIndex, to: range.lowerBound))
            }
            return .int(try call.list(subject).lastIndex { $0.equalsAsHeat(item) } ?? -1)
        },
        "indexWhere": { call in
            let predicate = try requireLambda(call, 0)
            return .int(try call.collection().firstIndex { truthy(try predicate($0)) } ?? -1)
        },
        "lastIndexWhere": { call in
            let predicate = try requireLambda(call, 0)
            return .int(try call.collection().lastIndex { truthy(try predicate($0)) } ?? -1)
        },
        "takeWhile": { call in
            let predicate = try requireLambda(call, 0)
            var out: [Value] = []
            for item in try call.collection() {
                guard truthy(try predicate(item)) else { break }
                out.append(item)
            }
            return .list(out)
        },
        "skipWhile": { call in
            let predicate = try requireLambda(call, 0)
            let items = try call.collection()
            var start = 0
            while start < items.count, truthy(try predicate(items[start])) { start += 1 }
            return .list(Array(items[start...]))
        },
        "aggregate": { call in try fold(call) },
        "reduce": { call in try fold(call) },
        "accumulate": { call in
            let combine = try requireFold(call)
            var items = try call.collection()
            if let seed = try call.argument(1) { items.insert(seed, at: 0) }
            guard var acc = items.first else { return [] }
            var out = [acc]
            for item in items.dropFirst() {
                acc = try combine(acc, item)
                out.append(acc)
            }
            return .list(out)
        },
        "enumerate": { call in
            let start = try call.intArgument(0) ?? 0
            return .list(try call.collection().enumerated().map { .list([.int(start + $0.offset), $0.element]) })
        },
        "append": { call in .list(try call.collection() + call.allArguments().dropFirst()) },
        "single": { call in
            let items = try call.collection()
            guard items.count == 1 else {
                throw YaqlRuntimeError(items.isEmpty ? "single() of an empty collection" : "single(): the collection has more than one item")
            }
            return items[0]
        },
        "slice": { call in
            let length = try requireInt(call, 0)
            guard length > 0 else { throw YaqlRuntimeError("slice() length must be positive") }
            let items = try call.collection()
            return .list(stride(from: 0, to: items.count, by: length).map { .list(Array(items[$0..<min($0 + length, items.count)])) })
        },
        "splitAt": { call in
            let items = try call.collection()
            let at = min(max(try requireInt(call, 0), 0), items.count)
            return .list([.list(Array(items[..<at])), .list(Array(items[at...]))])
        },
        // Items for which the predicate holds are separators, dropped.
        "splitWhere": { call in
            let predicate = try requireLambda(call, 0)
            var out: [Value] = []
            var current: [Value] = []
            for item in try call.collection() {
                if truthy(try predicate(item)) { out.append(.list(current)); current = [] } else { current.append(item) }
            }
            out.append(.list(current))
            return .list(out)
        },
        // A new slice starts wherever the predicate's value changes.
        "sliceWhere": { call in
            let predicate = try requireLambda(call, 0)
            var out: [Value] = []
            var current: [Value] = []
            var previous: Value?
            for item in try call.collection() {
                let key = try predicate(item)
                if let previous, !previous.equalsAsHeat(key) { out.append(.list(current)); current = [] }
                current.append(item)
                previous = key
            }
            if !current.isEmpty { out.append(.list(current)) }
            return .list(out)
        },
        "defaultIfEmpty": { call in
            let items = try call.collection()
            return items.isEmpty ? try call.requiredArgument(0) : .list(items)
        },
        "memorize": { call in .list(try call.collection()) },
        "cycle": { call in
            let items = try call.collection()
            guard !items.isEmpty else { return [] }
            return .list((0..<YaqlEvaluator.iteratorLimit).map { items[$0 % items.count] })
        },
        "sequence": { call in
            let arguments = try call.allArguments()
            let numbers = try arguments.map { value -> Int in
                guard case .int(let n) = value else { throw YaqlRuntimeError("sequence() needs integers") }
                return n
            }
            let start = numbers.first ?? 0
            let step = numbers.count > 1 ? numbers[1] : 1
            var out: [Value] = []
            var n = start
            for _ in 0..<YaqlEvaluator.iteratorLimit {
                out.append(.int(n))
                let (next, overflow) = n.addingReportingOverflow(step)
                if overflow { break }
                n = next
            }
            return .list(out)
        },
        "repeat": { call in
            let value = try call.subject()
            guard let count = try call.intArgument(0) else {
                return .list(Array(repeating: value, count: YaqlEvaluator.iteratorLimit))
            }
            guard count <= YaqlEvaluator.iteratorLimit else { throw call.evaluator.tooLarge() }
            return .list(Array(repeating: value, count: max(count, 0)))
        },
        // generate(initial, predicate, producer[, selector]): a loop as a list.
        "generate": { call in
            guard call.arguments.count >= 3 else { throw YaqlRuntimeError("generate() needs initial, predicate and producer") }
            var value = try call.evaluator.evaluate(call.arguments[0], call.env)
            let predicate = call.arguments[1], producer = call.arguments[2]
            let selector = call.arguments.count > 3 ? call.arguments[3] : nil
            var out: [Value] = []
            while truthy(try call.evaluator.evaluate(predicate, call.env.binding(value))) {
                out.append(try selector.map { try call.evaluator.evaluate($0, call.env.binding(value)) } ?? value)
                guard out.count <= YaqlEvaluator.iteratorLimit else { throw call.evaluator.tooLarge() }
                value = try call.evaluator.evaluate(producer, call.env.binding(value))
            }
            return .list(out)
        },
        // generateMany(initial, producer): breadth-first over what the producer yields.
        "generateMany": { call in
            guard call.arguments.count >= 2 else { throw YaqlRuntimeError("generateMany() needs initial and producer") }
            var queue = [try call.evaluator.evaluate(call.arguments[0], call.env)]
            var out: [Value] = []
            while !queue.isEmpty {
                let item = queue.removeFirst()
                out.append(item)
                guard out.count <= YaqlEvaluator.iteratorLimit else { throw call.evaluator.tooLarge() }
                queue += try call.list(call.evaluator.evaluate(call.arguments[1], call.env.binding(item)))
            }
            return .list(out)
        },
        "insert": { call in
            var items = try call.collection()
            let at = pythonPosition(try requireInt(call, 0), items.count)
            items.insert(try call.requiredArgument(1), at: at)
            return .list(items)
        },
        "insertMany": { call in
            var items = try call.collection()
            let at = pythonPosition(try requireInt(call, 0), items.count)
            items.insert(contentsOf: try call.list(call.requiredArgument(1)), at: at)
            return .list(items)
        },
        "replaceMany": { call in
            try listReplace(call, with: try call.list(call.requiredArgument(1)))
        },
        "delete": { call in
            let subject = try call.subject()
            if case .map = subject { return try dictDelete(call) }
            var items = try call.list(subject)
            let at = try requireInt(call, 0)
            let count = try call.intArgument(1) ?? 1
            guard at >= 0, at < items.count else { return .list(items) }
            let end = count < 0 ? items.count : min(at + count, items.count)
            items.removeSubrange(at..<end)
            return .list(items)
        },
    ]

    /// Python's `list.insert` position: negative counts from the end, clamped to the list.
    static func pythonPosition(_ i: Int, _ count: Int) -> Int {
        i < 0 ? max(count + i, 0) : min(i, count)
    }

    /// `list.replace(position, value[, count])` / `replaceMany(position, values[, count])`.
    static func listReplace(_ call: YaqlCall, with values: [Value]) throws -> Value {
        var items = try call.collection()
        let at = try requireInt(call, 0)
        let count = try call.intArgument(2) ?? 1
        guard at >= 0, at <= items.count else { return .list(items) }
        let end = count < 0 ? items.count : min(at + count, items.count)
        items.replaceSubrange(at..<end, with: values)
        return .list(items)
    }

    /// `aggregate`/`reduce(func[, initial])`: `$1` the accumulator, `$2` the item.
    static func fold(_ call: YaqlCall) throws -> Value {
        let combine = try requireFold(call)
        var items = try call.collection()
        if let seed = try call.argument(1) { items.insert(seed, at: 0) }
        guard var acc = items.first else { throw YaqlRuntimeError("\(call.name)() of an empty collection") }
        for item in items.dropFirst() { acc = try combine(acc, item) }
        return acc
    }

    static func requireFold(_ call: YaqlCall) throws -> (Value, Value) throws -> Value {
        let rest = call.rest
        guard let node = rest.first else { throw YaqlRuntimeError("\(call.name)() needs an expression") }
        return { acc, item in
            var env = call.env
            env.variables[""] = acc
            env.variables["1"] = acc
            env.variables["2"] = item
            return try call.evaluator.evaluate(node, env)
        }
    }
}
