import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// A change to a deployment, as an agent or user reports it: only the fields given change.
public struct SoftwareDeploymentChange: Sendable {
    public var configID: String?
    public var inputValues: Value?
    public var outputValues: Value?
    public var action: String?
    public var status: String?
    public var statusReason: String?

    public init(
        configID: String? = nil, inputValues: Value? = nil, outputValues: Value? = nil, action: String? = nil,
        status: String? = nil, statusReason: String? = nil
    ) {
        self.configID = configID
        self.inputValues = inputValues
        self.outputValues = outputValues
        self.action = action
        self.status = status
        self.statusReason = statusReason
    }
}

/// Heat's software configs and deployments: configs are immutable documents a project keeps;
/// deployments tie a config to a server and carry what the server's agent reports.
/// `projectID` nil means every project (an admin's view, as Heat gives admins).
extension Engine {
    // MARK: Configs

    public func createSoftwareConfig(
        name: String?, group: String?, config: Value, inputs: Value = .null, outputs: Value = .null,
        options: Value = .null, projectID: String
    ) async throws -> SoftwareConfigRecord {
        if !options.isNull, options.mapValue == nil { throw EngineError.refused("Software config options must be a map") }
        let record = SoftwareConfigRecord(
            projectID: projectID, name: name, group: group, config: config,
            inputs: .list(try SoftwareConfigIO.inputs(inputs)), outputs: .list(try SoftwareConfigIO.outputs(outputs)),
            options: options.isNull ? .map([:]) : options)
        try await store.saveSoftwareConfig(record)
        return record
    }

    public func softwareConfig(_ id: String, projectID: String?) async throws -> SoftwareConfigRecord {
        guard let found = try await store.softwareConfig(id: id), projectID == nil || found.projectID == projectID else {
            throw EngineError.notFound("Software config with id \(id) not found")
        }
        return found
    }

    public func softwareConfigs(projectID: String?, limit: Int? = nil, marker: String? = nil) async throws -> [SoftwareConfigRecord] {
        try await store.softwareConfigs(projectID: projectID, limit: limit, marker: marker)
    }

    /// Deletes a config; one a deployment still uses is refused, as in Heat.
    public func deleteSoftwareConfig(_ id: String, projectID: String?) async throws {
        _ = try await softwareConfig(id, projectID: projectID)
        guard try await store.deleteSoftwareConfig(id: id) else {
            throw EngineError.refused("Software config with id \(id) can not be deleted as it is referenced.")
        }
    }

    // MARK: Deployments

    public func createSoftwareDeployment(
        configID: String, serverID: String, inputValues: Value = .null, action: String? = nil, status: String? = nil,
        statusReason: String? = nil, stackUserProjectID: String? = nil, projectID: String
    ) async throws -> SoftwareDeploymentRecord {
        if serverID.isEmpty { throw EngineError.refused("server_id must be specified") }
        if let stackUserProjectID, stackUserProjectID.count > 64 {
            throw EngineError.refused("Data supplied was not valid: \"stack_user_project_id\" should be no more than 64 characters")
        }
        _ = try await softwareConfig(configID, projectID: projectID)
        let record = SoftwareDeploymentRecord(
            projectID: projectID, configID: configID, serverID: serverID, inputValues: inputValues, action: action,
            status: status, statusReason: statusReason ?? "", stackUserProjectID: stackUserProjectID)
        try await store.saveSoftwareDeployment(record)
        return record
    }

    public func softwareDeployment(_ id: String, projectID: String?) async throws -> SoftwareDeploymentRecord {
        guard let found = try await store.softwareDeployment(id: id),
              projectID == nil || found.projectID == projectID || found.stackUserProjectID == projectID
        else { throw EngineError.notFound("Deployment with id \(id) not found") }
        return found
    }

    public func softwareDeployments(projectID: String?, serverID: String? = nil) async throws -> [SoftwareDeploymentRecord] {
        try await store.softwareDeployments(projectID: projectID, serverID: serverID)
    }

    /// Applies the fields given (Heat ignores empty ones) and stamps the update time.
    public func updateSoftwareDeployment(
        _ id: String, _ change: SoftwareDeploymentChange, projectID: String?
    ) async throws -> SoftwareDeploymentRecord {
        var record = try await softwareDeployment(id, projectID: projectID)
        if let configID = change.configID, !configID.isEmpty {
            guard (try? await softwareConfig(configID, projectID: projectID)) != nil else {
                throw EngineError.refused("Data supplied was not valid: Config with id \(configID) not found")
            }
            record.configID = configID
        }
        if let values = change.inputValues, !values.isEmptyish { record.inputValues = values }
        if let values = change.outputValues, !values.isEmptyish { record.outputValues = values }
        if let action = change.action, !action.isEmpty { record.action = action }
        if let status = change.status, !status.isEmpty { record.status = status }
        if let reason = change.statusReason, !reason.isEmpty { record.statusReason = reason }
        record.updatedAt = Date()
        try await store.saveSoftwareDeployment(record)
        return record
    }

    public func deleteSoftwareDeployment(_ id: String, projectID: String?) async throws {
        _ = try await softwareDeployment(id, projectID: projectID)
        try await store.deleteSoftwareDeployment(id: id)
    }

    /// What a server's agent polls: the configs deployed to it, ordered by config name so
    /// the order is stable and can be chosen by naming.
    public func deploymentMetadata(serverID: String, projectID: String?) async throws -> [SoftwareConfigRecord] {
        if serverID.isEmpty { throw EngineError.refused("server_id must be specified") }
        var configs: [SoftwareConfigRecord] = []
        for deployment in try await softwareDeployments(projectID: projectID, serverID: serverID) {
            if let config = try await store.softwareConfig(id: deployment.configID) { configs.append(config) }
        }
        return configs.enumerated().sorted { a, b in
            let left = a.element.name ?? "", right = b.element.name ?? ""
            return left == right ? a.offset < b.offset : left < right
        }.map(\.element)
    }
}

private extension Value {
    /// Heat skips "falsy" update values: null, empty maps, lists and strings.
    var isEmptyish: Bool {
        switch self {
        case .null: return true
        case .map(let map): return map.isEmpty
        case .list(let list): return list.isEmpty
        case .string(let text): return text.isEmpty
        default: return false
        }
    }
}
