import Foundation
import KilnModel

/// A YAML rendering of values for people (`--format yaml`): block style as PyYAML's
/// `safe_dump(default_flow_style=False)` writes it (sequences under a key are not
/// indented), keys sorted, strings quoted whenever a YAML 1.1 reader could take them
/// for anything but that string.
extension Value {
    public func yamlText() -> String {
        var lines = YAMLEmitter.lines(for: self)
        // A top-level block scalar indents its content like a nested one does.
        if case .string = self, lines.count > 1 {
            lines = [lines[0]] + lines.dropFirst().map(YAMLEmitter.indented)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

enum YAMLEmitter {
    /// The value's lines, relative to column 0. A multi-line result starts with a line that
    /// follows `key: ` or `- ` (a block scalar header or a collection's first entry).
    static func lines(for value: Value) -> [String] {
        switch value {
        case .map(let map) where !map.isEmpty:
            var out: [String] = []
            for key in map.keys.sorted() {
                guard let child = map[key] else { continue }
                let keyText = scalarText(key)
                let childLines = lines(for: child)
                switch child {
                case .map(let m) where !m.isEmpty:
                    out.append(keyText + ":")
                    out += childLines.map(indented)
                case .list(let l) where !l.isEmpty:
                    out.append(keyText + ":")
                    out += childLines
                default:
                    out.append(keyText + ": " + childLines[0])
                    out += childLines.dropFirst().map(indented)
                }
            }
            return out
        case .list(let items) where !items.isEmpty:
            var out: [String] = []
            for item in items {
                let itemLines = lines(for: item)
                out.append("- " + itemLines[0])
                out += itemLines.dropFirst().map(indented)
            }
            return out
        case .map: return ["{}"]
        case .list: return ["[]"]
        case .null: return ["null"]
        case .bool(let b): return [b ? "true" : "false"]
        case .int(let i): return [String(i)]
        case .double(let d): return [floatText(d)]
        case .string(let s):
            if let block = literalBlock(s) { return block }
            return [scalarText(s)]
        }
    }

    /// Indents a line; empty lines (inside literal blocks) stay empty.
    static func indented(_ line: String) -> String { line.isEmpty ? line : "  " + line }

    static func floatText(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        var text = Value.pythonFloatText(d)
        // YAML 1.1 floats need a dot: `1e+20` would read back as a string.
        if !text.contains("."), let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            text.insert(contentsOf: ".0", at: e)
        }
        return text
    }

    /// A multi-line string as a literal block (`|`), when every line survives one unchanged.
    static func literalBlock(_ s: String) -> [String]? {
        guard s.contains("\n"), !s.hasPrefix(" "), !s.hasPrefix("\n"), isPrintable(s, allowNewline: true)
        else { return nil }
        var body = Substring(s)
        var trailing = 0
        while body.hasSuffix("\n") { body = body.dropLast(); trailing += 1 }
        let header = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+"
        var out = [header]
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) { out.append(String(line)) }
        // `|+` keeps the final line breaks: they are written as empty lines.
        if trailing > 1 { out += Array(repeating: "", count: trailing - 1) }
        return out
    }

    /// A string as a plain, single-quoted or double-quoted scalar on one line.
    static func scalarText(_ s: String) -> String {
        if isPlainSafe(s) { return s }
        if isPrintable(s, allowNewline: false) { return "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        return doubleQuoted(s)
    }

    private static let reservedWords: Set<String> = [
        "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        "=", "<<",
    ]

    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if reservedWords.contains(s) { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first == " " || last == " " || last == ":" { return false }
        // Anything that may read as a number, date or time is quoted (PyYAML does the same).
        if first.isNumber || first == "." || first == "+" { return false }
        if s.contains(": ") || s.contains(" #") || s.contains("\t") { return false }
        return isPrintable(s, allowNewline: false)
    }

    static func isPrintable(_ s: String, allowNewline: Bool) -> Bool {
        s.unicodeScalars.allSatisfy { scalar in
            if scalar == "\n" { return allowNewline }
            if scalar == "\t" { return allowNewline }
            let v = scalar.value
            return v >= 0x20 && v != 0x7F && !(0x80...0x9F).contains(v) && v != 0xFEFF
                && !(0x2028...0x2029).contains(v)
        }
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) {
                    out += "\\x" + hex(v, width: 2)
                } else if v == 0xFEFF || (0x2028...0x2029).contains(v) {
                    out += "\\u" + hex(v, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
