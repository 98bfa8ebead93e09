import Foundation
import Logging
import KilnModel
import PostgresNIO

/// Resources of a stack, keyed by (stack, name), listed in the order they were first written.
extension PostgresStore {
    static let resourceColumns = SQLiteStore.resourceColumns

    public func resources(stackID: String) async throws -> [ResourceRecord] {
        try await read { db, log in
            try await db.rows(
                "SELECT \(unescaped: Self.resourceColumns) FROM resources WHERE stack_id = \(stackID) ORDER BY seq", log
            ).map(Self.resourceRecord)
        }
    }

    public func resource(stackID: String, name: String) async throws -> ResourceRecord? {
        try await read { db, log in
            try await db.rows(
                "SELECT \(unescaped: Self.resourceColumns) FROM resources WHERE stack_id = \(stackID) AND name = \(name)", log
            ).map(Self.resourceRecord).first
        }
    }

    /// Inserts or replaces resources, many rows per statement (the hot path of every operation).
    /// PostgreSQL refuses one statement updating a row twice, so a resource written twice in a
    /// batch is written once, with its last record, at its first place (as two statements would).
    static func upsertResources(_ db: PostgresConnection, _ log: Logger, _ resources: [ResourceRecord]) async throws {
        guard !resources.isEmpty else { return }
        var order: [String] = []
        var latest: [String: ResourceRecord] = [:]
        for resource in resources {
            let key = resource.stackID + "\u{0}" + resource.name
            if latest.updateValue(resource, forKey: key) == nil { order.append(key) }
        }
        let unique = order.map { latest[$0]! }
        for start in stride(from: 0, to: unique.count, by: 500) {
            var sql = PostgresSQL("INSERT INTO resources (\(resourceColumns)) VALUES ")
            var rows: [String] = []
            for r in unique[start..<min(start + 500, unique.count)] {
                let values = [
                    sql.bind(r.stackID), sql.bind(r.name), sql.bind(r.type), sql.bind(r.physicalID), sql.bind(r.action.rawValue),
                    sql.bind(r.status.rawValue), sql.bind(r.statusReason), sql.bind(Codec.json(r.properties)),
                    sql.bind(Codec.json(r.attributes)), sql.bind(Codec.json(r.data)), sql.bind(Codec.json(r.metadata)),
                    sql.bind(Codec.json(r.requires)), sql.bind(Codec.seconds(r.createdAt)), sql.bind(Codec.seconds(r.updatedAt)),
                ]
                rows.append("(" + values.joined(separator: ", ") + ")")
            }
            sql.text += rows.joined(separator: ", ") + """
                 ON CONFLICT (stack_id, name) DO UPDATE SET type = excluded.type, physical_id = excluded.physical_id,
                action = excluded.action, status = excluded.status, status_reason = excluded.status_reason,
                properties = excluded.properties, attributes = excluded.attributes, data = excluded.data,
                metadata = excluded.metadata, requires = excluded.requires, created_at = excluded.created_at,
                updated_at = excluded.updated_at
                """
            try await db.run(sql.query, log)
        }
    }

    static func deleteResources(_ db: PostgresConnection, _ log: Logger, _ keys: [(stackID: String, name: String)]) async throws {
        for key in keys {
            try await db.run("DELETE FROM resources WHERE stack_id = \(key.stackID) AND name = \(key.name)", log)
        }
    }

    /// Decodes a row selected with `resourceColumns`.
    static func resourceRecord(_ row: PostgresCells) throws -> ResourceRecord {
        let stackID = try row(0, String.self), name = try row(1, String.self)
        let what = "resource \(name) of stack \(stackID)"
        return ResourceRecord(
            stackID: stackID, name: name, type: try row(2), physicalID: try row(3, String?.self),
            action: try Codec.action(row(4)), status: try Codec.status(row(5)), statusReason: try row(6),
            properties: try Codec.value(row(7), "properties of \(what)"),
            attributes: try Codec.value(row(8), "attributes of \(what)"),
            data: try Codec.value(row(9), "data of \(what)"),
            metadata: try Codec.value(row(10), "metadata of \(what)"),
            requires: try Codec.strings(row(11), "requires of \(what)"),
            createdAt: Codec.date(try row(12, Double.self)),
            updatedAt: Codec.date(try row(13, Double?.self)))
    }
}
