import Foundation
import GRDB
import KilnModel

/// Resources of a stack, keyed by (stack, name).
extension SQLiteStore {
    static let resourceColumns = """
        stack_id, name, type, physical_id, action, status, status_reason, properties, attributes, data, metadata, \
        requires, created_at, updated_at
        """

    public func resources(stackID: String) async throws -> [ResourceRecord] {
        try await read { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT \(Self.resourceColumns) FROM resources WHERE stack_id = ? ORDER BY rowid"),
                arguments: [stackID])
            var resources: [ResourceRecord] = []
            while let row = try rows.next() {
                resources.append(try Self.resourceRecord(row))
            }
            return resources
        }
    }

    public func resource(stackID: String, name: String) async throws -> ResourceRecord? {
        try await read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.resourceColumns) FROM resources WHERE stack_id = ? AND name = ?"),
                arguments: [stackID, name])
            return try row.map(Self.resourceRecord)
        }
    }

    /// Inserts or replaces resources, many per statement (the hot path of every operation).
    static func upsertResources(_ db: Database, _ resources: [ResourceRecord]) throws {
        try resourceUpsert.run(db, resources) { resource, values in
            values.add(resource.stackID)
            values.add(resource.name)
            values.add(resource.type)
            values.add(resource.physicalID)
            values.add(resource.action.rawValue)
            values.add(resource.status.rawValue)
            values.add(resource.statusReason)
            values.add(Codec.json(resource.properties))
            values.add(Codec.json(resource.attributes))
            values.add(Codec.json(resource.data))
            values.add(Codec.json(resource.metadata))
            values.add(Codec.json(resource.requires))
            values.add(Codec.seconds(resource.createdAt))
            values.add(Codec.seconds(resource.updatedAt))
        }
    }

    // A later row with the same key updates the earlier one, as separate statements would.
    private static let resourceUpsert = BulkInsert(
        head: "INSERT INTO resources (\(resourceColumns))",
        tail: """
            ON CONFLICT(stack_id, name) DO UPDATE SET type = excluded.type, physical_id = excluded.physical_id,
            action = excluded.action, status = excluded.status, status_reason = excluded.status_reason,
            properties = excluded.properties, attributes = excluded.attributes, data = excluded.data,
            metadata = excluded.metadata, requires = excluded.requires, created_at = excluded.created_at,
            updated_at = excluded.updated_at
            """,
        columns: 14)

    static func deleteResources(_ db: Database, _ keys: [(stackID: String, name: String)]) throws {
        guard !keys.isEmpty else { return }
        let statement = try db.cachedStatement(sql: "DELETE FROM resources WHERE stack_id = ? AND name = ?")
        for key in keys {
            statement.setUncheckedArguments([key.stackID, key.name])
            try statement.execute()
        }
    }

    /// Decodes a row selected with `resourceColumns`.
    static func resourceRecord(_ row: Row) throws -> ResourceRecord {
        let stackID: String = try row.column(0)
        let name: String = try row.column(1)
        let what = "resource \(name) of stack \(stackID)"
        return ResourceRecord(
            stackID: stackID,
            name: name,
            type: try row.column(2),
            physicalID: try row.column(3),
            action: try Codec.action(row.column(4)),
            status: try Codec.status(row.column(5)),
            statusReason: try row.column(6),
            properties: try Codec.value(row.column(7), "properties of \(what)"),
            attributes: try Codec.value(row.column(8), "attributes of \(what)"),
            data: try Codec.value(row.column(9), "data of \(what)"),
            metadata: try Codec.value(row.column(10), "metadata of \(what)"),
            requires: try Codec.strings(row.column(11), "requires of \(what)"),
            createdAt: Codec.date(try row.column(12, as: Double.self)),
            updatedAt: Codec.date(try row.column(13, as: Double?.self))
        )
    }
}
