import KilnTemplate

/// JSON text for stored values, written as UTF-8 bytes in one buffer: the commit path encodes
/// four values per resource, and this is several times faster than building the text
/// scalar by scalar. `Value.parseJSON` reads it back to the same value: integers stay
/// integers, doubles always carry a `.` or an exponent, keys are sorted (stable text).
enum StorageJSON {
    static func text(_ value: Value) -> String {
        switch value {  // The common small cases need no buffer.
        case .map(let map) where map.isEmpty: return "{}"
        case .list(let list) where list.isEmpty: return "[]"
        default:
            var out: [UInt8] = []
            out.reserveCapacity(128)
            write(value, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func write(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): writeDouble(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let map):
            out.append(UInt8(ascii: "{"))
            for (index, key) in map.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(map[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Swift's shortest round-trip text. Infinities are written as out-of-range literals, which
    /// read back as infinities; NaN has no JSON form and is stored as null.
    private static func writeDouble(_ d: Double, into out: inout [UInt8]) {
        if d.isNaN {
            out.append(contentsOf: "null".utf8)
        } else if d.isInfinite {
            out.append(contentsOf: (d < 0 ? "-1e999" : "1e999").utf8)
        } else {
            out.append(contentsOf: d.description.utf8)
        }
    }

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)  // UTF-8 passes through: SQLite text is UTF-8.
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
