import Foundation
import GRDB
import KilnModel

/// Software configs and their deployments.
extension SQLiteStore {
    private static let configColumns = "id, project_id, name, \"group\", config, inputs, outputs, options, created_at"
    private static let deploymentColumns = """
        id, project_id, config_id, server_id, input_values, output_values, action, status, status_reason,
        stack_user_project_id, created_at, updated_at
        """

    public func saveSoftwareConfig(_ config: SoftwareConfigRecord) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO software_configs (\(Self.configColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                config.id, config.projectID, config.name, config.group, Codec.json(config.config),
                Codec.json(config.inputs), Codec.json(config.outputs), Codec.json(config.options),
                Codec.seconds(config.createdAt),
            ])
        }
    }

    public func softwareConfig(id: String) async throws -> SoftwareConfigRecord? {
        try await read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.configColumns) FROM software_configs WHERE id = ?"), arguments: [id])
            return try row.map(Self.configRecord)
        }
    }

    public func softwareConfigs(projectID: String?, limit: Int?, marker: String?) async throws -> [SoftwareConfigRecord] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let projectID {
                conditions.append("project_id = ?")
                _ = arguments.append(contentsOf: [projectID])
            }
            // A page starts after the marker's place in (created_at, rowid) order; an unknown marker starts at the top.
            if let marker, let after = try Row.fetchOne(
                db, sql: "SELECT created_at, rowid FROM software_configs WHERE id = ?", arguments: [marker]) {
                let created: Double = try after.column(0), rowid: Int64 = try after.column(1)
                conditions.append("(created_at > ? OR (created_at = ? AND rowid > ?))")
                _ = arguments.append(contentsOf: [created, created, rowid])
            }
            var sql = "SELECT \(Self.configColumns) FROM software_configs"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY created_at, rowid"
            if let limit {
                sql += " LIMIT ?"
                _ = arguments.append(contentsOf: [limit])
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.configRecord)
        }
    }

    public func deleteSoftwareConfig(id: String) async throws -> Bool {
        try await write { db in
            let inUse = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM software_deployments WHERE config_id = ?)", arguments: [id]) ?? false
            if inUse { return false }
            try db.execute(sql: "DELETE FROM software_configs WHERE id = ?", arguments: [id])
            return true
        }
    }

    public func saveSoftwareDeployment(_ deployment: SoftwareDeploymentRecord) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO software_deployments (\(Self.deploymentColumns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                deployment.id, deployment.projectID, deployment.configID, deployment.serverID,
                Codec.json(deployment.inputValues), Codec.json(deployment.outputValues), deployment.action,
                deployment.status, deployment.statusReason, deployment.stackUserProjectID,
                Codec.seconds(deployment.createdAt), Codec.seconds(deployment.updatedAt),
            ])
        }
    }

    public func softwareDeployment(id: String) async throws -> SoftwareDeploymentRecord? {
        try await read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.deploymentColumns) FROM software_deployments WHERE id = ?"),
                arguments: [id])
            return try row.map(Self.deploymentRecord)
        }
    }

    public func softwareDeployments(projectID: String?, serverID: String?) async throws -> [SoftwareDeploymentRecord] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let projectID {
                conditions.append("(project_id = ? OR stack_user_project_id = ?)")
                _ = arguments.append(contentsOf: [projectID, projectID])
            }
            if let serverID {
                conditions.append("server_id = ?")
                _ = arguments.append(contentsOf: [serverID])
            }
            var sql = "SELECT \(Self.deploymentColumns) FROM software_deployments"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY created_at, rowid"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.deploymentRecord)
        }
    }

    public func deleteSoftwareDeployment(id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM software_deployments WHERE id = ?", arguments: [id])
        }
    }

    private static func configRecord(_ row: Row) throws -> SoftwareConfigRecord {
        let id: String = try row.column(0)
        return SoftwareConfigRecord(
            id: id,
            projectID: try row.column(1),
            name: try row.column(2, as: String?.self),
            group: try row.column(3, as: String?.self),
            config: try Codec.value(row.column(4), "config of software config \(id)"),
            inputs: try Codec.value(row.column(5), "inputs of software config \(id)"),
            outputs: try Codec.value(row.column(6), "outputs of software config \(id)"),
            options: try Codec.value(row.column(7), "options of software config \(id)"),
            createdAt: Codec.date(try row.column(8, as: Double.self)))
    }

    private static func deploymentRecord(_ row: Row) throws -> SoftwareDeploymentRecord {
        let id: String = try row.column(0)
        return SoftwareDeploymentRecord(
            id: id,
            projectID: try row.column(1),
            configID: try row.column(2),
            serverID: try row.column(3),
            inputValues: try Codec.value(row.column(4), "input values of software deployment \(id)"),
            outputValues: try Codec.value(row.column(5), "output values of software deployment \(id)"),
            action: try row.column(6, as: String?.self),
            status: try row.column(7, as: String?.self),
            statusReason: try row.column(8, as: String?.self),
            stackUserProjectID: try row.column(9, as: String?.self),
            createdAt: Codec.date(try row.column(10, as: Double.self)),
            updatedAt: Codec.date(try row.column(11, as: Double?.self)))
    }
}
