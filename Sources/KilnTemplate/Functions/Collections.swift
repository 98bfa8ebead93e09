import KilnModel
// Functions over maps and lists: map_merge, map_replace, list_concat(_unique), filter,
// contains. (repeat lives in Repeat.swift.)

extension FunctionSite {
    /// A literal list whose literal items are of the accepted shapes, or a call producing the list.
    /// Returns the parsed argument, or nil with a diagnostic.
    func listOfItems(
        _ parser: inout ExpressionParser, counts: ClosedRange<Int> = 0...Int.max, form: String,
        itemName: String, accepts: (Node) -> Bool
    ) -> Expression? {
        if isCall(arguments, parser) { return parser.parse(arguments) }
        guard let items = list(&parser, counts: counts, form: form) else { return nil }
        for item in items where !(accepts(item) || item.isNull || isCall(item, parser)) {
            return reject(&parser, "every item must be \(itemName)", expected: itemName, at: item)
        }
        return parser.parse(arguments)
    }
}

/// `map_merge: [map, map, ...]`: a shallow merge, later maps win, null counts as `{}`.
public struct MapMerge: TemplateFunction {
    let site: FunctionSite
    let arguments: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> MapMerge? {
        site.listOfItems(&parser, form: "a list of maps", itemName: "a map", accepts: { $0.mapping != nil })
            .map { MapMerge(site: site, arguments: $0) }
    }

    public var children: [Expression] { [arguments] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        guard case .list(let maps) = try scope.value(of: arguments) else {
            throw site.evaluationError("the arguments must be a list of maps")
        }
        var entries = 0
        for item in maps {
            switch item {
            case .null: continue
            case .map(let map): entries = entries.addingSaturated(map.count)
            default: throw site.evaluationError("items to merge must be maps, found \(item.pythonRepr)")
            }
        }
        // The same big map given many times would otherwise be merged into itself at length.
        try ResultSize.require(items: entries, of: site.name, at: site.location)
        // Python's dict.update: keys keep their first place, new ones follow (heat-oracle).
        var merged = ValueMap.ordered(minimumCapacity: entries)
        for case .map(let map) in maps { merged.merge(map) { _, later in later } }
        return .map(merged)
    }
}

/// `map_replace: [map, {keys: {old: new}, values: {old: new}}]`.
public struct MapReplace: TemplateFunction {
    let site: FunctionSite
    let arguments: Expression

    static let form = "a list [MAP, {keys: MAP, values: MAP}]"

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> MapReplace? {
        guard let arguments = site.listOfItems(
            &parser, counts: 2...2, form: form, itemName: "a map", accepts: { $0.mapping != nil })
        else { return nil }
        if let replacements = site.arguments.sequence?.last?.mapping {
            for entry in replacements where entry.key != "keys" && entry.key != "values" {
                parser.diagnostics.error(
                    entry.keyLocation, "\(site.name): unknown replacement '\(entry.key)'", expected: "keys or values")
                return nil
            }
        }
        return MapReplace(site: site, arguments: arguments)
    }

    public var children: [Expression] { [arguments] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        guard case .list(let args) = try scope.value(of: arguments), args.count == 2 else {
            throw site.evaluationError("the arguments must be \(MapReplace.form)")
        }
        let input = try map(args[0]), replacements = try map(args[1])
        for key in replacements.keys where key != "keys" && key != "values" {
            throw site.evaluationError("unknown replacement '\(key)', expected keys or values")
        }
        let newKeys = try map(replacements["keys"] ?? .null)
        let newValues = try map(replacements["values"] ?? .null)
        var output = ValueMap.ordered(minimumCapacity: input.count)
        // The input's order, as Heat walks its dict (a map that keeps no order counts as sorted).
        for key in input.orderedKeys {
            guard let value = input[key] else { continue }
            var newKey = key
            if let replacement = newKeys[key], replacement != .null {
                guard let text = Self.keyText(replacement) else {
                    throw site.evaluationError("key replacement \(replacement.pythonRepr) must be a string")
                }
                if text != key, input[text] != nil {
                    throw site.evaluationError("key replacement \(text) collides with a key in the input map")
                }
                if output[text] != nil {
                    throw site.evaluationError("key replacement \(text) collides with a key in the output map")
                }
                newKey = text
            }
            output[newKey] = Self.lookupKey(value).flatMap { newValues[$0] } ?? value
        }
        return .map(output)
    }

