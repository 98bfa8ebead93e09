import Foundation
import GRDB

/// The emulated cloud's rows (`cloud_objects`), read and written inside one transaction.
extension SQLiteStore {
    public func cloudWrite<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T {
        try await write { db in try body(SQLiteCloudTables(db: db)) }
    }

    public func cloudRead<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T {
        try await read { db in try body(SQLiteCloudTables(db: db)) }
    }
}

struct SQLiteCloudTables: CloudTables {
    let db: Database
    static let columns = "kind, id, project_id, parent_id, name, body, created_at"

    func row(kind: String, id: String) throws -> CloudRow? {
        try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM cloud_objects WHERE kind = ? AND id = ?", arguments: [kind, id])
            .map(Self.cloudRow)
    }

    func rows(kind: String, projectID: String?, parentID: String?) throws -> [CloudRow] {
        var sql = "SELECT \(Self.columns) FROM cloud_objects WHERE kind = ?"
        var arguments: StatementArguments = [kind]
        if let projectID {
            sql += " AND project_id = ?"
            arguments += [projectID]
        }
        if let parentID {
            sql += " AND parent_id = ?"
            arguments += [parentID]
        }
        sql += " ORDER BY created_at, id"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.cloudRow)
    }

    func rows(kind: String, named name: String) throws -> [CloudRow] {
        try Row.fetchAll(
            db, sql: "SELECT \(Self.columns) FROM cloud_objects WHERE kind = ? AND name = ? ORDER BY created_at, id",
            arguments: [kind, name]
        ).map(Self.cloudRow)
    }

    func ids(kind: String, parentID: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT id FROM cloud_objects WHERE kind = ? AND parent_id = ?", arguments: [kind, parentID])
    }

    func count(kind: String, projectID: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cloud_objects WHERE kind = ? AND project_id = ?", arguments: [kind, projectID]) ?? 0
    }

    func put(_ row: CloudRow) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO cloud_objects (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [row.kind, row.id, row.projectID, row.parentID, row.name, row.body, row.createdAt.timeIntervalSince1970])
    }

    func insertIfAbsent(_ row: CloudRow) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO cloud_objects (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [row.kind, row.id, row.projectID, row.parentID, row.name, row.body, row.createdAt.timeIntervalSince1970])
        return db.changesCount > 0
    }

    func delete(kind: String, id: String) throws {
        try db.execute(sql: "DELETE FROM cloud_objects WHERE kind = ? AND id = ?", arguments: [kind, id])
    }

    func deleteRows(kind: String, parentID: String) throws {
        try db.execute(sql: "DELETE FROM cloud_objects WHERE kind = ? AND parent_id = ?", arguments: [kind, parentID])
    }

    static func cloudRow(_ row: Row) -> CloudRow {
        CloudRow(
            kind: row[0], id: row[1], projectID: row[2], parentID: row[3], name: row[4], body: row[5],
            createdAt: Date(timeIntervalSince1970: row[6]))
    }
}
