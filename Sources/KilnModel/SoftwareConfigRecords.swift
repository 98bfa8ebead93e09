import Foundation

/// A software config as Heat's `software_configs` API keeps it: immutable once made, owned
/// by a project. `config`, `inputs`, `outputs` and `options` are kept as given (normalised by
/// the engine), so show returns them unchanged.
public struct SoftwareConfigRecord: Sendable, Equatable {
    public var id: String
    public var projectID: String
    public var name: String?
    public var group: String?
    /// The configuration itself: usually a script's text, any JSON value for some groups.
    public var config: Value
    public var inputs: Value
    public var outputs: Value
    public var options: Value
    public var createdAt: Date

    public init(
        id: String = UUID().uuidString.lowercased(), projectID: String, name: String?, group: String?,
        config: Value = .null, inputs: Value = .list([]), outputs: Value = .list([]), options: Value = .map([:]),
        createdAt: Date = Date()
    ) {
        self.id = id
        self.projectID = projectID
        self.name = name
        self.group = group
        self.config = config
        self.inputs = inputs
        self.outputs = outputs
        self.options = options
        self.createdAt = createdAt
    }
}

/// A software deployment: a config applied to a server, with the state the server reports.
/// Action, status and reason are free text, as in Heat (agents send their own actions).
public struct SoftwareDeploymentRecord: Sendable, Equatable {
    public var id: String
    public var projectID: String
    public var configID: String
    public var serverID: String
    public var inputValues: Value
    public var outputValues: Value
    public var action: String?
    public var status: String?
    public var statusReason: String?
    /// The project the server's agent signals from, which may also read the deployment.
    public var stackUserProjectID: String?
    public var createdAt: Date
    public var updatedAt: Date?

    public init(
        id: String = UUID().uuidString.lowercased(), projectID: String, configID: String, serverID: String,
        inputValues: Value = .null, outputValues: Value = .null, action: String? = nil, status: String? = nil,
        statusReason: String? = nil, stackUserProjectID: String? = nil, createdAt: Date = Date(), updatedAt: Date? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.configID = configID
        self.serverID = serverID
        self.inputValues = inputValues
        self.outputValues = outputValues
        self.action = action
        self.status = status
        self.statusReason = statusReason
        self.stackUserProjectID = stackUserProjectID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
