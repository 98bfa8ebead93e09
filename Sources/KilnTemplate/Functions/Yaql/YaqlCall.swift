import KilnModel
/// One function or method call being evaluated: gives the function its subject (the
/// receiver, or the first argument when called as a function), its arguments, and lambdas.
struct YaqlCall {
    let name: String
    let receiver: Value?
    let arguments: [YaqlNode]
    let env: YaqlEnvironment
    let evaluator: YaqlEvaluator

    /// Arguments after the subject.
    var rest: ArraySlice<YaqlNode> { receiver == nil ? arguments.dropFirst() : arguments[...] }

    /// The value the call works on: `x` in `x.f()` or `f(x)`.
    func subject() throws -> Value {
        if let receiver { return receiver }
        guard let first = arguments.first else { throw YaqlRuntimeError("\(name)() needs an argument") }
        return try evaluator.evaluate(first, env)
    }

    /// The subject as a list, within the iterator limit.
    func collection() throws -> [Value] {
        try list(subject())
    }

    /// A list or a set's items (sets iterate like lists in yaql).
    func list(_ value: Value) throws -> [Value] {
        if let items = YaqlObject.setItems(value) { return items }
        guard case .list(let items) = value else {
            throw YaqlRuntimeError("\(name)() needs a collection, found \(value.kindName)")
        }
        guard items.count <= YaqlEvaluator.iteratorLimit else { throw evaluator.tooLarge() }
        return items
    }

    func string() throws -> String {
        let value = try subject()
        guard case .string(let s) = value else { throw YaqlRuntimeError("\(name)() needs a string, found \(value.kindName)") }
        return s
    }

    /// The value of the i-th argument after the subject, or nil when absent.
    func argument(_ i: Int) throws -> Value? {
        let rest = self.rest
        guard rest.indices.contains(rest.startIndex + i) else { return nil }
        return try evaluator.evaluate(rest[rest.startIndex + i], env)
    }

    func requiredArgument(_ i: Int) throws -> Value {
        guard let value = try argument(i) else { throw YaqlRuntimeError("\(name)() needs argument \(i + 1)") }
        return value
    }

    func stringArgument(_ i: Int) throws -> String? {
        guard let value = try argument(i) else { return nil }
        guard case .string(let s) = value else {
            throw YaqlRuntimeError("\(name)() argument \(i + 1) must be a string, found \(value.kindName)")
        }
        return s
    }

    func intArgument(_ i: Int) throws -> Int? {
        guard let value = try argument(i) else { return nil }
        guard case .int(let n) = value else {
            throw YaqlRuntimeError("\(name)() argument \(i + 1) must be an integer, found \(value.kindName)")
        }
        return n
    }

    /// The i-th argument after the subject as a lambda over one item (`$` rebound), or nil when absent.
    func lambda(_ i: Int) -> ((Value) throws -> Value)? {
        let rest = self.rest
        guard rest.indices.contains(rest.startIndex + i) else { return nil }
        let node = rest[rest.startIndex + i]
        return { item in try evaluator.evaluate(node, env.binding(item)) }
    }

    /// Every argument's value, the subject included (for variadic functions).
    func allArguments() throws -> [Value] {
        var values = receiver.map { [$0] } ?? []
        for node in arguments { values.append(try evaluator.evaluate(node, env)) }
        return values
    }

    var argumentCount: Int { arguments.count + (receiver == nil ? 0 : 1) }
}
