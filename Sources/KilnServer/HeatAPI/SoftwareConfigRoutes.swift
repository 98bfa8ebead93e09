import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `/software_configs[/{id}]` and `/software_deployments[/{id}|/metadata/{server_id}]`, with
/// Heat's shapes: creates answer 200 (not 201), deletes 204. An admin sees every project's, as in Heat.
extension HeatAPI {
    func softwareConfigs(_ call: HeatRequest, _ rest: [String]) async throws -> Response {
        let scope = visibleProject(call)
        switch (call.method, rest.count) {
        case (.get, 0):
            if call.flag("global_tenant") { throw HeatPolicy.forbidden("software_configs:global_index") }
            let configs = try await engine.softwareConfigs(
                projectID: scope, limit: try call.integer("limit"), marker: call.first("marker"))
            return .json(["software_configs": .list(configs.map { configView($0, detail: false, withProject: scope == nil) })])
        case (.post, 0):
            let body = try await call.body().mapValue ?? [:]
            let config = try await engine.createSoftwareConfig(
                name: try text(body, "name"), group: try text(body, "group"), config: body["config"] ?? .null,
                inputs: body["inputs"] ?? .null, outputs: body["outputs"] ?? .null, options: body["options"] ?? .null,
                projectID: call.projectID)
            return .json(["software_config": configView(config, detail: true, withProject: false)])
        case (.get, 1):
            let config = try await engine.softwareConfig(rest[0], projectID: scope)
            return .json(["software_config": configView(config, detail: true, withProject: false)])
        case (.delete, 1):
            try await engine.deleteSoftwareConfig(rest[0], projectID: scope)
            return .empty(.noContent)
        default:
            throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }

    func softwareDeployments(_ call: HeatRequest, _ rest: [String]) async throws -> Response {
        let scope = visibleProject(call)
        switch (call.method, rest.count) {
        case (.get, 0):
            let deployments = try await engine.softwareDeployments(projectID: scope, serverID: call.first("server_id"))
            return .json(["software_deployments": .list(deployments.map(deploymentView))])
        case (.get, 2) where rest[0] == "metadata":
            let configs = try await engine.deploymentMetadata(serverID: rest[1], projectID: scope)
            return .json(["metadata": .list(configs.map { configView($0, detail: true, withProject: false) })])
        case (.post, 0):
            let body = try await call.body().mapValue ?? [:]
            guard let configID = try text(body, "config_id") else { throw HeatError.badRequest("config_id must be specified") }
            guard let serverID = try text(body, "server_id") else { throw HeatError.badRequest("server_id must be specified") }
            let deployment = try await engine.createSoftwareDeployment(
                configID: configID, serverID: serverID, inputValues: body["input_values"] ?? .null,
                action: try text(body, "action"), status: try text(body, "status"),
                statusReason: try text(body, "status_reason"),
                stackUserProjectID: try text(body, "stack_user_project_id"), projectID: call.projectID)
            return .json(["software_deployment": deploymentView(deployment)])
        case (.get, 1):
            return await .json(["software_deployment": deploymentView(try engine.softwareDeployment(rest[0], projectID: scope))])
        case (.put, 1):
            let body = try await call.body().mapValue ?? [:]
            let change = SoftwareDeploymentChange(
                configID: try text(body, "config_id"), inputValues: body["input_values"],
                outputValues: body["output_values"], action: try text(body, "action"), status: try text(body, "status"),
                statusReason: try text(body, "status_reason"))
            let deployment = try await engine.updateSoftwareDeployment(rest[0], change, projectID: scope)
            return .json(["software_deployment": deploymentView(deployment)])
        case (.delete, 1):
            try await engine.deleteSoftwareDeployment(rest[0], projectID: scope)
            return .empty(.noContent)
        default:
            throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }

    /// The project whose configs and deployments the caller sees; nil (all) for an admin.
    private func visibleProject(_ call: HeatRequest) -> String? {
        HeatPolicy.level(of: call.token.roles) == .admin ? nil : call.projectID
    }

    /// A text field of a body: absent or null is nil, a number is its text, anything else is a 400.
    private func text(_ body: [String: Value], _ key: String) throws -> String? {
        switch body[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .int, .double, .bool: return body[key]?.plainText
        default: throw HeatError.badRequest("\(key) must be a string")
        }
    }

    private func configView(_ config: SoftwareConfigRecord, detail: Bool, withProject: Bool) -> Value {
        var out: [String: Value] = [
            "id": .string(config.id), "name": config.name.map(Value.string) ?? .null,
            "group": config.group.map(Value.string) ?? .null,
            "creation_time": .string(HeatTime.iso(config.createdAt)),
        ]
        if detail {
            out["config"] = config.config
            out["inputs"] = config.inputs
            out["outputs"] = config.outputs
            out["options"] = config.options
        }
        if withProject { out["project"] = .string(config.projectID) }
        return .map(out)
    }

    private func deploymentView(_ deployment: SoftwareDeploymentRecord) -> Value {
        var out: [String: Value] = [
            "id": .string(deployment.id), "server_id": .string(deployment.serverID),
            "config_id": .string(deployment.configID),
            "input_values": deployment.inputValues, "output_values": deployment.outputValues,
            "action": deployment.action.map(Value.string) ?? .null, "status": deployment.status.map(Value.string) ?? .null,
            "status_reason": deployment.statusReason.map(Value.string) ?? .null,
            "creation_time": .string(HeatTime.iso(deployment.createdAt)),
        ]
        if let updated = deployment.updatedAt { out["updated_time"] = .string(HeatTime.iso(updated)) }
        return .map(out)
    }
}
