import KilnModel

extension Node {
    /// A value as a node tree, every node at `location`: for templates built in code, which
    /// are validated from the value itself rather than from its text read back.
    public init(value: Value, at location: SourceLocation) {
        switch value {
        case .null: self.init(Scalar.null, at: location)
        case .bool(let b): self.init(Scalar.bool(b), at: location)
        case .int(let i): self.init(Scalar.int(i), at: location)
        case .double(let d): self.init(Scalar.double(d), at: location)
        case .string(let s): self.init(Scalar.string(s), at: location)
        case .list(let items): self.init(Kind.sequence(items.map { Node(value: $0, at: location) }), at: location)
        case .map(let map):
            let entries = map.orderedKeys.map { key in
                Entry(key: key, keyLocation: location, value: Node(value: map[key]!, at: location))
            }
            self.init(Kind.mapping(entries), at: location)
        }
    }
}
