import Foundation
import KilnModel
import PostgresNIO

/// Software configs and their deployments. Saving one that exists replaces it and moves it to
/// the end of the insertion order (`seq = DEFAULT`), as SQLite's INSERT OR REPLACE does.
extension PostgresStore {
    private static let configColumns = "id, project_id, name, \"group\", config, inputs, outputs, options, created_at"
    private static let deploymentColumns = """
        id, project_id, config_id, server_id, input_values, output_values, action, status, status_reason,
        stack_user_project_id, created_at, updated_at
        """

    public func saveSoftwareConfig(_ c: SoftwareConfigRecord) async throws {
        try await write { db, log in
            try await db.run(
                """
                INSERT INTO software_configs (\(unescaped: Self.configColumns)) VALUES (\(c.id), \(c.projectID), \(c.name),
                \(c.group), \(Codec.json(c.config)), \(Codec.json(c.inputs)), \(Codec.json(c.outputs)),
                \(Codec.json(c.options)), \(Codec.seconds(c.createdAt)))
                ON CONFLICT (id) DO UPDATE SET seq = DEFAULT, project_id = excluded.project_id, name = excluded.name,
                "group" = excluded."group", config = excluded.config, inputs = excluded.inputs, outputs = excluded.outputs,
                options = excluded.options, created_at = excluded.created_at
                """, log)
        }
    }

    public func softwareConfig(id: String) async throws -> SoftwareConfigRecord? {
        try await read { db, log in
            try await db.rows("SELECT \(unescaped: Self.configColumns) FROM software_configs WHERE id = \(id)", log)
                .map(Self.configRecord).first
        }
    }

    public func softwareConfigs(projectID: String?, limit: Int?, marker: String?) async throws -> [SoftwareConfigRecord] {
        try await read { db, log in
            var sql = PostgresSQL()
            var conditions: [String] = []
            if let projectID { conditions.append("project_id = \(sql.bind(projectID))") }
            // A page starts after the marker's place in (created_at, seq) order; an unknown marker starts at the top.
            if let marker, try await !db.rows("SELECT 1 FROM software_configs WHERE id = \(marker)", log).isEmpty {
                conditions.append(
                    "(created_at, seq) > (SELECT created_at, seq FROM software_configs WHERE id = \(sql.bind(marker)))")
            }
            sql.text = "SELECT \(Self.configColumns) FROM software_configs"
            if !conditions.isEmpty { sql.text += " WHERE " + conditions.joined(separator: " AND ") }
            sql.text += " ORDER BY created_at, seq"
            if let limit { sql.text += " LIMIT \(sql.bind(limit))" }
            return try await db.rows(sql.query, log).map(Self.configRecord)
        }
    }

    /// Locks the config's row first, so a deployment cannot be saved for it between the check and the delete.
    public func deleteSoftwareConfig(id: String) async throws -> Bool {
        try await write { db, log in
            try await db.run("SELECT 1 FROM software_configs WHERE id = \(id) FOR UPDATE", log)
            if try await !db.rows("SELECT 1 FROM software_deployments WHERE config_id = \(id) LIMIT 1", log).isEmpty {
                return false
            }
            try await db.run("DELETE FROM software_configs WHERE id = \(id)", log)
            return true
        }
    }

    public func saveSoftwareDeployment(_ d: SoftwareDeploymentRecord) async throws {
        try await write { db, log in
            try await db.run(
                """
                INSERT INTO software_deployments (\(unescaped: Self.deploymentColumns)) VALUES (\(d.id), \(d.projectID),
                \(d.configID), \(d.serverID), \(Codec.json(d.inputValues)), \(Codec.json(d.outputValues)), \(d.action),
                \(d.status), \(d.statusReason), \(d.stackUserProjectID), \(Codec.seconds(d.createdAt)),
                \(Codec.seconds(d.updatedAt)))
                ON CONFLICT (id) DO UPDATE SET seq = DEFAULT, project_id = excluded.project_id,
                config_id = excluded.config_id, server_id = excluded.server_id, input_values = excluded.input_values,
                output_values = excluded.output_values, action = excluded.action, status = excluded.status,
                status_reason = excluded.status_reason, stack_user_project_id = excluded.stack_user_project_id,
                created_at = excluded.created_at, updated_at = excluded.updated_at
                """, log)
        }
    }

    public func softwareDeployment(id: String) async throws -> SoftwareDeploymentRecord? {
        try await read { db, log in
            try await db.rows("SELECT \(unescaped: Self.deploymentColumns) FROM software_deployments WHERE id = \(id)", log)
                .map(Self.deploymentRecord).first
        }
    }

    public func softwareDeployments(projectID: String?, serverID: String?) async throws -> [SoftwareDeploymentRecord] {
        try await read { db, log in
            var sql = PostgresSQL()
            var conditions: [String] = []
            if let projectID {
                conditions.append("(project_id = \(sql.bind(projectID)) OR stack_user_project_id = \(sql.bind(projectID)))")
            }
            if let serverID { conditions.append("server_id = \(sql.bind(serverID))") }
            sql.text = "SELECT \(Self.deploymentColumns) FROM software_deployments"
            if !conditions.isEmpty { sql.text += " WHERE " + conditions.joined(separator: " AND ") }
            sql.text += " ORDER BY created_at, seq"
            return try await db.rows(sql.query, log).map(Self.deploymentRecord)
        }
    }

    public func deleteSoftwareDeployment(id: String) async throws {
        try await write { db, log in try await db.run("DELETE FROM software_deployments WHERE id = \(id)", log) }
    }

    private static func configRecord(_ row: PostgresCells) throws -> SoftwareConfigRecord {
        let id = try row(0, String.self)
        return SoftwareConfigRecord(
            id: id, projectID: try row(1), name: try row(2, String?.self), group: try row(3, String?.self),
            config: try Codec.value(row(4), "config of software config \(id)"),
            inputs: try Codec.value(row(5), "inputs of software config \(id)"),
            outputs: try Codec.value(row(6), "outputs of software config \(id)"),
            options: try Codec.value(row(7), "options of software config \(id)"),
            createdAt: Codec.date(try row(8, Double.self)))
    }

    private static func deploymentRecord(_ row: PostgresCells) throws -> SoftwareDeploymentRecord {
        let id = try row(0, String.self)
        return SoftwareDeploymentRecord(
            id: id, projectID: try row(1), configID: try row(2), serverID: try row(3),
            inputValues: try Codec.value(row(4), "input values of software deployment \(id)"),
            outputValues: try Codec.value(row(5), "output values of software deployment \(id)"),
            action: try row(6, String?.self), status: try row(7, String?.self), statusReason: try row(8, String?.self),
            stackUserProjectID: try row(9, String?.self), createdAt: Codec.date(try row(10, Double.self)),
            updatedAt: Codec.date(try row(11, Double?.self)))
    }
}
