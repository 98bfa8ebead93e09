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

/// Python `str` operations work on code points, not Swift's grapheme clusters.
enum PythonString {
    /// `s.split(separator)` for a non-empty separator: every part, empty ones included.
    static func split(_ s: String, by separator: String) -> [String] {
        let text = Array(s.unicodeScalars), sep = Array(separator.unicodeScalars)
        guard !sep.isEmpty, text.count >= sep.count else { return [s] }
        var parts: [String] = []
        var start = 0, i = 0
        while i <= text.count - sep.count {
            if text[i] == sep[0], Array(text[i..<i + sep.count]) == sep {
                parts.append(string(text[start..<i]))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(string(text[start...]))
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

    static func find(_ needle: String, in s: String) -> Bool {
        needle.isEmpty || split(s, by: needle).count > 1
    }

    /// Code-point order, as Python sorts strings.
    static func less(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }
}
