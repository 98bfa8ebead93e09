import Foundation
import GRDB
import KilnModel

/// The notification outbox. Rows are written by `commit`/`createStack` with the state change
/// they tell of; the dispatcher reads each (sink, stack) queue's head, delivers in sequence
/// order and deletes what was delivered.
extension SQLiteStore {
    static func insertNotifications(_ db: Database, _ notifications: [OutboxNotification], sinks: [EventSink]) throws {
        guard !notifications.isEmpty else { return }
        for sink in sinks {
            try db.execute(
                sql: "INSERT OR IGNORE INTO notification_sinks (id, definition) VALUES (?, ?)",
                arguments: [sink.id, Codec.json(sink.definition)])
        }
        try notificationInsert.run(db, notifications) { notification, values in
            values.add(notification.id)
            values.add(notification.sinkID)
            values.add(notification.stackID)
            values.add(notification.projectID)
            values.add(notification.eventType)
            values.add(Codec.json(notification.body))
            values.add(Codec.seconds(notification.createdAt))
            values.add(notification.state.rawValue)
            values.add(notification.attempts)
            values.add(Codec.seconds(notification.nextAttempt))
        }
    }

    private static let notificationInsert = BulkInsert(
        head: """
            INSERT INTO notifications (id, sink_id, stack_id, project_id, event_type, body, created_at, state, attempts,
            next_attempt)
            """,
        tail: "", columns: 10)

    public func notificationHeads() async throws -> [NotificationHead] {
        try await read { db in
            // SQLite gives the bare column next_attempt from the row holding MIN(sequence).
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT sink_id, stack_id, MIN(sequence), next_attempt FROM notifications
                    WHERE state = 'pending' GROUP BY sink_id, stack_id
                    """))
            var heads: [NotificationHead] = []
            while let row = try rows.next() {
                heads.append(NotificationHead(
                    sinkID: try row.column(0), stackID: try row.column(1), sequence: try row.column(2),
                    nextAttempt: Codec.date(try row.column(3, as: Double.self))))
            }
            return heads
        }
    }

    public func pendingNotifications(sinkID: String, stackID: String, limit: Int) async throws -> [OutboxNotification] {
        try await read { db in
            try Self.fetchNotifications(
                db.cachedStatement(sql: """
                    SELECT \(Self.notificationColumns) FROM notifications
                    WHERE sink_id = ? AND stack_id = ? AND state = 'pending' ORDER BY sequence LIMIT ?
                    """),
                [sinkID, stackID, max(1, limit)])
        }
    }

    public func notificationSinks() async throws -> [String: EventSink] {
        try await read { db in
            var sinks: [String: EventSink] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, definition FROM notification_sinks")
            while let row = try rows.next() {
                let id: String = try row.column(0)
                if let sink = EventSink(try Codec.value(try row.column(1), "notification sink")) { sinks[id] = sink }
            }
            return sinks
        }
    }

    public func deliveredNotifications(sequences: [Int64]) async throws {
        guard !sequences.isEmpty else { return }
        try await write { db in
            for chunk in stride(from: 0, to: sequences.count, by: 500) {
                let part = sequences[chunk..<min(chunk + 500, sequences.count)]
                try db.execute(
                    sql: "DELETE FROM notifications WHERE sequence IN (\(part.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(Array(part)))
            }
        }
    }

    public func failedNotificationAttempt(sequence: Int64, attempts: Int, next: Date, error: String, deadLetter: Bool)
        async throws
    {
        try await write { db in
            try db.execute(
                sql: "UPDATE notifications SET attempts = ?, next_attempt = ?, last_error = ?, state = ? WHERE sequence = ?",
                arguments: [attempts, Codec.seconds(next), String(error.prefix(1000)), deadLetter ? "failed" : "pending", sequence])
        }
    }

    public func notifications(failedOnly: Bool, projectID: String?, limit: Int?) async throws -> [OutboxNotification] {
        try await read { db in
            var sql = "SELECT \(Self.notificationColumns) FROM notifications WHERE 1"
            var arguments: StatementArguments = []
            if failedOnly { sql += " AND state = 'failed'" }
            if let projectID {
                sql += " AND project_id = ?"
                arguments += [projectID]
            }
            sql += " ORDER BY sequence LIMIT ?"
            arguments += [limit.map { max($0, 0) } ?? -1]
            return try Self.fetchNotifications(db.cachedStatement(sql: sql), arguments)
        }
    }

    public func retryNotification(_ id: String, projectID: String?) async throws -> Int {
        try await write { db in
            var sql = "UPDATE notifications SET state = 'pending', attempts = 0, next_attempt = ? WHERE state = 'failed'"
                + " AND (id = ? OR CAST(sequence AS TEXT) = ?)"
            var arguments: StatementArguments = [Codec.seconds(Date()), id, id]
            if let projectID {
                sql += " AND project_id = ?"
                arguments += [projectID]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    public func pendingNotificationCount() async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications WHERE state = 'pending'") ?? 0
        }
    }

    private static let notificationColumns = """
        sequence, id, sink_id, stack_id, project_id, event_type, body, created_at, state, attempts, next_attempt, last_error
        """

    private static func fetchNotifications(_ statement: Statement, _ arguments: StatementArguments) throws
        -> [OutboxNotification]
    {
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        var out: [OutboxNotification] = []
        while let row = try rows.next() {
            out.append(OutboxNotification(
                sequence: try row.column(0), id: try row.column(1), sinkID: try row.column(2), stackID: try row.column(3),
                projectID: try row.column(4), eventType: try row.column(5),
                body: try Codec.value(try row.column(6), "notification"),
                createdAt: Codec.date(try row.column(7, as: Double.self)),
                state: OutboxNotification.State(rawValue: try row.column(8)) ?? .pending, attempts: try row.column(9),
                nextAttempt: Codec.date(try row.column(10, as: Double.self)), lastError: try row.column(11)))
        }
        return out
    }
}
