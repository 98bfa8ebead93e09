import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The emulated cloud's rows on PostgreSQL.
///
/// `CloudTables` is synchronous (the emulator's closures check and take addresses, quotas and
/// names in plain code, and SQLite runs them on its own thread), while PostgresNIO is
/// asynchronous. So the closure runs on a thread of its own, never a Swift concurrency thread
/// nor a NIO event loop: each CloudTables call there sends its query and blocks on the
/// EventLoopFuture of its result. Blocking a cooperative thread could starve the very tasks
/// that complete the query, and blocking an event loop would deadlock on its own I/O; a
/// dedicated thread only waits for the event loop, which is free to finish the query.
///
/// Cloud writes take one transaction advisory lock first, so they run one at a time across
/// every engine on the database, as SQLite's single writer runs them: what a closure read (an
/// address free, a quota not reached) is still true when it commits. SERIALIZABLE alone was
/// not enough in practice: dozens of ports made at once all change their project's usage row,
/// and the retried transactions kept failing each other (SQLSTATE 40001) until one gave up.
/// At READ COMMITTED after the lock, every statement sees the last writer's commit.
extension PostgresStore {
    /// "klncloud" as a number: the advisory lock key of cloud writes.
    static let cloudLockKey: Int64 = 0x6B6C_6E63_6C6F_7564

    public func cloudWrite<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T {
        try await transaction("BEGIN") { db, log in
            try await db.run("SELECT pg_advisory_xact_lock(\(Self.cloudLockKey))", log)
            return try await Self.onDedicatedThread { try body(PostgresCloudTables(db: db, logger: log)) }
        }
    }

    public func cloudRead<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { db, log in
            try await Self.onDedicatedThread { try body(PostgresCloudTables(db: db, logger: log)) }
        }
    }

    /// Runs `work` on a new thread (a few tens of microseconds, against a query's round trip).
    static func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = "kiln-cloud-tables"
            thread.start()
        }
    }
}

struct PostgresCloudTables: CloudTables {
    let db: PostgresConnection
    let logger: Logger
    static let columns = "kind, id, project_id, parent_id, name, body, created_at"

    /// The query's result, waited for on this (dedicated) thread.
    private func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try db.query(query, logger: logger).wait()
    }

    func row(kind: String, id: String) throws -> CloudRow? {
        try run("SELECT \(unescaped: Self.columns) FROM cloud_objects WHERE kind = \(kind) AND id = \(id)").rows.first
            .map(Self.cloudRow)
    }

    func rows(kind: String, projectID: String?, parentID: String?) throws -> [CloudRow] {
        var sql = PostgresSQL()
        sql.text = "SELECT \(Self.columns) FROM cloud_objects WHERE kind = \(sql.bind(kind))"
        if let projectID { sql.text += " AND project_id = \(sql.bind(projectID))" }
        if let parentID { sql.text += " AND parent_id = \(sql.bind(parentID))" }
        sql.text += " ORDER BY created_at, id"
        return try run(sql.query).rows.map(Self.cloudRow)
    }

    func rows(kind: String, named name: String) throws -> [CloudRow] {
        try run(
            "SELECT \(unescaped: Self.columns) FROM cloud_objects WHERE kind = \(kind) AND name = \(name) ORDER BY created_at, id"
        ).rows.map(Self.cloudRow)
    }

    func ids(kind: String, parentID: String) throws -> [String] {
        try run("SELECT id FROM cloud_objects WHERE kind = \(kind) AND parent_id = \(parentID)").rows.map {
            try PostgresCells($0)(0, String.self)
        }
    }

    func count(kind: String, projectID: String) throws -> Int {
        try run("SELECT COUNT(*) FROM cloud_objects WHERE kind = \(kind) AND project_id = \(projectID)").rows.first
            .map { try PostgresCells($0)(0, Int.self) } ?? 0
    }

    func put(_ row: CloudRow) throws {
        _ = try run(
            """
            INSERT INTO cloud_objects (\(unescaped: Self.columns)) VALUES (\(row.kind), \(row.id), \(row.projectID),
            \(row.parentID), \(row.name), \(row.body), \(row.createdAt.timeIntervalSince1970))
            ON CONFLICT (kind, id) DO UPDATE SET project_id = excluded.project_id, parent_id = excluded.parent_id,
            name = excluded.name, body = excluded.body, created_at = excluded.created_at
            """)
    }

    func insertIfAbsent(_ row: CloudRow) throws -> Bool {
        try run(
            """
            INSERT INTO cloud_objects (\(unescaped: Self.columns)) VALUES (\(row.kind), \(row.id), \(row.projectID),
            \(row.parentID), \(row.name), \(row.body), \(row.createdAt.timeIntervalSince1970)) ON CONFLICT DO NOTHING
            """
        ).metadata.rows == 1
    }

    func delete(kind: String, id: String) throws {
        _ = try run("DELETE FROM cloud_objects WHERE kind = \(kind) AND id = \(id)")
    }

    func deleteRows(kind: String, parentID: String) throws {
        _ = try run("DELETE FROM cloud_objects WHERE kind = \(kind) AND parent_id = \(parentID)")
    }

    static func cloudRow(_ row: PostgresRow) throws -> CloudRow {
        let cells = PostgresCells(row)
        return CloudRow(
            kind: try cells(0), id: try cells(1), projectID: try cells(2), parentID: try cells(3, String?.self),
            name: try cells(4), body: try cells(5), createdAt: Date(timeIntervalSince1970: try cells(6, Double.self)))
    }
}
