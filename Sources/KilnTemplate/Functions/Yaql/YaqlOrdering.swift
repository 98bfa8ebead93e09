import KilnModel
/// `orderBy(...).thenBy(...)`: yaql's ordered collections remember their sort keys. Kiln's
/// values do not, so a `thenBy` chain is read from the expression instead: the whole chain
/// back to its `orderBy` is sorted once, by all its keys.
extension YaqlEvaluator {
    static let chainedOrderings: Set<String> = ["thenBy", "thenByDescending"]

    func orderedChain(_ node: YaqlNode, _ env: YaqlEnvironment) throws -> Value {
        var keys: [(selector: YaqlNode, descending: Bool)] = []
        var current = node
        while case .call(let name, let receiver?, let arguments) = current {
            guard let selector = arguments.first, arguments.count == 1 else {
                throw YaqlRuntimeError("\(name)() needs one key expression")
            }
            keys.insert((selector, name.hasSuffix("Descending")), at: 0)
            if name == "orderBy" || name == "orderByDescending" {
                let items = try YaqlCall(name: name, receiver: try evaluate(receiver, env), arguments: [], env: env, evaluator: self)
                    .collection()
                let keyed = try items.map { item in (item: item, keys: try keys.map { try evaluate($0.selector, env.binding(item)) }) }
                let sorted = try keyed.sorted { a, b in
                    for (i, key) in keys.enumerated() {
                        let c = try YaqlLibrary.compare(a.keys[i], b.keys[i])
                        if c != 0 { return key.descending ? c > 0 : c < 0 }
                    }
                    return false
                }
                return try checked(.list(sorted.map(\.item)))
            }
            guard Self.chainedOrderings.contains(name) else { break }
            current = receiver
        }
        throw YaqlRuntimeError("thenBy() must follow orderBy()")
    }
}
