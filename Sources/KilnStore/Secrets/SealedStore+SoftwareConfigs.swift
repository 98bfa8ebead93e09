import KilnModel

/// Software configs and deployments, sealed: a config's script and input defaults, a
/// deployment's input and output values (they carry hidden parameters, and the signal URL and
/// credentials a server reports back with).
extension SealedStore {
    public func saveSoftwareConfig(_ config: SoftwareConfigRecord) async throws { try await base.saveSoftwareConfig(sealer.sealed(config)) }

    public func softwareConfig(id: String) async throws -> SoftwareConfigRecord? {
        try await base.softwareConfig(id: id).map(sealer.opened)
    }

    public func softwareConfigs(projectID: String?, limit: Int?, marker: String?) async throws -> [SoftwareConfigRecord] {
        try await base.softwareConfigs(projectID: projectID, limit: limit, marker: marker).map(sealer.opened)
    }

    public func deleteSoftwareConfig(id: String) async throws -> Bool { try await base.deleteSoftwareConfig(id: id) }

    public func saveSoftwareDeployment(_ deployment: SoftwareDeploymentRecord) async throws {
        try await base.saveSoftwareDeployment(sealer.sealed(deployment))
    }

    public func softwareDeployment(id: String) async throws -> SoftwareDeploymentRecord? {
        try await base.softwareDeployment(id: id).map(sealer.opened)
    }

    public func softwareDeployments(projectID: String?, serverID: String?) async throws -> [SoftwareDeploymentRecord] {
        try await base.softwareDeployments(projectID: projectID, serverID: serverID).map(sealer.opened)
    }

    public func deleteSoftwareDeployment(id: String) async throws { try await base.deleteSoftwareDeployment(id: id) }
}

extension SecretSealer {
    func sealed(_ config: SoftwareConfigRecord) -> SoftwareConfigRecord {
        var out = config
        out.config = seal(config.config)
        out.inputs = seal(config.inputs)
        return out
    }

    func opened(_ config: SoftwareConfigRecord) throws -> SoftwareConfigRecord {
        var out = config
        out.config = try open(config.config, what: "config of software config \(config.id)")
        out.inputs = try open(config.inputs, what: "inputs of software config \(config.id)")
        return out
    }

    func sealed(_ deployment: SoftwareDeploymentRecord) -> SoftwareDeploymentRecord {
        var out = deployment
        out.inputValues = seal(deployment.inputValues)
        out.outputValues = seal(deployment.outputValues)
        return out
    }

    func opened(_ deployment: SoftwareDeploymentRecord) throws -> SoftwareDeploymentRecord {
        var out = deployment
        out.inputValues = try open(deployment.inputValues, what: "input values of software deployment \(deployment.id)")
        out.outputValues = try open(deployment.outputValues, what: "output values of software deployment \(deployment.id)")
        return out
    }
}
