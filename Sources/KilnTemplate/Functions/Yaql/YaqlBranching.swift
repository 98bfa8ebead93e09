import KilnModel
/// yaql's branching functions: `switch`, `selectCase`, `selectAllCases`, `examine`.
extension YaqlLibrary {
    static let branchingFunctions: [String: Function] = [
        // switch(cond => value, ...): the first true condition's value, else null; later
        // conditions and values are never evaluated.
        "switch": { call in
            for argument in call.arguments {
                guard case .pair(let condition, let value) = argument else {
                    throw YaqlRuntimeError("switch() arguments must be 'condition => value'")
                }
                if truthy(try call.evaluator.evaluate(condition, call.env)) { return try call.evaluator.evaluate(value, call.env) }
            }
            return .null
        },
        // The index of the first true condition, or the count when none is.
        "selectCase": { call in
            for (i, node) in call.arguments.enumerated() where truthy(try call.evaluator.evaluate(node, call.env)) {
                return .int(i)
            }
            return .int(call.arguments.count)
        },
        "selectAllCases": { call in
            var out: [Value] = []
            for (i, node) in call.arguments.enumerated() where truthy(try call.evaluator.evaluate(node, call.env)) {
                out.append(.int(i))
            }
            return .list(out)
        },
        "examine": { call in .list(try call.allArguments().map { .bool(truthy($0)) }) },
    ]
}
