/// Writes a `Value` as JSON into one UTF-8 buffer. One writer, one string escaper, two styles:
/// Python's `json.dumps` (with `sort_keys=True` where Heat's functions turn data into text;
/// in the map's own order where Heat's API prints its dicts) and the compact form the store
/// keeps (written on every commit, so bytes, not scalars; maps in their own order, so an
/// ordered map reads back in the same order).
struct JSONWriter {
    enum Style {
        /// `", "`/`": "` separators or `indent` spaces per level; Python's float text;
        /// `asciiOnly` escapes everything outside ASCII as `\uXXXX` (ensure_ascii).
        /// `sortKeys` as Python's sort_keys; otherwise maps in their order (`ValueMap.orderedKeys`).
        case python(indent: Int?, asciiOnly: Bool, sortKeys: Bool)
        /// No spaces; Swift's shortest round-trip doubles (infinities as out-of-range
        /// literals, which read back as infinities; NaN, which JSON lacks, as null); UTF-8 as is.
        case storage
    }

    let style: Style
    private(set) var bytes: [UInt8] = []

    init(style: Style) {
        self.style = style
        bytes.reserveCapacity(128)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func write(_ value: Value) {
        switch style {
        case .python(let indent, let asciiOnly, let sortKeys):
            writePython(value, indent: indent, level: 0, asciiOnly: asciiOnly, sortKeys: sortKeys)
        case .storage: writeStorage(value)
        }
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func newline(indent: Int, level: Int) {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private mutating func writePython(_ value: Value, indent: Int?, level: Int, asciiOnly: Bool, sortKeys: Bool) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): append(String(i))
        case .double(let d): append(Value.pythonFloatText(d))
        case .string(let s): writeString(s, asciiOnly: asciiOnly)
        case .list(let items):
            if items.isEmpty { append("[]"); return }
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { append(indent == nil ? ", " : ",") }
                if let indent { newline(indent: indent, level: level + 1) }
                writePython(item, indent: indent, level: level + 1, asciiOnly: asciiOnly, sortKeys: sortKeys)
            }
            if let indent { newline(indent: indent, level: level) }
            bytes.append(UInt8(ascii: "]"))
        case .map(let map):
            if map.isEmpty { append("{}"); return }
            bytes.append(UInt8(ascii: "{"))
            for (i, key) in (sortKeys ? map.keys.sorted() : map.orderedKeys).enumerated() {
                if i > 0 { append(indent == nil ? ", " : ",") }
                if let indent { newline(indent: indent, level: level + 1) }
                writeString(key, asciiOnly: asciiOnly)
                append(": ")
                writePython(map[key]!, indent: indent, level: level + 1, asciiOnly: asciiOnly, sortKeys: sortKeys)
            }
            if let indent { newline(indent: indent, level: level) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeStorage(_ value: Value) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): append(String(i))
        case .double(let d):
            if d.isNaN {
                append("null")
            } else if d.isInfinite {
                append(d < 0 ? "-1e999" : "1e999")
            } else {
                append(d.description)
            }
        case .string(let s): writeString(s, asciiOnly: false)
        case .list(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeStorage(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .map(let map):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in map.orderedKeys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key, asciiOnly: false)
                bytes.append(UInt8(ascii: ":"))
                writeStorage(map[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// The one string escaper, as Python's json: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`,
    /// other control characters as `\u00XX`; with `asciiOnly`, every scalar past ASCII as
    /// `\uXXXX` UTF-16 units.
    private mutating func writeString(_ s: String, asciiOnly: Bool) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (names, ids, statuses) need no escaping: one append, not one per byte.
        let limit: UInt8 = asciiOnly ? 0x80 : 0xFF
        func isPlain(_ byte: UInt8) -> Bool {
            byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && (limit == 0xFF || byte < limit)
        }
        let plain = s.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isPlain) } ?? s.utf8.allSatisfy(isPlain)
        if plain {
            bytes.append(contentsOf: s.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": append("\\\"")
            case "\\": append("\\\\")
            case "\n": append("\\n")
            case "\r": append("\\r")
            case "\t": append("\\t")
            case "\u{08}": append("\\b")
            case "\u{0C}": append("\\f")
            default:
                if scalar.value < 0x20 {
                    appendUnicodeEscape(UInt16(scalar.value))
                } else if asciiOnly && scalar.value > 0x7F {
                    for unit in String(scalar).utf16 { appendUnicodeEscape(unit) }
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendUnicodeEscape(_ unit: UInt16) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [
            UInt8(ascii: "\\"), UInt8(ascii: "u"),
            hex[Int(unit >> 12)], hex[Int((unit >> 8) & 0xF)], hex[Int((unit >> 4) & 0xF)], hex[Int(unit & 0xF)],
        ])
    }
}
