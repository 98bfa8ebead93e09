import Foundation
import KilnCloud
import KilnModel

/// The agent built into every emulated server: it applies a deployment once the server is
/// ACTIVE and reports success with empty output, unless the config's `options` say
/// otherwise under `emulated_result`: `status_code`, `stdout`, `stderr`, `outputs` (values
/// by output name) and `seconds` (how long the deployment runs). So deployment flows and
/// their failures can be exercised without a real server.
extension EmulatedSession: ServerAgent {
    func deploy(_ deployment: AgentDeployment, serverID: String) async throws -> AgentReport {
        guard let server = try await server(id: serverID) else {
            throw CloudError(.notFound, "Instance \(serverID) could not be found.")
        }
        if server.status == "BUILD" {
            _ = try await waitForServer(id: serverID, statuses: ["ACTIVE"], untilGone: false, timeout: 3600)
        } else if server.status != "ACTIVE" {
            throw CloudError(.conflict, "the agent of server \(serverID) is not running: the server is \(server.status)")
        }
        let result = deployment.options["emulated_result"]?.mapValue ?? [:]
        if let seconds = result["seconds"]?.numberValue, seconds > 0 {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
        }
        var outputs: [String: Value] = [:]
        let given = result["outputs"]?.mapValue ?? [:]
        for name in deployment.outputs { outputs[name] = given[name] ?? .null }
        return AgentReport(
            statusCode: result["status_code"]?.numberValue.map { Int($0) } ?? 0, stdout: result["stdout"]?.stringValue ?? "",
            stderr: result["stderr"]?.stringValue ?? "", outputs: outputs)
    }
}
