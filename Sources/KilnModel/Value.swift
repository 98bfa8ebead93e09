import Foundation

/// A runtime value: what parameters hold and what functions return. JSON's data model,
/// as Heat's Python dicts/lists/strings are.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    /// A map; see `ValueMap` for its key order (kept where Heat's Python dicts keep one).
    case map(ValueMap)

    /// A map built from a Swift dictionary: no key order is kept (written with sorted keys).
    public static func map(_ dictionary: [String: Value]) -> Value { .map(ValueMap(dictionary)) }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var listValue: [Value]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// A map's entries as a Swift dictionary (free: the map's own storage).
    public var mapValue: [String: Value]? {
        if case .map(let m) = self { return m.dictionary }
        return nil
    }

    /// A map's entries with their order.
    public var mapContents: ValueMap? {
        if case .map(let m) = self { return m }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// A map's member, or null: JSON from services and rule objects is read field by field.
    public subscript(_ key: String) -> Value { mapValue?[key] ?? .null }

    /// A list's item, or null when out of range.
    public subscript(_ index: Int) -> Value {
        guard let list = listValue, list.indices.contains(index) else { return .null }
        return list[index]
    }

    /// The number, for numeric values and numeric strings.
    public var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// Name of the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a map"
        }
    }

    /// Python's `str()` of the value as Heat would produce it where a string is needed
    /// (e.g. str_replace with a number before 2015-10-15).
    public var plainText: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return Value.pythonFloatText(d)
        case .string(let s): return s
        case .list, .map: return jsonText()
        }
    }

}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, Value)...) {
        var map = [String: Value](minimumCapacity: elements.count)
        for (k, v) in elements { map[k] = v }
        self = .map(map)
    }
}
