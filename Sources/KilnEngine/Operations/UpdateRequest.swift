import KilnModel
import KilnStore

/// What a user submits to update a stack (`stack update`, PUT and PATCH).
public struct UpdateRequest: Sendable {
    /// A new template, or nil to keep the current one (only with `existing`).
    public var templateName: String?
    public var template: String?
    /// New environment files, or nil to keep the current ones (only with `existing`).
    public var environments: [NamedText]?
    public var parameters: [String: String]
    /// With `existing`: parameters to drop from the stored values (back to their defaults).
    public var clearParameters: [String]
    /// PATCH semantics: start from the stack's current template, environment and parameters.
    public var existing: Bool
    public var files: [String: String]
    public var timeoutMinutes: Int?
    /// nil keeps the stack's setting.
    public var disableRollback: Bool?
    /// The new tags; nil clears them on a full update and keeps them with `existing` (Heat's PUT and PATCH).
    public var tags: [String]?
    /// `template` as a value, when it was built in code (a nested stack's): validated from it.
    public var document: Value?

    public init(
        templateName: String? = nil, template: String? = nil, environments: [NamedText]? = nil,
        parameters: [String: String] = [:], clearParameters: [String] = [], existing: Bool = false,
        files: [String: String] = [:], timeoutMinutes: Int? = nil, disableRollback: Bool? = nil, tags: [String]? = nil
    ) {
        self.templateName = templateName
        self.template = template
        self.environments = environments
        self.parameters = parameters
        self.clearParameters = clearParameters
        self.existing = existing
        self.files = files
        self.timeoutMinutes = timeoutMinutes
        self.disableRollback = disableRollback
        self.tags = tags
    }
}
