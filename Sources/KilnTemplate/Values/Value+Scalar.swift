import KilnModel

extension Value {
    /// A YAML scalar as a runtime value.
    public init(_ scalar: Scalar) {
        switch scalar {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        }
    }
}
