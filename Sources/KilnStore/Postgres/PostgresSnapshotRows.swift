import Foundation
import KilnModel
import PostgresNIO

/// Snapshots of stacks, for restore.
extension PostgresStore {
    private static let snapshotColumns = "id, stack_id, name, status, status_reason, template_id, data, created_at"

    /// Inserts the snapshot, or replaces the one with its id (e.g. IN_PROGRESS becoming COMPLETE).
    public func saveSnapshot(_ s: SnapshotRecord) async throws {
        try await write { db, log in
            try await db.run(
                """
                INSERT INTO snapshots (\(unescaped: Self.snapshotColumns)) VALUES (\(s.id), \(s.stackID), \(s.name),
                \(s.status.rawValue), \(s.statusReason), \(s.templateID), \(Codec.json(s.data)), \(Codec.seconds(s.createdAt)))
                ON CONFLICT (id) DO UPDATE SET stack_id = excluded.stack_id, name = excluded.name,
                status = excluded.status, status_reason = excluded.status_reason,
                template_id = excluded.template_id, data = excluded.data, created_at = excluded.created_at
                """, log)
        }
    }

    /// A stack's snapshots, oldest first.
    public func snapshots(stackID: String) async throws -> [SnapshotRecord] {
        try await read { db, log in
            try await db.rows(
                "SELECT \(unescaped: Self.snapshotColumns) FROM snapshots WHERE stack_id = \(stackID) ORDER BY created_at, seq", log
            ).map(Self.snapshotRecord)
        }
    }

    public func snapshot(id: String) async throws -> SnapshotRecord? {
        try await read { db, log in
            try await db.rows("SELECT \(unescaped: Self.snapshotColumns) FROM snapshots WHERE id = \(id)", log)
                .map(Self.snapshotRecord).first
        }
    }

    public func deleteSnapshot(id: String) async throws {
        try await write { db, log in try await db.run("DELETE FROM snapshots WHERE id = \(id)", log) }
    }

    private static func snapshotRecord(_ row: PostgresCells) throws -> SnapshotRecord {
        let id = try row(0, String.self)
        return SnapshotRecord(
            id: id, stackID: try row(1), name: try row(2), status: try Codec.status(row(3)), statusReason: try row(4),
            templateID: try row(5, Int64?.self), data: try Codec.value(row(6), "data of snapshot \(id)"),
            createdAt: Codec.date(try row(7, Double.self)))
    }
}