    private func map(_ value: Value) throws -> ValueMap {
        switch value {
        case .null: return ValueMap([:])
        case .map(let map): return map
        default: throw site.evaluationError("the arguments must be \(MapReplace.form), found \(value.kindName)")
        }
    }

    /// A replacement key as map keys are written (YAML keys are text).
    private static func keyText(_ value: Value) -> String? {
        switch value {
        case .string(let s): return s
        case .int, .double, .bool: return value.plainText
        default: return nil
        }
    }

    /// The key under which a value is looked up in `values:`; lists and maps never match.
    private static func lookupKey(_ value: Value) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: return nil
        }
    }
}

/// `list_concat` and `list_concat_unique: [list, list, ...]` (null counts as `[]`).
public struct ListConcat: TemplateFunction {
    let site: FunctionSite
    let arguments: Expression
    let unique: Bool

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> ListConcat? {
        site.listOfItems(&parser, form: "a list of lists", itemName: "a list", accepts: { $0.sequence != nil })
            .map { ListConcat(site: site, arguments: $0, unique: site.name == "list_concat_unique") }
    }

    public var children: [Expression] { [arguments] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let args = try scope.value(of: arguments)
        guard case .list(let lists) = args else {
            throw site.evaluationError("the arguments must be a list of lists, found \(args.kindName)")
        }
        var count = 0
        for list in lists {
            switch list {
            case .null: continue
            case .list(let more): count = count.addingSaturated(more.count)
            default:
                throw site.evaluationError(
                    "items to concat must be lists. \(args.jsonText()) contains an item that is not a list: \(list.jsonText())")
            }
        }
        // Measured first: the same list given many times is a long list.
        try ResultSize.require(items: count, of: site.name, at: site.location)
        var items: [Value] = []
        items.reserveCapacity(count)
        for case .list(let more) in lists { items += more }
        guard unique else { return .list(items) }
        var seen = Set<PythonKey>()
        return .list(items.filter { seen.insert(PythonKey($0)).inserted })
    }
}

/// `filter: [values_to_remove, list]`.
public struct Filter: TemplateFunction {
    let site: FunctionSite
    let values: Expression
    let sequence: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Filter? {
        guard let items = site.list(&parser, counts: 2...2, form: "a list [values, list]") else { return nil }
        for item in items where item.isNull == false && item.sequence == nil && !site.isCall(item, parser) {
            return site.reject(&parser, "both arguments must be lists", expected: "a list", at: item)
        }
        return Filter(site: site, values: parser.parse(items[0]), sequence: parser.parse(items[1]))
    }

    public var children: [Expression] { [values, sequence] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let list = try scope.value(of: sequence)
        // Heat returns an empty or null list untouched, and filters nothing for empty values.
        guard list.isTruthy else { return list }
        guard case .list(let items) = list else { throw site.evaluationError("only works with lists, found \(list.kindName)") }
        let removed = try scope.value(of: values)
        guard removed.isTruthy else { return list }
        guard case .list(let unwanted) = removed else {
            throw site.evaluationError("filters a list of values, found \(removed.kindName)")
        }
        let removedKeys = Set(unwanted.map(PythonKey.init))
        return .list(items.filter { !removedKeys.contains(PythonKey($0)) })
    }
}

/// `contains: [value, sequence]`: membership in a list, or substring of a string.
public struct Contains: TemplateFunction {
    let site: FunctionSite
    let value: Expression
    let sequence: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Contains? {
        guard let items = site.list(&parser, counts: 2...2, form: "a list [value, list]") else { return nil }
        let target = items[1]
        let isString = target.string != nil
        if target.isNull || (target.scalar != nil && !isString) || (target.mapping != nil && !site.isCall(target, parser)) {
            return site.reject(&parser, "the second argument must be a sequence", expected: "a list", at: target)
        }
        return Contains(site: site, value: parser.parse(items[0]), sequence: parser.parse(target))
    }

    public var children: [Expression] { [value, sequence] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let item = try scope.value(of: value)
        let container = try scope.value(of: sequence)
        guard let found = container.pythonContains(item) else {
            if case .string = container {
                throw site.evaluationError("only a string can be looked for in a string, found \(item.kindName)")
            }
            throw site.evaluationError("the second argument must be a sequence, found \(container.kindName)")
        }
        return .bool(found)
    }
}
