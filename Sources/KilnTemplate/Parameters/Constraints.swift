import Foundation
import KilnModel

extension ParameterConstraint {
    var customDescription: String? {
        switch self {
        case .length(_, _, let d), .range(_, _, let d), .modulo(_, _, let d), .allowedValues(_, let d),
            .allowedPattern(_, let d), .customConstraint(_, let d):
            return d
        }
    }

    /// Why a typed value fails this constraint, in Heat's words; nil when it passes. The
    /// constraint's own `description` replaces the default message, as in Heat.
    func failure(for value: Value, type: ParameterType, catalog: any ConstraintCatalog) -> String? {
        guard let message = defaultFailure(for: value, type: type, catalog: catalog) else { return nil }
        if let customDescription, !customDescription.isEmpty { return customDescription }
        return message
    }

    private func defaultFailure(for value: Value, type: ParameterType, catalog: any ConstraintCatalog) -> String? {
        switch self {
        case .length(let min, let max, _):
            guard let length = ConstraintText.length(of: value) else { return nil }
            if let min, length < min { return ConstraintText.lengthMessage(length, min, max) }
            if let max, length > max { return ConstraintText.lengthMessage(length, min, max) }
            return nil
        case .range(let min, let max, _):
            guard let number = value.numberValue else { return nil }
            if let min, number < min { return ConstraintText.rangeMessage(value, min, max) }
            if let max, number > max { return ConstraintText.rangeMessage(value, min, max) }
            return nil
        case .modulo(let step, let offset, _):
            guard let number = value.numberValue else { return nil }
            // Python's `%` takes the divisor's sign.
            let divisor = Double(step)
            var remainder = number.truncatingRemainder(dividingBy: divisor)
            if remainder != 0 && (remainder < 0) != (divisor < 0) { remainder += divisor }
            if remainder == Double(offset) { return nil }
            return "\(ConstraintText.show(value)) is not a multiple of \(step) with an offset of \(offset)"
        case .allowedValues(let allowed, _):
            if ConstraintText.isAllowed(value, in: allowed, type: type) { return nil }
            let list = allowed.map(ConstraintText.pythonJSON).joined(separator: ", ")
            return "\(ConstraintText.pythonJSON(value)) is not an allowed value [\(list)]"
        case .allowedPattern(let pattern, _):
            guard let text = value.stringValue else { return nil }
            if PatternMatcher.matchesWhole(text, pattern: pattern) { return nil }
            return "\"\(text)\" does not match pattern \"\(pattern)\""
        case .customConstraint(let name, _):
            guard let custom = catalog.constraint(named: name) else {
                return "\"\(value.plainText)\" does not validate \(name) (constraint not found)"
            }
            // A list is checked item by item, as its values are what name the resources.
            let items = value.listValue ?? [value]
            for item in items { if let message = custom.check(item) { return message } }
            return nil
        }
    }
}

/// Text helpers for constraint messages, formatted as Heat's Python would.
enum ConstraintText {
    static func number(_ value: Double) -> String {
        if value == value.rounded(), value.magnitude < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// Python's `json.dumps` spacing (`, ` and `: `), which Heat's messages show.
    static func pythonJSON(_ value: Value) -> String {
        switch value {
        case .list(let items): return "[" + items.map(pythonJSON).joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + map.keys.sorted().map { Value.string($0).jsonText() + ": " + pythonJSON(map[$0] ?? .null) }
                .joined(separator: ", ") + "}"
        default: return value.jsonText()
        }
    }

    static func optional(_ value: Double?) -> String { value.map(number) ?? "None" }

    static func show(_ value: Value) -> String {
        switch value {
        case .int(let number): return String(number)
        case .double(let number): return Value.pythonFloatText(number)
        default: return value.plainText
        }
    }

    static func length(of value: Value) -> Int? {
        switch value {
        case .string(let text): return text.unicodeScalars.count
        case .list(let items): return items.count
        case .map(let map): return map.count
        default: return nil
        }
    }

    static func lengthMessage(_ length: Int, _ min: Int?, _ max: Int?) -> String {
        "length (\(length)) is out of range (min: \(min.map(String.init) ?? "None"), max: \(max.map(String.init) ?? "None"))"
    }

    static func rangeMessage(_ value: Value, _ min: Double?, _ max: Double?) -> String {
        "\(show(value)) is out of range (min: \(optional(min)), max: \(optional(max)))"
    }

    /// Heat compares in the parameter's type (so `1` allows `"1"` for a string); list items
    /// must each be allowed.
    static func isAllowed(_ value: Value, in allowed: [Value], type: ParameterType) -> Bool {
        if let items = value.listValue {
            return items.allSatisfy { item in allowed.contains { same(item, $0, type: .string) } }
        }
        return allowed.contains { same(value, $0, type: type) }
    }

    private static func same(_ value: Value, _ candidate: Value, type: ParameterType) -> Bool {
        switch ParameterCoercion.coerce(candidate, to: type == .commaDelimitedList ? .string : type) {
        case .success(let typed):
            if let a = typed.numberValue, let b = value.numberValue, type == .number { return a == b }
            return typed == value
        case .failure: return false
        }
    }
}

/// `allowed_pattern` matching: Python `re.match` that must reach the end of the value.
enum PatternMatcher {
    /// Python spells named groups `(?P<name>...)`/`(?P=name)`; ICU spells them `(?<name>...)`/`\k<name>`.
    static func icuPattern(_ pattern: String) -> String {
        var out = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        while let start = out.range(of: "(?P="), let end = out.range(of: ")", range: start.upperBound..<out.endIndex) {
            let name = out[start.upperBound..<end.lowerBound]
            out.replaceSubrange(start.lowerBound..<end.upperBound, with: "\\k<\(name)>")
        }
        return withoutQuantifiedLookarounds(out)
    }

