import KilnModel
/// A failure while evaluating a yaql expression (bad data for an operation, a limit hit).
struct YaqlRuntimeError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Variables in scope: `$` (name "") and any `$name` bound by lambdas or `let`.
struct YaqlEnvironment: Sendable {
    var variables: [String: Value]

    init(root: Value) { variables = ["": root] }

    /// The environment inside a lambda: `$` and `$1` are the item.
    func binding(_ item: Value) -> YaqlEnvironment {
        var copy = self
        copy.variables[""] = item
        copy.variables["1"] = item
        return copy
    }
}

/// Evaluates a parsed expression with Python-like semantics and Heat's yaql limits.
struct YaqlEvaluator: Sendable {
    /// Heat's `[yaql] limit_iterators`: no collection may be longer.
    static let iteratorLimit = 200
    /// Heat's `[yaql] memory_quota`, applied to the size of strings built.
    static let memoryQuota = 10000

    /// The template's budget, charged with every collection and string built: each is small
    /// (the limits above), but lambdas nest (`range(200).select(range(200).select(...))`).
    var budget: EvaluationBudget?
    /// Where the expression is, for the budget's error.
    var location = SourceLocation.synthetic("yaql")

    func evaluate(_ node: YaqlNode, _ env: YaqlEnvironment) throws -> Value {
        switch node {
        case .literal(let value):
            return value
        case .variable(let name):
            guard let value = env.variables[name] else { throw YaqlRuntimeError("unknown variable '$\(name)'") }
            return value
        case .list(let items):
            return try checked(.list(items.map { try evaluate($0, env) }))
        case .dict(let entries):
            var map = ValueMap.ordered(minimumCapacity: entries.count)  // `{b => 1, a => 2}` keeps b first, as Python.
            for entry in entries { map[try key(evaluate(entry.key, env))] = try evaluate(entry.value, env) }
            return .map(map)
        case .call(let name, _?, _) where Self.chainedOrderings.contains(name):
            return try orderedChain(node, env)
        case .call(let name, let receiver, let arguments):
            return try call(name, receiver: try receiver.map { try evaluate($0, env) }, arguments, env)
        case .nullSafeCall(let name, let receiver, let arguments):
            let value = try evaluate(receiver, env)
            return value == .null ? .null : try call(name, receiver: value, arguments, env)
        case .unsupported(let construct):
            throw YaqlRuntimeError("unsupported yaql construct '\(construct)'")
        case .member(let receiver, let name, let nullSafe):
            let value = try evaluate(receiver, env)
            if nullSafe, value == .null { return .null }
            return try member(value, name)
        case .index(let receiver, let index):
            return try self.index(evaluate(receiver, env), evaluate(index, env))
        case .unary(let op, let operand):
            return try unary(op, evaluate(operand, env))
        case .binary(let op, let left, let right):
            return try checked(binary(op, left, right, env))
        case .pair:
            throw YaqlRuntimeError("'=>' is allowed only in call arguments")
        }
    }

    /// Runs a library function. An unknown name is an error here, when evaluated (as in
    /// Heat), never when the expression is parsed.
    func call(_ name: String, receiver: Value?, _ arguments: [YaqlNode], _ env: YaqlEnvironment) throws -> Value {
        let style = receiver == nil ? YaqlLibrary.methodOnly : YaqlLibrary.functionOnly
        guard let function = YaqlLibrary.functions[name], !style.contains(name) else {
            throw YaqlRuntimeError(receiver == nil ? "unknown function '\(name)'" : "unknown method '\(name)'")
        }
        let call = YaqlCall(name: name, receiver: receiver, arguments: arguments, env: env, evaluator: self)
        return try checked(function(call))
    }

    /// Enforces the iterator limit and memory quota on values produced, and charges them.
    func checked(_ value: Value) throws -> Value {
        var built = ResultSize()
        if let items = YaqlObject.setItems(value) {
            guard items.count <= Self.iteratorLimit else { throw tooLarge() }
            built.items = items.count
            try budget?.charge(built, by: "yaql", at: location)
            return value
        }
        switch value {
        case .list(let items) where items.count > Self.iteratorLimit: throw tooLarge()
        case .map(let map) where map.count > Self.iteratorLimit: throw tooLarge()
        case .string(let s) where s.utf8.count > Self.memoryQuota:
            throw YaqlRuntimeError("expression exceeds the memory quota of \(Self.memoryQuota)")
        case .list(let items): built.items = items.count
        case .map(let map): built.items = map.count
        case .string(let s): built.bytes = s.utf8.count
        default: return value
        }
        try budget?.charge(built, by: "yaql", at: location)
        return value
    }

