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
        // Measured as it is built: the delimiters alone (a long delimiter between many items)
        // or the items' JSON texts can pass the limit before anything is joined.
        var length = delimiter.utf8.count.multipliedSaturated(by: max(strings.count - 1, 0))
        try ResultSize.require(bytes: length, of: site.name, at: site.location)
        var texts: [String] = []
        texts.reserveCapacity(strings.count)
        for item in strings {
            let text: String
            switch item {
            case .null: text = ""
            case .string(let s): text = s
            case .list where joinsJSON, .map where joinsJSON:
                _ = try ResultSize.checked(item, of: site.name, at: site.location)
                text = item.jsonText()
            default:
                let allowed = joinsJSON ? "string, map or list" : "strings"
                throw site.evaluationError("items to join must be \(allowed), not \(item.pythonRepr)")
            }
            length = length.addingSaturated(text.utf8.count)
            try ResultSize.require(bytes: length, of: site.name, at: site.location)
            texts.append(text)
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
        let placeholders = Placeholders(keys)
        let matches = try placeholders.matches(in: text, name: site.name, at: site.location)
        if strict {
            var unused = Set(keys)
            for match in matches { unused.remove(keys[match.key]) }
            if !unused.isEmpty {
                let names = unused.sorted(by: PythonString.less).sorted { $0.unicodeScalars.count > $1.unicodeScalars.count }
                throw site.evaluationError("the following params were not found in the template: \(names.joined(separator: ","))")
            }
        }
        return .string(try Placeholders.substitute(matches, replacements, in: text, name: site.name, at: site.location))
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

/// Heat's placeholder substitution (str_replace, Fn::Replace) in one pass over the text.
///
/// Heat splits the text on the first placeholder (in priority order), then each piece on the
/// next, and so on, joining the pieces with the values: a placeholder matches only where no
/// earlier one did, leftmost first, and text that came from a value is never searched. Done
/// that way N placeholders cost N passes over the text. Here one Aho-Corasick scan finds
/// every occurrence of every placeholder, then each placeholder in priority order keeps its
/// occurrences that overlap neither a kept one of its own nor any kept before it: the same
/// matches, found in one pass.
struct Placeholders {
    struct Match {
        var start: Int
        var end: Int
        /// Index of the placeholder, in priority order.
        var key: Int
    }

    static let occurrencesPerByte = EvaluationLimits.maxPlaceholderMatchesPerByte

    private let lengths: [Int]
    /// The automaton over UTF-8 bytes (code-point matching, as Python's, since a valid UTF-8
    /// placeholder can match only on code-point boundaries). Node 0 is the root.
    /// Edges, keyed by `node << 8 | byte`: one table rather than one per node, so a map of
    /// many params costs a few words per byte of its keys.
    private var transitions: [Int: Int32] = [:]
    private var failure: [Int32] = [0]
    /// The placeholder ending at each node, or -1.
    private var keyAt: [Int32] = [-1]
    /// The nearest node down the failure chain (not the node itself) that ends a placeholder, or -1.
    private var nextOutput: [Int32] = [-1]

    private func child(_ node: Int, _ byte: UInt8) -> Int? {
        transitions[node << 8 | Int(byte)].map(Int.init)
    }

    /// `keys` in priority order; an empty one never matches.
    init(_ keys: [String]) {
        lengths = keys.map(\.utf8.count)
        // Each node's parent, the byte leading to it and its depth, for the failure links.
        var parent: [Int32] = [0], byteOf: [UInt8] = [0], depth: [Int32] = [0]
        for (index, key) in keys.enumerated() where !key.isEmpty {
            var node = 0
            for byte in key.utf8 {
                if let next = child(node, byte) {
                    node = next
                    continue
                }
                let next = keyAt.count
                transitions[node << 8 | Int(byte)] = Int32(next)
                failure.append(0)
                keyAt.append(-1)
                nextOutput.append(-1)
                parent.append(Int32(node))
                byteOf.append(byte)
                depth.append(depth[node] + 1)
                node = next
            }
            keyAt[node] = Int32(index)
        }
        // Shallowest first: a node's failure link points to a shallower node, already linked.
        for node in (1..<keyAt.count).sorted(by: { depth[$0] < depth[$1] }) {
            let up = Int(parent[node]), byte = byteOf[node]
            var target = 0
            if up != 0 {
                var fallback = Int(failure[up])
                while fallback != 0, child(fallback, byte) == nil { fallback = Int(failure[fallback]) }
                target = child(fallback, byte) ?? 0
            }
            failure[node] = Int32(target)
            nextOutput[node] = keyAt[target] >= 0 ? Int32(target) : nextOutput[target]
        }
    }

    /// The matches Heat's rule keeps, in text order.
    func matches(in text: String, name: String, at location: SourceLocation) throws(EvaluationError) -> [Match] {
        let bytes = Array(text.utf8)
        // Every occurrence, grouped by placeholder; each group in text order.
        var occurrences = [[Int32]](repeating: [], count: lengths.count)
        var recorded = 0
        let most = bytes.count.multipliedSaturated(by: Self.occurrencesPerByte).addingSaturated(4096)
        var state = 0
        for (offset, byte) in bytes.enumerated() {
            while state != 0, child(state, byte) == nil { state = Int(failure[state]) }
            state = child(state, byte) ?? 0
            var output = keyAt[state] >= 0 ? state : Int(nextOutput[state])
            while output >= 0 {
                let key = Int(keyAt[output])
                occurrences[key].append(Int32(truncatingIfNeeded: offset + 1 - lengths[key]))
                recorded += 1
                guard recorded <= most else {
                    throw EvaluationError(
                        "\(name): the params match the template in more than \(most) places (the limit)", at: location)
                }
                output = Int(nextOutput[output])
            }
        }
        var claimed = ClaimedBytes(count: bytes.count)
        var kept: [Match] = []
        for (key, starts) in occurrences.enumerated() {
            var end = 0
            for start in starts.lazy.map(Int.init) where start >= end && !claimed.any(start..<start + lengths[key]) {
                end = start + lengths[key]
                claimed.claim(start..<end)
                kept.append(Match(start: start, end: end, key: key))
            }
        }
        return kept.sorted { $0.start < $1.start }
    }

    /// The text with each match replaced by its placeholder's value, refused before it is
    /// built when it would pass the single-result limit.
    static func substitute(
        _ matches: [Match], _ values: [String], in text: String, name: String, at location: SourceLocation
    ) throws(EvaluationError) -> String {
        var size = text.utf8.count
        for match in matches { size = size.addingSaturated(values[match.key].utf8.count - (match.end - match.start)) }
        try ResultSize.require(bytes: size, of: name, at: location)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(size)
        var position = 0
        for match in matches {
            out += bytes[position..<match.start]
            out += values[match.key].utf8
            position = match.end
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }
}

/// Which bytes of a text kept matches cover: a Fenwick tree of claimed-byte counts, so
/// "is any byte of this range claimed" costs a logarithm instead of the range's length.
private struct ClaimedBytes {
    private var tree: [Int32]

    init(count: Int) { tree = [Int32](repeating: 0, count: count + 1) }

    /// Claimed bytes before `end`.
    private func prefix(_ end: Int) -> Int {
        var i = end, total = 0
        while i > 0 {
            total += Int(tree[i])
            i &= i - 1
        }
        return total
    }

    func any(_ range: Range<Int>) -> Bool { prefix(range.upperBound) != prefix(range.lowerBound) }

    mutating func claim(_ range: Range<Int>) {
        for byte in range {
            var i = byte + 1
            while i < tree.count {
                tree[i] += 1
                i += i & -i
            }
        }
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
        case .string(let delimiter) where !delimiter.isEmpty:
            // Counted before the parts are made: a long string of delimiters is a long list.
            let bytes = Array(text.utf8)
            let cuts = PythonString.occurrences(of: Array(delimiter.utf8), in: bytes)
            try ResultSize.require(items: cuts.count + 1, of: site.name, at: site.location)
            parts = PythonString.parts(of: bytes, cutAt: cuts, width: delimiter.utf8.count)
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
