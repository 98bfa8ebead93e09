

/// An output of a stack, resolved.
public struct StackOutput: Sendable, Equatable {
    public var key: String
    public var value: Value
    public var description: String
    /// Set when the output could not be resolved.
    public var error: String?

    public init(key: String, value: Value, description: String, error: String? = nil) {
        self.key = key
        self.value = value
        self.description = description
        self.error = error
    }
}