    func tooLarge() -> YaqlRuntimeError {
        YaqlRuntimeError("collection is too large: more than \(Self.iteratorLimit) items")
    }

    func key(_ value: Value) throws -> String {
        switch value {
        case .string(let s): return s
        case .int, .double, .bool, .null: return YaqlLibrary.text(value)
        default: throw YaqlRuntimeError("a dict key must be a scalar, found \(value.kindName)")
        }
    }

    /// `a.b`: a dict's key (null when absent), or that key of every dict in a list.
    func member(_ value: Value, _ name: String) throws -> Value {
        if let property = try YaqlLibrary.dateMember(value, name) { return property }
        switch value {
        // A missing key is an error, as in Heat (heat-oracle: `$.data.missing` and
        // `$.data[missing]` fail with a KeyError); `get()` is the form that allows absence.
        case .map(let map):
            guard let found = map[name] else { throw YaqlRuntimeError("no key '\(name)' in the dict") }
            return found
        case .list(let items):
            guard items.count <= Self.iteratorLimit else { throw tooLarge() }
            return .list(try items.map { try member($0, name) })
        default: throw YaqlRuntimeError("no attribute '\(name)' on \(value.kindName)")
        }
    }

    func index(_ value: Value, _ index: Value) throws -> Value {
        switch (value, index) {
        case (.map(let map), _):
            let name = try key(index)
            guard let found = map[name] else { throw YaqlRuntimeError("no key '\(name)' in the dict") }
            return found
        case (.list(let items), .int(let i)):
            let at = i < 0 ? items.count + i : i
            guard items.indices.contains(at) else { throw YaqlRuntimeError("list index \(i) out of range") }
            return items[at]
        default:
            throw YaqlRuntimeError("cannot index \(value.kindName) with \(index.kindName)")
        }
    }

    private func unary(_ op: String, _ value: Value) throws -> Value {
        switch (op, value) {
        case ("not", _): return .bool(!YaqlLibrary.truthy(value))
        case ("+", .int), ("+", .double): return value
        case ("-", .int(let i)):
            // `-Int.min` has no 64-bit value (Python's integers have no bound).
            guard i != .min else { throw YaqlLibrary.overflowError("-(\(i))") }
            return .int(-i)
        case ("-", .double(let d)): return .double(-d)
        default: throw YaqlRuntimeError("unary '\(op)' needs a number, found \(value.kindName)")
        }
    }

    private func binary(_ op: String, _ leftNode: YaqlNode, _ rightNode: YaqlNode, _ env: YaqlEnvironment) throws -> Value {
        switch op {
        case "and":
            let left = try evaluate(leftNode, env)
            return YaqlLibrary.truthy(left) ? try evaluate(rightNode, env) : left
        case "or":
            let left = try evaluate(leftNode, env)
            return YaqlLibrary.truthy(left) ? left : try evaluate(rightNode, env)
        case "->":
            // `let(name => value) -> expr` binds variables. Any other left side fails, as in
            // Heat (measured with heat-oracle: `$.data -> $.a` is an error).
            guard case .call("let", nil, let arguments) = leftNode else {
                throw YaqlRuntimeError("'->' needs let(...) on its left")
            }
            return try evaluate(rightNode, try bindLet(arguments, env))
        default:
            return try YaqlLibrary.operate(op, evaluate(leftNode, env), evaluate(rightNode, env))
        }
    }

    private func bindLet(_ arguments: [YaqlNode], _ env: YaqlEnvironment) throws -> YaqlEnvironment {
        var inner = env
        for (position, argument) in arguments.enumerated() {
            if case .pair(let name, let value) = argument {
                inner.variables[try key(evaluate(name, env))] = try evaluate(value, env)
            } else {
                inner.variables[String(position + 1)] = try evaluate(argument, env)
            }
        }
        return inner
    }
}
