import Foundation
import KilnModel

// Shared helpers for the HOT functions: argument-shape checks at parse time and the
// Python semantics (truthiness, equality, `str()`/`repr()`) Heat's results depend on.

extension FunctionSite {
    /// Records "name: message (expected ..., found ...)" at `node` (the whole argument by default).
    func reject<T>(
        _ parser: inout ExpressionParser, _ message: String, expected: String? = nil,
        found: String? = nil, at node: Node? = nil
    ) -> T? {
        let target = node ?? arguments
        parser.diagnostics.error(
            target.location, "\(name): \(message)", expected: expected, found: found ?? target.shapeName)
        return nil
    }

    /// True when the node is a call to a function of this version (its value is known only at run time).
    func isCall(_ node: Node, _ parser: ExpressionParser) -> Bool {
        guard let entries = node.mapping, entries.count == 1 else { return false }
        return parser.table.functions[entries[0].key] != nil
    }

    /// The argument as a literal list whose length is in `counts`, or nil with a diagnostic.
    func list(
        _ parser: inout ExpressionParser, counts: ClosedRange<Int>, form: String
    ) -> [Node]? {
        guard let items = arguments.sequence else {
            return reject(&parser, "invalid arguments", expected: form)
        }
        guard counts.contains(items.count) else {
            return reject(&parser, "invalid arguments", expected: form, found: itemCount(items.count))
        }
        return items
    }

    func evaluationError(_ message: String) -> EvaluationError {
        EvaluationError("\(name): \(message)", at: location)
    }
}

func itemCount(_ n: Int) -> String { n == 1 ? "1 item" : "\(n) items" }

extension Value {
    /// Python truthiness: None, False, 0, "", [] and {} are false.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .map(let m): return !m.isEmpty
        }
    }

    /// Python `==`: numbers and booleans compare by value (`1 == 1.0 == True`), strings by code points.
    func pythonEquals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.pythonEquals($1) }
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let match = b[key], value.pythonEquals(match) else { return false }
            }
            return true
        default:
            guard let x = pythonNumber, let y = other.pythonNumber else { return false }
            return x == y
        }
    }

    /// The numeric value of a bool, int or float (not of strings).
    private var pythonNumber: Double? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Python `str()`: what Heat writes when it turns a value into text without JSON.
    var pythonText: String {
        switch self {
        case .null: return "None"
        case .string(let s): return s
        case .list, .map: return pythonRepr
        default: return plainText
        }
    }

    /// Python `repr()`, used in error messages that quote a value as Heat does.
    var pythonRepr: String {
        switch self {
        case .string(let s): return Value.pythonStringRepr(s)
        case .list(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .map(let map):
            let entries = map.keys.sorted().map { Value.pythonStringRepr($0) + ": " + (map[$0]?.pythonRepr ?? "None") }
            return "{" + entries.joined(separator: ", ") + "}"
        case .null: return "None"
        default: return plainText
        }
    }

    private static func pythonStringRepr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex2(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    private static func hex2(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(v >> 4) & 0xF], digits[Int(v) & 0xF]])
    }

    /// Python's `int(x)` for path components and indexes: ints, integral floats truncated,
    /// strings of decimal digits with optional sign and surrounding spaces.
    var pythonInt: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .double(let d): return d.isFinite && abs(d) < 9e18 ? Int(d) : nil
        case .string(let s): return Int(s.trimmingCharacters(in: .whitespacesAndNewlines))
        default: return nil
        }
    }

    /// Python `x in container` for lists (element equality) and strings (substring).
    func pythonContains(_ item: Value) -> Bool? {
        switch self {
        case .list(let items): return items.contains { $0.pythonEquals(item) }
        case .string(let s):
            guard case .string(let needle) = item else { return nil }
            return PythonString.find(needle, in: s)
        default: return nil
        }
    }
}

/// Python `str` operations work on code points, not Swift's grapheme clusters. They search
/// UTF-8 bytes: a valid UTF-8 needle can only match on code-point boundaries.
enum PythonString {
    /// `s.split(separator)` for a non-empty separator: every part, empty ones included.
    static func split(_ s: String, by separator: String) -> [String] {
        let text = Array(s.utf8)
        let starts = occurrences(of: Array(separator.utf8), in: text)
        return parts(of: text, cutAt: starts, width: separator.utf8.count)
    }

    /// Where `separator` starts in `text`, leftmost first and not overlapping, as Python's
    /// `split` and `replace` find it (nothing for an empty separator).
    static func occurrences(of separator: [UInt8], in text: [UInt8]) -> [Int] {
        guard let first = separator.first, text.count >= separator.count else { return [] }
        var found: [Int] = []
        var i = 0
        let last = text.count - separator.count
        while i <= last {
            if text[i] == first, text[i..<i + separator.count].elementsEqual(separator) {
                found.append(i)
                i += separator.count
            } else {
                i += 1
            }
        }
        return found
    }

    /// The text between the separators that start at `starts`.
    static func parts(of text: [UInt8], cutAt starts: [Int], width: Int) -> [String] {
        var parts: [String] = []
        parts.reserveCapacity(starts.count + 1)
        var start = 0
        for cut in starts {
            parts.append(String(decoding: text[start..<cut], as: UTF8.self))
            start = cut + width
        }
        parts.append(String(decoding: text[start...], as: UTF8.self))
        return parts
    }

    /// `s.split()` with no separator: runs of whitespace separate, empty parts dropped.
    static func splitOnWhitespace(_ s: String) -> [String] {
        s.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String(String.UnicodeScalarView($0)) }
    }

    /// `s.replace(old, new)`, including Python's behaviour for an empty `old`.
    static func replace(_ s: String, _ old: String, with new: String) -> String {
        if old.isEmpty {
            var out = new
            for scalar in s.unicodeScalars {
                out.unicodeScalars.append(scalar)
                out += new
            }
            return out
        }
        return split(s, by: old).joined(separator: new)
    }

    /// The UTF-8 length of `s.replace(old, new)`, worked out without building it.
    static func replacedLength(_ s: String, _ old: String, with new: String) -> Int {
        let count = old.isEmpty ? s.unicodeScalars.count + 1 : occurrences(of: Array(old.utf8), in: Array(s.utf8)).count
        return s.utf8.count.addingSaturated(count.multipliedSaturated(by: new.utf8.count - old.utf8.count))
    }

    static func find(_ needle: String, in s: String) -> Bool {
        needle.isEmpty || !occurrences(of: Array(needle.utf8), in: Array(s.utf8)).isEmpty
    }

    /// Code-point order, as Python sorts strings.
    static func less(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
}

/// A value as Python's `==` sees it, hashable: membership tests over long lists take one
/// hash lookup per item instead of a comparison with every item kept so far.
enum PythonKey: Hashable {
    case null
    /// Booleans, ints and floats compare by numeric value (`1 == 1.0 == True`), as `pythonEquals`.
    case number(Double)
    /// Strings compare by code points.
    case text([UInt8])
    case list([PythonKey])
    case map([String: PythonKey])

    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .number(b ? 1 : 0)
        case .int(let i): self = .number(Double(i))
        case .double(let d): self = .number(d)
        case .string(let s): self = .text(Array(s.utf8))
        case .list(let items): self = .list(items.map(PythonKey.init))
        case .map(let map): self = .map(map.mapValues(PythonKey.init))
        }
    }
}
