import KilnModel
import KilnStore

/// What a user submits to create or update a stack.
public struct StackRequest: Sendable {
    public var name: String
    public var templateName: String
    public var template: String
    public var environments: [NamedText]
    /// `--parameter KEY=VALUE` values as text.
    public var parameters: [String: String]
    public var files: [String: String]
    public var timeoutMinutes: Int?
    /// Heat's default is no rollback; `--enable-rollback` turns it on.
    public var disableRollback: Bool
    public var tags: [String]
    public var projectID: String
    /// `template` as a value, when it was built in code (a nested stack's): validated from it.
    public var document: Value?

    public init(
        name: String, templateName: String, template: String, environments: [NamedText] = [],
        parameters: [String: String] = [:], files: [String: String] = [:], timeoutMinutes: Int? = nil,
        disableRollback: Bool = true, tags: [String] = [], projectID: String = "default"
    ) {
        self.name = name
        self.templateName = templateName
        self.template = template
        self.environments = environments
        self.parameters = parameters
        self.files = files
        self.timeoutMinutes = timeoutMinutes
        self.disableRollback = disableRollback
        self.tags = tags
        self.projectID = projectID
    }
}
