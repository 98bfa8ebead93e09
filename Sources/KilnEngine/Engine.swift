import Foundation
import KilnModel
import KilnStore
import KilnTemplate

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

/// Why an engine call was refused or could not run. Carries located diagnostics when the
/// template, environment or parameters are at fault.
public enum EngineError: Error, CustomStringConvertible, Sendable {
    case invalid([Diagnostic])
    case notFound(String)
    case conflict(String)
    case refused(String)
    /// The resource has no such action (Heat's ResourceActionNotSupported).
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalid(let diagnostics): return diagnostics.map(\.description).joined(separator: "\n")
        case .notFound(let m), .conflict(let m), .refused(let m), .unsupported(let m): return m
        }
    }
}

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