    /// Python accepts a quantifier on a lookaround (`(?=[.-][a-z])*`, in heat-templates'
    /// ActiveDirectoryDomainController.yaml; Heat validates it); ICU refuses it. A zero-width
    /// assertion repeated is the assertion once when the quantifier needs one match, and
    /// nothing at all when it allows zero, so the quantifier is rewritten away.
    static func withoutQuantifiedLookarounds(_ pattern: String) -> String {
        guard pattern.contains("(?=") || pattern.contains("(?!") || pattern.contains("(?<=") || pattern.contains("(?<!") else {
            return pattern
        }
        let chars = Array(pattern)
        var out = ""
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                out.append(c); out.append(chars[i + 1]); i += 2; continue
            }
            if inClass {
                if c == "]" { inClass = false }
                out.append(c); i += 1; continue
            }
            if c == "[" {
                inClass = true
                out.append(c); i += 1
                // A `]` first in a class (or after `^`) is a literal.
                if i < chars.count, chars[i] == "^" { out.append("^"); i += 1 }
                if i < chars.count, chars[i] == "]" { out.append("]"); i += 1 }
                continue
            }
            if c == "(", let close = lookaroundEnd(chars, from: i), let (minimum, after) = quantifier(chars, at: close + 1) {
                if minimum > 0 { out += String(chars[i...close]) }
                i = after
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// The index of the `)` closing the lookaround opened at `start`, or nil if none opens there.
    private static func lookaroundEnd(_ chars: [Character], from start: Int) -> Int? {
        let head = String(chars[start..<min(chars.count, start + 4)])
        guard head.hasPrefix("(?=") || head.hasPrefix("(?!") || head.hasPrefix("(?<=") || head.hasPrefix("(?<!") else {
            return nil
        }
        var depth = 0
        var inClass = false
        var i = start
        while i < chars.count {
            let c = chars[i]
            if c == "\\" { i += 2; continue }
            if inClass {
                if c == "]" { inClass = false }
            } else if c == "[" {
                inClass = true
                if i + 1 < chars.count, chars[i + 1] == "^" { i += 1 }
                if i + 1 < chars.count, chars[i + 1] == "]" { i += 1 }
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    /// The minimum count of a quantifier at `index` (`*`, `+`, `?`, `{m}`, `{m,n}`, lazy or
    /// possessive) and the index after it, or nil when none is there.
    private static func quantifier(_ chars: [Character], at index: Int) -> (Int, Int)? {
        guard index < chars.count else { return nil }
        var minimum: Int
        var next = index + 1
        switch chars[index] {
        case "*", "?": minimum = 0
        case "+": minimum = 1
        case "{":
            var j = index + 1
            var digits = ""
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { digits.append(chars[j]); j += 1 }
            // `{}` and `{x` are literal text in Python, not quantifiers.
            guard j < chars.count, (chars[j] == "}" && !digits.isEmpty) || chars[j] == "," else { return nil }
            while j < chars.count, chars[j] != "}" { j += 1 }
            guard j < chars.count else { return nil }
            minimum = Int(digits) ?? 0
            next = j + 1
        default: return nil
        }
        if next < chars.count, chars[next] == "?" || chars[next] == "+" { next += 1 }
        minimum = min(minimum, 1)
        return (minimum, next)
    }

    static func problem(in pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: icuPattern(pattern))
            return nil
        } catch {
            return "not a valid regular expression"
        }
    }

    static func matchesWhole(_ text: String, pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: icuPattern(pattern)) else { return false }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        guard let match = regex.firstMatch(in: text, options: [.anchored], range: range) else { return false }
        return match.range.location == 0 && match.range.length == range.length
    }
}
