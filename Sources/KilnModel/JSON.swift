import Foundation

extension Value {
    /// JSON as Python's `json.dumps` writes it: `", "` and `": "` separators, keys sorted
    /// (Heat serializes with sort_keys wherever a function turns data into text).
    public func jsonText() -> String {
        var writer = JSONWriter(style: .python(indent: nil, asciiOnly: true))
        writer.write(self)
        return writer.text
    }

    /// Indented JSON for people and scripts (`--format json`).
    public func prettyJSON(indent: Int = 2) -> String {
        var writer = JSONWriter(style: .python(indent: indent, asciiOnly: false))
        writer.write(self)
        return writer.text
    }

    /// Compact JSON for storage: `parseJSON` reads it back to the same value (integers stay
    /// integers, doubles always carry a `.` or an exponent, keys sorted so the text is stable).
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
