import Foundation
import GRDB
import KilnModel

/// Snapshots of stacks, for restore.
extension SQLiteStore {
    private static let snapshotColumns = "id, stack_id, name, status, status_reason, template_id, data, created_at"

    /// Inserts the snapshot, or replaces the one with its id (e.g. IN_PROGRESS becoming COMPLETE).
    public func saveSnapshot(_ snapshot: SnapshotRecord) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO snapshots (\(Self.snapshotColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET stack_id = excluded.stack_id, name = excluded.name,
                    status = excluded.status, status_reason = excluded.status_reason,
                    template_id = excluded.template_id, data = excluded.data, created_at = excluded.created_at
                    """
            ).execute(arguments: [
                snapshot.id, snapshot.stackID, snapshot.name, snapshot.status.rawValue, snapshot.statusReason,
                snapshot.templateID, Codec.json(snapshot.data), Codec.seconds(snapshot.createdAt),
            ])
        }
    }

    /// A stack's snapshots, oldest first.
    public func snapshots(stackID: String) async throws -> [SnapshotRecord] {
        try await read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.snapshotColumns) FROM snapshots WHERE stack_id = ? ORDER BY created_at, rowid"),
                arguments: [stackID])
            return try rows.map(Self.snapshotRecord)
        }
    }

    public func snapshot(id: String) async throws -> SnapshotRecord? {
        try await read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.snapshotColumns) FROM snapshots WHERE id = ?"), arguments: [id])
            return try row.map(Self.snapshotRecord)
        }
    }

    public func deleteSnapshot(id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM snapshots WHERE id = ?", arguments: [id])
        }
    }

    private static func snapshotRecord(_ row: Row) throws -> SnapshotRecord {
        let id: String = try row.column(0)
        return SnapshotRecord(
            id: id,
            stackID: try row.column(1),
            name: try row.column(2),
            status: try Codec.status(row.column(3)),
            statusReason: try row.column(4),
            templateID: try row.column(5),
            data: try Codec.value(row.column(6), "data of snapshot \(id)"),
            createdAt: Codec.date(try row.column(7, as: Double.self))
        )
    }
}
