import KilnModel
/// `repeat: {template, for_each: {var: list}, permutations: bool}`: one copy of the template per
/// combination of values, each variable replaced in every string of the copy. From 2016-10-14 a
/// for_each value may be a map (its keys are used); from 2017-09-01 `permutations: false` walks
/// the lists side by side instead of taking their cartesian product.
public struct Repeat: TemplateFunction {
    let site: FunctionSite
    let template: Expression
    let forEach: Expression
    let permutations: Bool
    let allowsMaps: Bool

    static let form = "a map {template: ..., for_each: {VAR: LIST}}"

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Repeat? {
        guard site.arguments.mapping != nil else {
            return site.reject(&parser, "invalid arguments", expected: form)
        }
        guard let templateNode = site.arguments["template"], let forEachNode = site.arguments["for_each"] else {
            let missing = site.arguments["template"] == nil ? "template" : "for_each"
            return site.reject(&parser, "the '\(missing)' key is missing", expected: form, found: "no '\(missing)' key")
        }
        var permutations = true
        if site.version >= .v2017_09_01, let node = site.arguments["permutations"] {
            guard case .scalar(.bool(let flag)) = node.kind else {
                return site.reject(&parser, "permutations must be a boolean", expected: "true or false", at: node)
            }
            permutations = flag
        }
        let allowsMaps = site.version >= .v2016_10_14 && permutations
        if !site.isCall(forEachNode, parser) {
            guard let entries = forEachNode.mapping, !entries.isEmpty else {
                return site.reject(&parser, "for_each must be a map of variables to lists", expected: "a map", at: forEachNode)
            }
            let expected = allowsMaps ? "a list or a map" : "a list"
            for entry in entries {
                let value = entry.value
                let accepted = value.sequence != nil || value.isNull || site.isCall(value, parser)
                    || (allowsMaps && value.mapping != nil)
                if !accepted {
                    let plural = allowsMaps ? "lists or maps" : "lists"
                    return site.reject(&parser, "the values of for_each must be \(plural)", expected: expected, at: value)
                }
            }
        }
        return Repeat(
            site: site, template: parser.parse(templateNode), forEach: parser.parse(forEachNode),
            permutations: permutations, allowsMaps: allowsMaps)
    }

    public var children: [Expression] { [template, forEach] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let loops = try variables(scope)
        guard !loops.isEmpty else { throw site.evaluationError("for_each must name at least one variable") }
        if !permutations {
            let lengths = Set(loops.compactMap { $0.isNullValue ? nil : $0.values.count })
            if lengths.count > 1 {
                throw site.evaluationError("the for_each lists must have equal lengths when permutations is false")
            }
        }
        let body = try scope.value(of: template)
        let keys = loops.map(\.name)
        // The size is known before anything is built: one copy of the body per combination.
        let count = permutations
            ? loops.reduce(1) { $0.multipliedSaturated(by: $1.values.count) }
            : loops.map(\.values.count).min() ?? 0
        let copy = ResultSize.of(body)
        try ResultSize.require(
            items: count.multipliedSaturated(by: copy.items.addingSaturated(1)),
            bytes: count.multipliedSaturated(by: copy.bytes), of: site.name, at: site.location)
        // Replacements can make each copy longer than the body: measured as the copies are made.
        var meter = RepeatMeter(site: site)
        var results: [Value] = []
        results.reserveCapacity(count)
        for combination in combinations(loops.map(\.values)) {
            results.append(try substitute(keys, combination, in: body, meter: &meter))
        }
        return .list(results)
    }

    /// Bytes of the strings made so far, refused past the single-result limit.
    private struct RepeatMeter {
        let site: FunctionSite
        var bytes = 0

        mutating func add(_ length: Int) throws(EvaluationError) {
            bytes = bytes.addingSaturated(length)
            try ResultSize.require(bytes: bytes, of: site.name, at: site.location)
        }
    }

    private struct Loop {
        var name: String
        var values: [Value]
        var isNullValue: Bool
    }

