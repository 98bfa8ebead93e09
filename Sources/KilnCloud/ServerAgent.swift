import Foundation
import KilnModel

/// What runs inside a server to apply software deployments (os-collect-config,
/// os-apply-config and the heat-config hooks in a real cloud). A cloud whose servers carry
/// one (the emulator's built-in agent) answers here; with a real cloud the agent signals
/// Heat's API itself and `CloudSession.agent` is nil.
public protocol ServerAgent: Sendable {
    /// Applies one deployment to the server, as the agent would after reading the server's
    /// deployment metadata, and returns what the agent signals back.
    func deploy(_ deployment: AgentDeployment, serverID: String) async throws -> AgentReport
}

/// One deployment as the server's metadata carries it: the derived config.
public struct AgentDeployment: Sendable {
    public var id: String
    public var name: String
    public var group: String
    public var config: Value
    /// Input values by name (including Heat's deploy_* inputs).
    public var inputs: [String: Value]
    /// The outputs the config declares, by name.
    public var outputs: [String]
    public var options: [String: Value]
    public var action: String

    public init(id: String, name: String, group: String, config: Value, inputs: [String: Value], outputs: [String],
                options: [String: Value], action: String) {
        self.id = id
        self.name = name
        self.group = group
        self.config = config
        self.inputs = inputs
        self.outputs = outputs
        self.options = options
        self.action = action
    }
}

/// What an agent reports for a deployment: Heat's deploy_* values and the config's outputs.
public struct AgentReport: Sendable, Equatable {
    public var statusCode: Int
    public var stdout: String
    public var stderr: String
    public var outputs: [String: Value]

    public init(statusCode: Int = 0, stdout: String = "", stderr: String = "", outputs: [String: Value] = [:]) {
        self.statusCode = statusCode
        self.stdout = stdout
        self.stderr = stderr
        self.outputs = outputs
    }
}
