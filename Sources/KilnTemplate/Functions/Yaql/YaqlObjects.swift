import KilnModel
/// yaql values that JSON has no shape for: sets (Python frozensets), compiled regular
/// expressions, datetimes and timespans (YaqlDates). Kiln's `Value` is JSON's model, so they travel as a map under a key no
/// template data can hold (it starts with a NUL character), and become plain values when
/// the expression's result leaves yaql (`plain`).
enum YaqlObject {
    static let tag = "\u{0}yaql"

    static func set(_ items: [Value]) -> Value {
        var unique: [Value] = []
        for item in items where !unique.contains(where: { $0.equalsAsHeat(item) }) { unique.append(item) }
        return .map([tag: "set", "items": .list(unique)])
    }

    static func setItems(_ value: Value) -> [Value]? {
        guard case .map(let m) = value, m[tag] == "set", case .list(let items)? = m["items"] else { return nil }
        return items
    }

    static func regex(_ pattern: String, flags: Int) -> Value {
        .map([tag: "regex", "pattern": .string(pattern), "flags": .int(flags)])
    }

    static func regexParts(_ value: Value) -> (pattern: String, flags: Int)? {
        guard case .map(let m) = value, m[tag] == "regex", case .string(let p)? = m["pattern"],
              case .int(let f)? = m["flags"] else { return nil }
        return (p, f)
    }

    static func isObject(_ value: Value) -> Bool {
        if case .map(let m) = value { return m[tag] != nil }
        return false
    }

    /// The value as it leaves yaql: sets become lists, regexes their pattern, dates their
    /// text, recursively.
    static func plain(_ value: Value) -> Value {
        if let items = setItems(value) { return .list(items.map(plain)) }
        if let (pattern, _) = regexParts(value) { return .string(pattern) }
        if let date = YaqlLibrary.dateText(value) { return .string(date) }
        switch value {
        case .list(let items): return .list(items.map(plain))
        case .map(let m): return .map(m.mapValues(plain))
        default: return value
        }
    }
}
