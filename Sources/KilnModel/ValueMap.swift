/// A map's contents: a Swift dictionary, plus, where the map's key order matters, the
/// order its keys were inserted in.
///
/// Heat runs on Python, whose dicts keep insertion order: yaql's `dict(b => 1, a => 2).keys()`
/// is `["b", "a"]`, and a map read from a template or a JSON text keeps the source's order in
/// what Heat prints. Most of Kiln builds maps from Swift dictionaries and never looks at their
/// order; for those no order is recorded (`isOrdered` false), they cost exactly a dictionary,
/// and they are written with sorted keys, as before. Readers of YAML and JSON and yaql build
/// ordered maps; `orderedKeys` and `orderedEntries` give the order to writers and to yaql.
///
/// The dictionary-like API (`keys`, `values`, iteration, `mapValues`, ...) has Dictionary's
/// semantics and cost: iteration order is unspecified. Order-aware code uses `orderedKeys`.
/// Equality and hashing ignore order, as Python's dict equality does.
public struct ValueMap: Sendable {
    /// The entries, for code that works on plain dictionaries (free: no copy).
    public private(set) var dictionary: [String: Value]
    /// Keys in insertion order, or nil where no order is kept (then the order is the keys' sorted order).
    private var order: [String]?

    /// An unordered map: written with sorted keys.
    public init(_ dictionary: [String: Value]) {
        self.dictionary = dictionary
        self.order = nil
    }

    /// An empty map that keeps insertion order.
    public static func ordered(minimumCapacity: Int = 0) -> ValueMap {
        var map = ValueMap([String: Value](minimumCapacity: minimumCapacity))
        var order: [String] = []
        order.reserveCapacity(minimumCapacity)
        map.order = order
        return map
    }

    /// A map in the pairs' order; a repeated key keeps its first place and its last value (as Python's dict).
    public init<S: Sequence>(orderedPairs pairs: S) where S.Element == (String, Value) {
        self = .ordered(minimumCapacity: pairs.underestimatedCount)
        for (key, value) in pairs { self[key] = value }
    }

    /// Whether the map records its insertion order.
    public var isOrdered: Bool { order != nil }

    /// The keys in the map's order: insertion order, or sorted for a map that keeps none.
    public var orderedKeys: [String] { order ?? dictionary.keys.sorted() }

    /// The entries in the map's order.
    public var orderedEntries: [(key: String, value: Value)] {
        orderedKeys.map { ($0, dictionary[$0]!) }
    }

    /// The values in the map's order.
    public var orderedValues: [Value] { orderedKeys.map { dictionary[$0]! } }

    /// The same entries, keeping insertion order from now on (an unordered map starts from its sorted order):
    /// for code that adds keys where Heat would append them to a Python dict.
    public func keepingOrder() -> ValueMap {
        var copy = self
        if copy.order == nil { copy.order = dictionary.keys.sorted() }
        return copy
    }

    // MARK: Dictionary's API (unspecified iteration order, Dictionary's cost)

    public var count: Int { dictionary.count }
    public var isEmpty: Bool { dictionary.isEmpty }
    public var keys: Dictionary<String, Value>.Keys { dictionary.keys }
    public var values: Dictionary<String, Value>.Values { dictionary.values }

    public subscript(key: String) -> Value? {
        get { dictionary[key] }
        set {
            if let newValue {
                if dictionary.updateValue(newValue, forKey: key) == nil { order?.append(key) }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    public subscript(key: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { dictionary[key] ?? defaultValue() }
        set { self[key] = newValue }
    }

    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: String) -> Value? {
        let old = dictionary.updateValue(value, forKey: key)
        if old == nil { order?.append(key) }
        return old
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let old = dictionary.removeValue(forKey: key) else { return nil }
        if let index = order?.firstIndex(of: key) { order!.remove(at: index) }
        return old
    }

    /// The values transformed; the order is kept.
    public func mapValues(_ transform: (Value) throws -> Value) rethrows -> ValueMap {
        var copy = self
        copy.dictionary = try dictionary.mapValues(transform)
        return copy
    }

    /// The values transformed into something else: a plain dictionary, as Dictionary's `mapValues`.
    public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> [String: T] {
        try dictionary.mapValues(transform)
    }

    /// The entries that pass; the order is kept.
    public func filter(_ isIncluded: ((key: String, value: Value)) throws -> Bool) rethrows -> ValueMap {
        var copy = self
        copy.dictionary = try dictionary.filter(isIncluded)
        if let order = copy.order { copy.order = order.filter { copy.dictionary[$0] != nil } }
        return copy
    }

    /// Python's `dict.update`: existing keys keep their place, new ones follow in the other map's order.
    public mutating func merge(_ other: ValueMap, uniquingKeysWith combine: (Value, Value) throws -> Value) rethrows {
        guard order != nil else {  // no order to keep: Dictionary's own merge
            try dictionary.merge(other.dictionary, uniquingKeysWith: combine)
            return
        }
        for key in other.orderedKeys {
            let value = other.dictionary[key]!
            if let existing = dictionary[key] { dictionary[key] = try combine(existing, value) } else { self[key] = value }
        }
    }

    public func merging(_ other: ValueMap, uniquingKeysWith combine: (Value, Value) throws -> Value) rethrows -> ValueMap {
        var copy = self
        try copy.merge(other, uniquingKeysWith: combine)
        return copy
    }

    public mutating func merge(_ other: [String: Value], uniquingKeysWith combine: (Value, Value) throws -> Value) rethrows {
        try merge(ValueMap(other), uniquingKeysWith: combine)
    }

    public func merging(_ other: [String: Value], uniquingKeysWith combine: (Value, Value) throws -> Value) rethrows -> ValueMap {
        try merging(ValueMap(other), uniquingKeysWith: combine)
    }
}

extension ValueMap: Sequence {
    public typealias Element = (key: String, value: Value)
    /// Dictionary's order (unspecified): use `orderedEntries` where order matters.
    public func makeIterator() -> Dictionary<String, Value>.Iterator { dictionary.makeIterator() }
    public var underestimatedCount: Int { dictionary.count }
}

extension ValueMap: Hashable {
    /// Python's dict equality: same keys and values, whatever the order.
    public static func == (lhs: ValueMap, rhs: ValueMap) -> Bool { lhs.dictionary == rhs.dictionary }
    public func hash(into hasher: inout Hasher) { hasher.combine(dictionary) }
}

extension ValueMap: CustomStringConvertible {
    public var description: String {
        "[" + orderedEntries.map { "\($0.key.debugDescription): \($0.value)" }.joined(separator: ", ") + "]"
    }
}
