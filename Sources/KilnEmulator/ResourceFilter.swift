import Foundation
import KilnCloud
import KilnModel

/// Gnocchi's JSON resource search (`{"=": {"server_group": "g"}}`, `and`, `or`, `not`, `in`,
/// `like`, `<`, ...), parsed once and checked against a resource's attributes.
indirect enum ResourceFilter: Sendable {
    case compare(op: String, attribute: String, value: Value)
    case within(attribute: String, values: [Value])
    case like(attribute: String, pattern: String)
    case and([ResourceFilter])
    case or([ResourceFilter])
    case not(ResourceFilter)
    case all

    static let aliases = ["==": "=", "eq": "=", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=", "≤": "<=", "≥": ">=",
                          "≠": "!=", "∧": "and", "∨": "or", "¬": "not", "∈": "in"]

    /// Parses Gnocchi's filter; a malformed one is a 400 with Gnocchi's wording.
    init(_ json: Value?) throws {
        guard let json, json != .null else { self = .all; return }
        guard let map = json.mapValue, map.count == 1, let (key, body) = map.first else {
            throw CloudError(.badRequest, "Invalid input: extra keys not allowed @ data[filter]: \(json.jsonText())")
        }
        let op = Self.aliases[key.lowercased()] ?? key.lowercased()
        switch op {
        case "and", "or":
            guard let items = body.listValue, !items.isEmpty else { throw CloudError(.badRequest, "Invalid input: '\(key)' needs a list of filters") }
            let parts = try items.map { try ResourceFilter($0) }
            self = op == "and" ? .and(parts) : .or(parts)
        case "not":
            self = .not(try ResourceFilter(body))
        case "=", "!=", "<", ">", "<=", ">=", "in", "like":
            guard let inner = body.mapValue, inner.count == 1, let (attribute, value) = inner.first else {
                throw CloudError(.badRequest, "Invalid input: '\(key)' needs one {attribute: value}")
            }
            if op == "in" {
                guard let values = value.listValue else { throw CloudError(.badRequest, "Invalid input: 'in' needs a list of values") }
                self = .within(attribute: attribute, values: values)
            } else if op == "like" {
                guard let pattern = value.stringValue else { throw CloudError(.badRequest, "Invalid input: 'like' needs a string pattern") }
                self = .like(attribute: attribute, pattern: pattern)
            } else {
                self = .compare(op: op, attribute: attribute, value: value)
            }
        default:
            throw CloudError(.badRequest, "Invalid input: unknown operator '\(key)'")
        }
    }

    func matches(_ attribute: (String) -> Value) -> Bool {
        switch self {
        case .all: return true
        case .and(let parts): return parts.allSatisfy { $0.matches(attribute) }
        case .or(let parts): return parts.contains { $0.matches(attribute) }
        case .not(let inner): return !inner.matches(attribute)
        case .within(let name, let values):
            let actual = attribute(name)
            return values.contains { Self.order(actual, $0) == .orderedSame }
        case .like(let name, let pattern):
            guard let text = attribute(name).stringValue else { return false }
            return Self.like(Array(text), Array(pattern))
        case .compare(let op, let name, let value):
            let actual = attribute(name)
            // As SQL: `= null` is IS NULL, `!= null` IS NOT NULL; a null attribute matches nothing else.
            if value == .null { return op == "=" ? actual == .null : op == "!=" ? actual != .null : false }
            if actual == .null { return false }
            guard let order = Self.order(actual, value) else { return op == "!=" }
            switch op {
            case "=": return order == .orderedSame
            case "!=": return order != .orderedSame
            case "<": return order == .orderedAscending
            case ">": return order == .orderedDescending
            case "<=": return order != .orderedDescending
            default: return order != .orderedAscending
            }
        }
    }

    /// The value an `=` on `name` requires (top level or inside a top-level `and`), for an index.
    func required(_ name: String) -> String? {
        switch self {
        case .compare("=", let attribute, let value) where attribute == name: return value.stringValue
        case .and(let parts): return parts.lazy.compactMap { $0.required(name) }.first
        default: return nil
        }
    }

    /// Numbers as numbers, times as times (`2026-12-05T10:00:00+00:00` and `...Z` alike), else text.
    static func order(_ left: Value, _ right: Value) -> ComparisonResult? {
        if case .bool(let a) = left, case .bool(let b) = right { return a == b ? .orderedSame : (a ? .orderedDescending : .orderedAscending) }
        if let a = left.numberValue, let b = right.numberValue, !(left.stringValue != nil && right.stringValue != nil) {
            return a == b ? .orderedSame : a < b ? .orderedAscending : .orderedDescending
        }
        guard let a = left.stringValue ?? left.numberValue.map({ String($0) }), let b = right.stringValue ?? right.numberValue.map({ String($0) }) else {
            return nil
        }
        if let da = GnocchiTime.parse(a), let db = GnocchiTime.parse(b), a.count >= 10, b.count >= 10 {
            return da == db ? .orderedSame : da < db ? .orderedAscending : .orderedDescending
        }
        return a == b ? .orderedSame : a < b ? .orderedAscending : .orderedDescending
    }

    /// SQL LIKE: `%` any run, `_` one character.
    static func like(_ text: [Character], _ pattern: [Character]) -> Bool {
        var memo: [Int: Bool] = [:]
        func match(_ t: Int, _ p: Int) -> Bool {
            if let known = memo[t * (pattern.count + 1) + p] { return known }
            let result: Bool
            if p == pattern.count {
                result = t == text.count
            } else if pattern[p] == "%" {
                result = match(t, p + 1) || (t < text.count && match(t + 1, p))
            } else {
                result = t < text.count && (pattern[p] == "_" || pattern[p] == text[t]) && match(t + 1, p + 1)
            }
            memo[t * (pattern.count + 1) + p] = result
            return result
        }
        return match(0, 0)
    }
}
