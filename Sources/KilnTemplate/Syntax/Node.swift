import KilnModel
/// A YAML node with its location. Templates, environments and parameter files
/// are all read into this tree first; everything later keeps pointing back at it.
public struct Node: Sendable {
    public enum Kind: Sendable {
        case scalar(Scalar)
        case sequence([Node])
        case mapping([Entry])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public init(_ scalar: Scalar, at location: SourceLocation) {
        self.init(.scalar(scalar), at: location)
    }
}

/// One `key: value` pair of a mapping. Keys are always scalars (anything else is a
/// diagnostic at read time), so the key's text is kept directly.
public struct Entry: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: Node

    public init(key: String, keyLocation: SourceLocation, value: Node) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A resolved scalar, following the YAML 1.1 rules that Heat's loader applies
/// (so `yes` is a boolean and an unquoted date stays a string).
public enum Scalar: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

extension Node {
    public var mapping: [Entry]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    public var sequence: [Node]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    public var scalar: Scalar? {
        if case .scalar(let value) = kind { return value }
        return nil
    }

    public var string: String? {
        if case .scalar(.string(let text)) = kind { return text }
        return nil
    }

    public var isNull: Bool {
        if case .scalar(.null) = kind { return true }
        return false
    }

    /// The value of `key` in a mapping node (first match; duplicates are rejected at read time).
    public subscript(key: String) -> Node? {
        guard case .mapping(let entries) = kind else { return nil }
        for entry in entries where entry.key == key { return entry.value }
        return nil
    }

    /// Describes the node's shape for "expected ..., found ..." messages.
    public var shapeName: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(.null): return "null"
        case .scalar(.bool): return "a boolean"
        case .scalar(.int), .scalar(.double): return "a number"
        case .scalar(.string): return "a string"
        }
    }

    /// Plain data, dropping locations. Maps keep the source's key order, as Heat's YAML loader does.
    public var value: Value {
        switch kind {
        case .scalar(let scalar): return Value(scalar)
        case .sequence(let items): return .list(items.map(\.value))
        case .mapping(let entries):
            var map = ValueMap.ordered(minimumCapacity: entries.count)
            for entry in entries { map[entry.key] = entry.value.value }
            return .map(map)
        }
    }
}
