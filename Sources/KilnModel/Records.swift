import Foundation

/// Heat's actions. Stacks use all of them; resources use all but RESTORE, plus INIT.
public enum Action: String, Sendable, Codable, CaseIterable {
    case initial = "INIT", create = "CREATE", update = "UPDATE", delete = "DELETE", rollback = "ROLLBACK"
    case suspend = "SUSPEND", resume = "RESUME", adopt = "ADOPT", snapshot = "SNAPSHOT", check = "CHECK"
    case restore = "RESTORE"
    /// A signal a resource handled (Heat's events for scaling policies).
    case signal = "SIGNAL"
}

public enum Status: String, Sendable, Codable, CaseIterable {
    case inProgress = "IN_PROGRESS", complete = "COMPLETE", failed = "FAILED"
}

/// A stack as stored: identity, state, what it was made from, and who runs its operation.
public struct StackRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var action: Action
    public var status: Status
    public var statusReason: String
    /// The template (and environment, files) the stack is at now.
    public var templateID: Int64?
    /// The template before the running or last update, for rollback.
    public var previousTemplateID: Int64?
    /// Parameter values given by the user (text as given), not defaults.
    public var parameters: [String: String]
    public var tags: [String]
    public var timeoutMinutes: Int?
    public var disableRollback: Bool
    /// Set for nested stacks: the parent stack and the resource that owns this one.
    public var parentID: String?
    public var parentResource: String?
    public var createdAt: Date
    public var updatedAt: Date?
    /// The engine process running the stack's current operation, and until when its claim holds.
    public var owner: String?
    public var leaseExpiry: Date?

    public init(
        id: String = UUID().uuidString.lowercased(), name: String, projectID: String = "default",
        action: Action = .create, status: Status = .inProgress, statusReason: String = "",
        templateID: Int64? = nil, previousTemplateID: Int64? = nil, parameters: [String: String] = [:],
        tags: [String] = [], timeoutMinutes: Int? = nil, disableRollback: Bool = true,
        parentID: String? = nil, parentResource: String? = nil, createdAt: Date = Date(), updatedAt: Date? = nil,
        owner: String? = nil, leaseExpiry: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.action = action
        self.status = status
        self.statusReason = statusReason
        self.templateID = templateID
        self.previousTemplateID = previousTemplateID
        self.parameters = parameters
        self.tags = tags
        self.timeoutMinutes = timeoutMinutes
        self.disableRollback = disableRollback
        self.parentID = parentID
        self.parentResource = parentResource
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.owner = owner
        self.leaseExpiry = leaseExpiry
    }

    /// `CREATE_COMPLETE` and the like.
    public var statusText: String { "\(action.rawValue)_\(status.rawValue)" }
}

/// A template as submitted, with its environment(s) and files map, so a stack can be
/// re-evaluated, updated, rolled back or shown exactly as the user gave it.
public struct TemplateRecord: Sendable, Equatable {
    public var id: Int64?
    /// The file name diagnostics use.
    public var name: String
    /// The template text as submitted (YAML or JSON).
    public var content: String
    /// Environment files in the order given: name and text.
    public var environments: [NamedText]
    public var files: [String: String]

    public init(id: Int64? = nil, name: String, content: String, environments: [NamedText] = [], files: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.content = content
        self.environments = environments
        self.files = files
    }
}

public struct NamedText: Sendable, Equatable, Codable {
    public var name: String
    public var text: String
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// A resource of a stack: its state and what its plugin keeps about it.
public struct ResourceRecord: Sendable, Equatable {
    public var stackID: String
    public var name: String
    public var type: String
    public var physicalID: String?
    public var action: Action
    public var status: Status
    public var statusReason: String
    /// Properties as last applied (resolved values), for update diffs.
    public var properties: Value
    /// Attribute values, cached for dependents and outputs.
    public var attributes: Value
    /// The plugin's private state (e.g. a RandomString's value, a group's member count).
    public var data: Value
    public var metadata: Value
    /// Names of resources this one depends on.
    public var requires: [String]
    public var createdAt: Date
    public var updatedAt: Date?

    public init(
        stackID: String, name: String, type: String, physicalID: String? = nil, action: Action = .initial,
        status: Status = .complete, statusReason: String = "", properties: Value = .map([:]),
        attributes: Value = .map([:]), data: Value = .map([:]), metadata: Value = .map([:]), requires: [String] = [],
        createdAt: Date = Date(), updatedAt: Date? = nil
    ) {
        self.stackID = stackID
        self.name = name
        self.type = type
        self.physicalID = physicalID
        self.action = action
        self.status = status
        self.statusReason = statusReason
        self.properties = properties
        self.attributes = attributes
        self.data = data
        self.metadata = metadata
        self.requires = requires
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var statusText: String { "\(action.rawValue)_\(status.rawValue)" }
}

/// One state change of a stack or resource, as Heat's events API shows it.
public struct EventRecord: Sendable, Equatable {
    /// Store-assigned, increasing: clients follow events by asking for those after an id.
    public var sequence: Int64?
    public var id: String
    public var stackID: String
    /// The resource's name, or the stack's name for stack events.
    public var resourceName: String
    public var physicalResourceID: String
    public var resourceType: String
    public var action: Action
    public var status: Status
    public var reason: String
    public var timestamp: Date

    public init(
        sequence: Int64? = nil, id: String = UUID().uuidString.lowercased(), stackID: String, resourceName: String,
        physicalResourceID: String = "", resourceType: String, action: Action, status: Status, reason: String,
        timestamp: Date = Date()
    ) {
        self.sequence = sequence
        self.id = id
        self.stackID = stackID
        self.resourceName = resourceName
        self.physicalResourceID = physicalResourceID
        self.resourceType = resourceType
        self.action = action
        self.status = status
        self.reason = reason
        self.timestamp = timestamp
    }

    public var statusText: String { "\(action.rawValue)_\(status.rawValue)" }
}

/// A snapshot of a stack: each resource's data at the time, for restore.
public struct SnapshotRecord: Sendable, Equatable {
    public var id: String
    public var stackID: String
    public var name: String
    public var status: Status
    public var statusReason: String
    /// The template the stack was at, and per-resource records as they were.
    public var templateID: Int64?
    public var data: Value
    public var createdAt: Date

    public init(
        id: String = UUID().uuidString.lowercased(), stackID: String, name: String, status: Status = .complete,
        statusReason: String = "", templateID: Int64?, data: Value, createdAt: Date = Date()
    ) {
        self.id = id
        self.stackID = stackID
        self.name = name
        self.status = status
        self.statusReason = statusReason
        self.templateID = templateID
        self.data = data
        self.createdAt = createdAt
    }
}

extension EventRecord {
    /// The stack's own event (Heat's: the stack's name as resource name, its id as physical id,
    /// type OS::Heat::Stack), as every stack transition records it.
    public static func ofStack(_ stack: StackRecord, _ action: Action, _ status: Status, reason: String) -> EventRecord {
        EventRecord(stackID: stack.id, resourceName: stack.name, physicalResourceID: stack.id, resourceType: "OS::Heat::Stack",
                    action: action, status: status, reason: reason)
    }
}