    /// The variables in written order (a computed for_each map has no order: keys sorted).
    private func variables(_ scope: EvaluationScope) throws -> [Loop] {
        var pairs: [(String, Expression?, Value)] = []
        if let entries = forEach.mapEntries {
            for entry in entries { pairs.append((entry.key, entry.value, try scope.value(of: entry.value))) }
        } else {
            guard case .map(let map) = try scope.value(of: forEach) else {
                throw site.evaluationError("for_each must be a map of variables to lists")
            }
            pairs = map.keys.sorted(by: PythonString.less).map { ($0, nil, map[$0] ?? .null) }
        }
        return try pairs.map { name, expression, value in
            switch value {
            case .null: return Loop(name: name, values: [], isNullValue: true)
            case .list(let items): return Loop(name: name, values: items, isNullValue: false)
            case .map(let map) where allowsMaps:
                let keys = expression?.mapEntries?.map(\.key) ?? map.keys.sorted(by: PythonString.less)
                return Loop(name: name, values: keys.map(Value.string), isNullValue: false)
            default:
                let expected = allowsMaps ? "lists or maps" : "lists"
                throw site.evaluationError("the values of for_each must be \(expected), found \(value.kindName) for '\(name)'")
            }
        }
    }

    /// Cartesian product (last variable fastest), or side by side when permutations is false.
    /// Made one at a time: the product is as long as the result.
    private func combinations(_ lists: [[Value]]) -> some Sequence<[Value]> {
        let count = permutations ? lists.reduce(1) { $0.multipliedSaturated(by: $1.count) } : lists.map(\.count).min() ?? 0
        return (0..<count).lazy.map { n in
            guard self.permutations else { return lists.map { $0[n] } }
            var rest = n
            var combination = [Value](repeating: .null, count: lists.count)
            for (index, list) in lists.enumerated().reversed() {
                combination[index] = list[rest % list.count]
                rest /= list.count
            }
            return combination
        }
    }

    /// Replaces each variable, in order, in every string of the body (map keys included).
    private func substitute(_ keys: [String], _ values: [Value], in body: Value, meter: inout RepeatMeter) throws -> Value {
        switch body {
        case .string(let text): return .string(try replaceAll(keys, values, in: text, meter: &meter))
        case .list(let items): return .list(try items.map { try substitute(keys, values, in: $0, meter: &meter) })
        case .map(let map):
            var out: [String: Value] = [:]
            for (key, value) in map {
                out[try replaceAll(keys, values, in: key, meter: &meter)] = try substitute(keys, values, in: value, meter: &meter)
            }
            return .map(out)
        default: return body
        }
    }

    private func replaceAll(_ keys: [String], _ values: [Value], in text: String, meter: inout RepeatMeter) throws -> String {
        var text = text
        for (key, value) in zip(keys, values) {
            guard case .string(let replacement) = value else {
                throw site.evaluationError("the value \(value.pythonRepr) of '\(key)' must be a string to replace it in the template")
            }
            // Each replacement is measured before it is made: a long value for a short key
            // that occurs often makes a long copy.
            guard !key.isEmpty else {
                try ResultSize.require(
                    bytes: meter.bytes.addingSaturated(PythonString.replacedLength(text, key, with: replacement)),
                    of: site.name, at: site.location)
                text = PythonString.replace(text, key, with: replacement)
                continue
            }
            let bytes = Array(text.utf8)
            let cuts = PythonString.occurrences(of: Array(key.utf8), in: bytes)
            guard !cuts.isEmpty else { continue }
            let growth = cuts.count.multipliedSaturated(by: replacement.utf8.count - key.utf8.count)
            try ResultSize.require(
                bytes: meter.bytes.addingSaturated(bytes.count.addingSaturated(growth)), of: site.name, at: site.location)
            text = PythonString.parts(of: bytes, cutAt: cuts, width: key.utf8.count).joined(separator: replacement)
        }
        try meter.add(text.utf8.count)
        return text
    }
}
