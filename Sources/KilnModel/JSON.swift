import Foundation

extension Value {
    /// JSON as Python's `json.dumps` writes it: `", "` and `": "` separators, keys sorted
    /// (Heat serializes with sort_keys wherever a function turns data into text), or with
    /// `sortKeys: false` each map in its own order (as Heat's API writes its Python dicts).
    public func jsonText(sortKeys: Bool = true) -> String {
        var writer = JSONWriter(style: .python(indent: nil, asciiOnly: true, sortKeys: sortKeys))
        writer.write(self)
        return writer.text
    }

    /// Indented JSON for people and scripts (`--format json`): maps in their own order (see
    /// `ValueMap`), so a yaql result or a template's map prints in Heat's order.
    public func prettyJSON(indent: Int = 2) -> String {
        var writer = JSONWriter(style: .python(indent: indent, asciiOnly: false, sortKeys: false))
        writer.write(self)
        return writer.text
    }

    /// Compact JSON for storage: `parseJSON` reads it back to the same value (integers stay
    /// integers, doubles always carry a `.` or an exponent, maps in their own order: sorted
    /// keys for maps that keep none, so the text is stable, insertion order for ordered maps).
    public func storageJSON() -> String {
        switch self {  // The common small cases need no buffer.
        case .map(let map) where map.isEmpty: return "{}"
        case .list(let list) where list.isEmpty: return "[]"
        default:
            var writer = JSONWriter(style: .storage)
            writer.write(self)
            return writer.text
        }
    }

    /// Python's `str()` of a float (`1.0`, `1e+16`, `NaN`, `Infinity`).
    package static func pythonFloatText(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == d.rounded(), abs(d) < 1e16 { return String(format: "%.1f", d) }
        return "\(d)"
    }
}
