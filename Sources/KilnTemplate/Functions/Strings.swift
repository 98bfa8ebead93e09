import KilnModel
// String functions: list_join, str_replace (and its strict variants), str_split.

/// `list_join: [delimiter, list]`; from 2015-10-15 `[delimiter, list, list, ...]` with maps and
/// lists among the items written as JSON.
public struct ListJoin: TemplateFunction {
    let site: FunctionSite
    let delimiter: Expression
    let lists: [Expression]
    let joinsJSON: Bool

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> ListJoin? {
        let multiple = site.version >= .v2015_10_15
        let form = multiple ? "a list [delimiter, list, list...]" : "a list [delimiter, list]"
        guard let items = site.list(&parser, counts: multiple ? 2...Int.max : 2...2, form: form) else { return nil }
        if !(items[0].string != nil || site.isCall(items[0], parser)) {
            return site.reject(&parser, "the delimiter must be a string", expected: "a string", at: items[0])
        }
        for item in items.dropFirst() where !(item.sequence != nil || item.isNull || site.isCall(item, parser)) {
            return site.reject(&parser, "the items to join must be a list", expected: "a list", at: item)
        }
        return ListJoin(
            site: site, delimiter: parser.parse(items[0]), lists: items.dropFirst().map { parser.parse($0) },
            joinsJSON: multiple)
    }

    public var children: [Expression] { [delimiter] + lists }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        var strings: [Value] = []
        for list in lists {
            let value = try scope.value(of: list)
            // Heat skips any empty or null list argument before checking its type.
            guard value.isTruthy || !joinsJSON else { continue }
            switch value {
            case .null: continue
            case .list(let items): strings += items
            default: throw site.evaluationError("must operate on a list, found \(value.kindName)")
            }
        }
        guard case .string(let delimiter) = try scope.value(of: delimiter) else {
            throw site.evaluationError("the delimiter must be a string")
        }
        let texts = try strings.map { item -> String in
            switch item {
            case .null: return ""
            case .string(let s): return s
            case .list where joinsJSON, .map where joinsJSON: return item.jsonText()
            default:
                let allowed = joinsJSON ? "string, map or list" : "strings"
                throw site.evaluationError("items to join must be \(allowed), not \(item.pythonRepr)")
            }
        }
        return .string(texts.joined(separator: delimiter))
    }
}

/// `str_replace`, `str_replace_strict` and `str_replace_vstrict: {template, params}`.
public struct StrReplace: TemplateFunction {
    let site: FunctionSite
    let template: Expression
    let params: Expression
    /// From 2015-10-15 maps and lists become JSON; before, only strings and numbers are allowed.
    let serializesJSON: Bool
    /// Every param must occur in the template (`_strict` and `_vstrict`).
    let strict: Bool
    /// No param may be null or empty (`_vstrict`).
    let requiresValues: Bool

    static let form = "a map {template: STRING, params: MAP}"

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> StrReplace? {
        guard site.arguments.mapping != nil else {
            return site.reject(&parser, "invalid arguments", expected: form)
        }
        guard let templateNode = site.arguments["template"], let paramsNode = site.arguments["params"] else {
            let missing = site.arguments["template"] == nil ? "template" : "params"
            return site.reject(&parser, "the '\(missing)' key is missing", expected: form, found: "no '\(missing)' key")
        }
        guard templateNode.string != nil || site.isCall(templateNode, parser) else {
            return site.reject(&parser, "the template must be a string", expected: "a string", at: templateNode)
        }
        guard paramsNode.mapping != nil || site.isCall(paramsNode, parser) else {
            return site.reject(&parser, "the params must be a map", expected: "a map", at: paramsNode)
        }
        return StrReplace(
            site: site, template: parser.parse(templateNode), params: parser.parse(paramsNode),
            serializesJSON: site.version >= .v2015_10_15,
            strict: site.name != "str_replace", requiresValues: site.name == "str_replace_vstrict")
    }

