extension ResourceRegistry {
    /// The registry as Heat shows it in a user environment.
    public var asValue: Value { .map(["resources": .map([:])]) }
}
