/// What `stack show` shows of a stack, whoever builds the answer: the CLI on the embedded
/// engine, the CLI in client mode from a server's body, and the Heat API. One shape, so the
/// three show the same fields with the same values.
public struct StackView: Sendable {
    public var stack: StackRecord
    /// The template's description.
    public var description: String
    /// Every parameter as Heat shows it: as text, hidden ones as `******`, with the pseudo
    /// parameters `OS::stack_id`, `OS::stack_name` and `OS::project_id`.
    public var parameters: [String: String]
    /// The outputs resolved now; nil when not asked for (Heat's `resolve_outputs=False`).
    public var outputs: [StackOutput]?

    public init(stack: StackRecord, description: String, parameters: [String: String], outputs: [StackOutput]?) {
        self.stack = stack
        self.description = description
        self.parameters = parameters
        self.outputs = outputs
    }
}