    public var children: [Expression] { [template, params] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        guard case .string(let text) = try scope.value(of: template) else {
            throw site.evaluationError("the template must be a string")
        }
        guard case .map(let mapping) = try scope.value(of: params) else {
            throw site.evaluationError("the params must be a map")
        }
        // Longest placeholder first; equal lengths in code-point order.
        let keys = mapping.keys.sorted(by: PythonString.less).sorted { $0.unicodeScalars.count > $1.unicodeScalars.count }
        var replacements: [String] = []
        for key in keys {
            guard !key.isEmpty else { throw site.evaluationError("a param placeholder must not be empty") }
            replacements.append(try replacement(mapping[key] ?? .null, for: key))
        }
        var unused = Set(keys)
        let result = replace([text], keys[...], replacements[...], unused: &unused)[0]
        if strict, !unused.isEmpty {
            let names = unused.sorted(by: PythonString.less).sorted { $0.unicodeScalars.count > $1.unicodeScalars.count }
            throw site.evaluationError("the following params were not found in the template: \(names.joined(separator: ","))")
        }
        return .string(result)
    }

    /// Splits on the first placeholder, substitutes the rest in each piece, then joins with the
    /// value: text that came from a value is never searched again.
    private func replace(
        _ strings: [String], _ keys: ArraySlice<String>, _ values: ArraySlice<String>, unused: inout Set<String>
    ) -> [String] {
        guard let key = keys.first, let value = values.first else { return strings }
        return strings.map { s in
            let pieces = PythonString.split(s, by: key)
            if pieces.count > 1 { unused.remove(key) }
            return replace(pieces, keys.dropFirst(), values.dropFirst(), unused: &unused).joined(separator: value)
        }
    }

    private func replacement(_ value: Value, for key: String) throws -> String {
        let text: String
        switch value {
        case .null:
            guard !requiresValues else { throw emptyValue(key) }
            return ""
        case .string, .int, .double, .bool:
            text = value.plainText
        case .list, .map:
            guard serializesJSON else {
                throw site.evaluationError("params must be strings or numbers, param \(key) is not valid")
            }
            if requiresValues, !value.isTruthy { throw emptyValue(key) }
            return value.jsonText()
        }
        if requiresValues, text.isEmpty { throw emptyValue(key) }
        return text
    }

    private func emptyValue(_ key: String) -> EvaluationError {
        site.evaluationError("param \(key) has an undefined or empty value, must be a defined non-empty value")
    }
}

/// `str_split: [delimiter, string]` or `[delimiter, string, index]`.
public struct StrSplit: TemplateFunction {
    let site: FunctionSite
    let arguments: Expression

    static let form = "a list [delimiter, string] or [delimiter, string, index]"

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> StrSplit? {
        if site.isCall(site.arguments, parser) {
            return StrSplit(site: site, arguments: parser.parse(site.arguments))
        }
        guard let items = site.list(&parser, counts: 2...3, form: form) else { return nil }
        for item in items.prefix(2) where item.isNull == false && item.string == nil && !site.isCall(item, parser) {
            return site.reject(&parser, "the delimiter and the string must be strings", expected: "a string", at: item)
        }
        if items.count == 3, let index = items[2].scalar, Value(index).pythonInt == nil {
            return site.reject(&parser, "the index must be an integer", expected: "an integer", at: items[2])
        }
        return StrSplit(site: site, arguments: parser.parse(site.arguments))
    }

    public var children: [Expression] { [arguments] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        guard case .list(let args) = try scope.value(of: arguments), args.count >= 2 else {
            throw site.evaluationError("incorrect arguments, expected \(StrSplit.form)")
        }
        guard case .string(let text) = args[1] else {
            if args[1].isNull { return .null }
            throw site.evaluationError("the string to split must be a string, found \(args[1].kindName)")
        }
        let parts: [String]
        switch args[0] {
        case .null: parts = PythonString.splitOnWhitespace(text)
        case .string(let delimiter) where !delimiter.isEmpty: parts = PythonString.split(text, by: delimiter)
        case .string: throw site.evaluationError("the delimiter must not be empty")
        default: throw site.evaluationError("the delimiter must be a string, found \(args[0].kindName)")
        }
        guard args.count > 2 else { return .list(parts.map(Value.string)) }
        guard let index = args[2].pythonInt else {
            throw site.evaluationError("the index must be an integer, found \(args[2].pythonRepr)")
        }
        let position = index < 0 ? index + parts.count : index
        guard parts.indices.contains(position) else {
            throw site.evaluationError("index \(index) is out of range, it should be between 0 and \(parts.count - 1)")
        }
        return .string(parts[position])
    }
}
