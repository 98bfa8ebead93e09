import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Heat::SoftwareDeployment`: applies a software config to a server. As in Heat, a
/// derived config (the config with the input values and Heat's deploy_* inputs) and a
/// deployment record IN_PROGRESS are stored; the server's agent reads them, applies the
/// config and reports deploy_stdout, deploy_stderr, deploy_status_code and the config's
/// outputs. The emulated cloud's built-in agent reports at once; with a real cloud the agent
/// signals (the resource's signal or the software_deployments API) and the resource waits
/// for it. `NO_SIGNAL` completes without waiting. A non-zero status code fails the resource.
public struct SoftwareDeploymentResource: ResourcePlugin {
    public static let typeName = "OS::Heat::SoftwareDeployment"
    static let actionValues: [Value] = ["CREATE", "DELETE", "UPDATE", "SUSPEND", "RESUME"]
    static let transports: [Value] = ["CFN_SIGNAL", "TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL", "ZAQAR_SIGNAL"]

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "config": PropertySchema(.string, updateAllowed: true, description: "ID of software configuration resource to execute when applying to the server."),
            "server": PropertySchema(.string, required: true, description: "ID of resource to apply configuration to. Normally this should be a Nova server ID."),
            "input_values": PropertySchema(.map, updateAllowed: true, description: "Input values to apply to the software configuration on this server."),
            "actions": PropertySchema(
                .list, updateAllowed: true, defaultValue: .list(["CREATE", "UPDATE"]),
                items: PropertySchema(.string, allowedValues: actionValues),
                description: "Which lifecycle actions of the deployment resource will result in this deployment being triggered."),
            "signal_transport": PropertySchema(
                .string, defaultValue: "CFN_SIGNAL", allowedValues: transports,
                description: "How the server should signal to heat with the deployment output values."),
            "name": PropertySchema(.string, updateAllowed: true, description: "Name of the derived config associated with this deployment."),
        ],
        attributes: [
            "deploy_stdout": AttributeSchema(description: "Captured stdout from the configuration execution.", type: "String"),
            "deploy_stderr": AttributeSchema(description: "Captured stderr from the configuration execution.", type: "String"),
            "deploy_status_code": AttributeSchema(description: "Returned status code from the configuration execution.", type: "String"),
        ])

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await deploy(&resource, action: "CREATE", context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        if resource[property: "server"] != previous["server"] ?? .null {
            throw ResourceFailure.replacementNeeded("the deployment's server changed")
        }
        try await deploy(&resource, action: "UPDATE", context)
    }

    public func suspend(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await deploy(&resource, action: "SUSPEND", context)
    }

    public func resume(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await deploy(&resource, action: "RESUME", context)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        var resource = resource
        if Self.actions(of: resource).contains("DELETE"), resource.physicalID != nil {
            // A server already gone has nothing to undeploy.
            do { try await deploy(&resource, action: "DELETE", context) } catch ResourceFailure.failed(let message)
                where message.contains("could not be found") {}
        }
        if let id = resource.physicalID { try await context.forgetSoftwareDeployment(id: id) }
        if let config = resource.data["derived_config_id"]?.stringValue { try? await context.forgetSoftwareConfig(id: config) }
    }

    /// The agent's report through the resource's signal: the deployment completes (or fails).
    public func signal(_ resource: inout LiveResource, data: Value, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID, var record = try await context.softwareDeployment(id: id) else {
            throw ResourceFailure.failed("the deployment has no record to signal")
        }
        let values = data.mapValue ?? [:]
        let code = values["deploy_status_code"]?.numberValue.map { Int($0) } ?? 0
        record.outputValues = data
        record.status = code == 0 ? "COMPLETE" : "FAILED"
        record.statusReason = code == 0 ? "Outputs received" : Self.failureReason(code)
        record.updatedAt = Date()
        try await context.keepSoftwareDeployment(record)
    }

    static func actions(of resource: LiveResource) -> [String] {
        (resource[property: "actions"].listValue ?? []).compactMap(\.stringValue)
    }

    static func failureReason(_ code: Int) -> String {
        "deploy_status_code : Deployment exited with non-zero status code: \(code)"
    }

    /// Stores the derived config and the deployment for `action`, then has the agent apply it
    /// (or waits for its signal) when the action is one of the resource's `actions`.
    func deploy(_ resource: inout LiveResource, action: String, _ context: ResourceContext, persist: Bool = true) async throws {
        guard let serverID = resource[property: "server"].stringValue, !serverID.isEmpty else {
            throw ResourceFailure.failed("Property error: server: a server id is required")
        }
        let triggered = Self.actions(of: resource).contains(action)
        var config: SoftwareConfigRecord?
        if let configID = resource[property: "config"].stringValue, !configID.isEmpty {
            guard let found = try await context.softwareConfig(id: configID) else {
                throw ResourceFailure.failed("Software config with id \(configID) not found")
            }
            config = found
        }
        var inputs = resource[property: "input_values"].mapValue ?? [:]
        inputs["deploy_server_id"] = .string(serverID)
        inputs["deploy_action"] = .string(action)
        inputs["deploy_stack_id"] = .string("\(resource.stackName)/\(resource.stackID)")
        inputs["deploy_resource_name"] = .string(resource.name)
        inputs["deploy_signal_transport"] = resource[property: "signal_transport"]
        let derivedID = UUID().uuidString.lowercased()
        let outputs = (config?.outputs.listValue ?? []).compactMap { $0.mapValue?["name"]?.stringValue }
        let name = resource[property: "name"].stringValue ?? config?.name ?? resource.name
        let inputList: [Value] = inputs.keys.sorted().map { key in ["name": .string(key), "value": inputs[key]!, "type": "String"] }
        try await context.keepSoftwareConfig([
            "id": .string(derivedID), "name": .string(name), "group": .string(config?.group ?? "Heat::Ungrouped"),
            "config": config?.config ?? .null, "options": config?.options ?? .map([:]), "inputs": .list(inputList),
            "outputs": config?.outputs ?? .list([]),
        ])
        if let old = resource.data["derived_config_id"]?.stringValue, old != derivedID {
            try? await context.forgetSoftwareConfig(id: old)
        }
        resource.data["derived_config_id"] = .string(derivedID)

        let transport = resource[property: "signal_transport"].stringValue ?? "CFN_SIGNAL"
        let waits = triggered && transport != "NO_SIGNAL"
        var record = try await resource.physicalID.asyncFlatMap { try await context.softwareDeployment(id: $0) }
            ?? SoftwareDeploymentRecord(projectID: context.projectID, configID: derivedID, serverID: serverID)
        record.configID = derivedID
        record.inputValues = resource[property: "input_values"]
        record.action = action
        record.status = waits ? "IN_PROGRESS" : "COMPLETE"
        record.statusReason = waits ? "Deploy data available" : (triggered ? "Not waiting for outputs signal" : "")
        record.updatedAt = Date()
        try await context.keepSoftwareDeployment(record)
        resource.physicalID = record.id
        // A group's member is not a resource of the stack: the group keeps it.
        if persist { try await context.save(resource) }
        guard waits else { return }

        if let agent = try? context.cloud().agent {
            let report: AgentReport
            do {
                report = try await agent.deploy(
                    AgentDeployment(
                        id: record.id, name: name, group: config?.group ?? "Heat::Ungrouped", config: config?.config ?? .null,
                        inputs: inputs, outputs: outputs, options: config?.options.mapValue ?? [:], action: action),
                    serverID: serverID)
            } catch let error as CloudError {
                throw ResourceFailure.failed(error.message)
            }
            var values = report.outputs
            values["deploy_stdout"] = .string(report.stdout)
            values["deploy_stderr"] = .string(report.stderr)
            values["deploy_status_code"] = .int(report.statusCode)
            try await signal(&resource, data: .map(values), context)
        }
        // Wait for the agent's report (the emulated agent has given it already).
        while true {
            guard let current = try await context.softwareDeployment(id: record.id) else {
                throw ResourceFailure.failed("the deployment \(record.id) was deleted while it ran")
            }
            if current.status == "COMPLETE" || current.status == "FAILED" {
                Self.keepOutputs(current, in: &resource)
                if current.status == "FAILED" {
                    throw ResourceFailure.failed("Deployment to server failed: \(current.statusReason ?? "")")
                }
                return
            }
            try await context.sleep(seconds: 1)
        }
    }

    static func keepOutputs(_ record: SoftwareDeploymentRecord, in resource: inout LiveResource) {
        let values = record.outputValues.mapValue ?? [:]
        for (key, value) in values { resource.attributes[key] = value }
        for key in ["deploy_stdout", "deploy_stderr"] where resource.attributes[key] == nil { resource.attributes[key] = .null }
        if resource.attributes["deploy_status_code"] == nil { resource.attributes["deploy_status_code"] = .null }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        if name == "show" { return .map(resource.attributes) }
        return resource.attributes[name] ?? .null
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
