import Foundation
import GRDB
import KilnModel

/// Notifications in the store: cursors over stacks' events per sink, outbox rows for
/// notifications that are not events, and dead letters. A commit writes no copy of its
/// events: a new stack (or a batch whose stack has a new sink) only gets a cursor per sink.
extension SQLiteStore {
    /// Cursors for the stack's sinks that have none, placed before the events about to be
    /// inserted (after every event there is now).
    static func subscribe(_ db: Database, _ subscription: NotificationSubscription?) throws {
        guard let subscription, !subscription.sinks.isEmpty else { return }
        let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(sequence), 0) FROM events")) ?? 0
        for sink in subscription.sinks {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO notification_sinks (id, definition) VALUES (?, ?)")
                .execute(arguments: [sink.id, Codec.json(subscription.storedDefinition(of: sink))])
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO notification_cursors (sink_id, stack_id, project_id, after_sequence) VALUES (?, ?, ?, ?)
                """).execute(arguments: [sink.id, subscription.stackID, subscription.projectID, last])
        }
    }

    /// Outbox rows (autoscaling notifications), each after the last event of its stack so far.
    static func insertNotifications(_ db: Database, _ notifications: [OutboxNotification]) throws {
        for notification in notifications {
            let after = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE stack_id = ?"),
                arguments: [notification.stackID]) ?? 0
            try insertRow(db, notification, afterEvent: after)
        }
    }

    private static func insertRow(_ db: Database, _ notification: OutboxNotification, afterEvent: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO notifications (id, sink_id, stack_id, project_id, event_type, body, created_at, state, attempts,
            next_attempt, last_error, after_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                notification.id, notification.sinkID, notification.stackID, notification.projectID, notification.eventType,
                Codec.json(notification.body), Codec.seconds(notification.createdAt), notification.state.rawValue,
                notification.attempts, Codec.seconds(notification.nextAttempt), notification.lastError, afterEvent,
            ])
    }

    public func notificationHeads() async throws -> [NotificationHead] {
        try await read { db in
            var heads: [String: NotificationHead] = [:]
            let cursors = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT c.sink_id, c.stack_id, c.next_attempt FROM notification_cursors c
                WHERE EXISTS (SELECT 1 FROM events e WHERE e.stack_id = c.stack_id AND e.sequence > c.after_sequence)
                """))
            while let row = try cursors.next() {
                let head = NotificationHead(
                    sinkID: try row.column(0), stackID: try row.column(1), nextAttempt: Codec.date(try row.column(2, as: Double.self)))
                heads[head.sinkID + "\u{0}" + head.stackID] = head
            }
            // SQLite gives the bare column next_attempt from the row holding MIN(sequence).
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT sink_id, stack_id, MIN(sequence), next_attempt FROM notifications
                WHERE state = 'pending' GROUP BY sink_id, stack_id
                """))
            while let row = try rows.next() {
                let head = NotificationHead(
                    sinkID: try row.column(0), stackID: try row.column(1), nextAttempt: Codec.date(try row.column(3, as: Double.self)))
                let key = head.sinkID + "\u{0}" + head.stackID
                // A queue of both waits for the later: a failed head (event or row) holds all behind it.
                if let known = heads[key] {
                    heads[key]?.nextAttempt = max(known.nextAttempt, head.nextAttempt)
                } else {
                    heads[key] = head
                }
            }
            return Array(heads.values)
        }
    }

    public func notificationCursor(sinkID: String, stackID: String) async throws -> NotificationCursor? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT sink_id, stack_id, project_id, after_sequence, attempts, next_attempt, last_error
                    FROM notification_cursors WHERE sink_id = ? AND stack_id = ?
                    """),
                arguments: [sinkID, stackID]
            ).map(Self.cursor)
        }
    }

    private static func cursor(_ row: Row) throws -> NotificationCursor {
        NotificationCursor(
            sinkID: try row.column(0), stackID: try row.column(1), projectID: try row.column(2),
            afterSequence: try row.column(3), attempts: try row.column(4),
            nextAttempt: Codec.date(try row.column(5, as: Double.self)), lastError: try row.column(6))
    }

    public func saveNotificationCursor(_ cursor: NotificationCursor) async throws {
        try await write { db in try Self.save(db, cursor) }
    }

    private static func save(_ db: Database, _ cursor: NotificationCursor) throws {
        try db.cachedStatement(sql: """
            UPDATE notification_cursors SET after_sequence = MAX(after_sequence, ?), attempts = ?, next_attempt = ?,
            last_error = ? WHERE sink_id = ? AND stack_id = ?
            """).execute(arguments: [
                cursor.afterSequence, cursor.attempts, Codec.seconds(cursor.nextAttempt), cursor.lastError.map { String($0.prefix(1000)) },
                cursor.sinkID, cursor.stackID,
            ])
    }

    public func deadLetter(_ notification: OutboxNotification, cursor: NotificationCursor?) async throws {
        try await write { db in
            if let sequence = notification.sequence {
                try db.execute(
                    sql: "UPDATE notifications SET state = 'failed', attempts = ?, last_error = ? WHERE sequence = ?",
                    arguments: [notification.attempts, notification.lastError.map { String($0.prefix(1000)) }, sequence])
            } else {
                var failed = notification
                failed.state = .failed
                failed.lastError = notification.lastError.map { String($0.prefix(1000)) }
                try Self.insertRow(db, failed, afterEvent: cursor?.afterSequence ?? 0)
            }
            if let cursor { try Self.save(db, cursor) }
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

    public func failedNotificationAttempt(sequence: Int64, attempts: Int, next: Date, error: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE notifications SET attempts = ?, next_attempt = ?, last_error = ? WHERE sequence = ?",
                arguments: [attempts, Codec.seconds(next), String(error.prefix(1000)), sequence])
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

    public func lastStackEvent(stackID: String, atOrBefore sequence: Int64) async throws -> EventRecord? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT sequence, id, resource_name, action, status, reason, timestamp FROM events
                    WHERE stack_id = ?1 AND sequence <= ?2 AND resource_type = 'OS::Heat::Stack' AND physical_resource_id = ?1
                    ORDER BY sequence DESC LIMIT 1
                    """),
                arguments: [stackID, sequence]) else { return nil }
            return EventRecord(
                sequence: try row.column(0), id: try row.column(1), stackID: stackID, resourceName: try row.column(2),
                physicalResourceID: stackID, resourceType: "OS::Heat::Stack", action: try Codec.action(row.column(3)),
                status: try Codec.status(row.column(4)), reason: try row.column(5),
                timestamp: Codec.date(try row.column(6, as: Double.self)))
        }
    }

    public func pendingEventNotifications(projectID: String?, limit: Int?) async throws -> [(EventRecord, NotificationCursor)] {
        try await read { db in
            var sql = """
                SELECT c.sink_id, c.stack_id, c.project_id, c.after_sequence, c.attempts, c.next_attempt, c.last_error,
                e.sequence, e.id, e.resource_name, e.physical_resource_id, e.resource_type, e.action, e.status, e.reason,
                e.timestamp FROM notification_cursors c JOIN events e ON e.stack_id = c.stack_id AND e.sequence > c.after_sequence
                """
            var arguments: StatementArguments = []
            if let projectID {
                sql += " WHERE c.project_id = ?"
                arguments += [projectID]
            }
            sql += " ORDER BY e.sequence LIMIT ?"
            arguments += [limit.map { max($0, 0) } ?? -1]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            var out: [(EventRecord, NotificationCursor)] = []
            while let row = try rows.next() {
                let cursor = try Self.cursor(row)
                out.append((
                    EventRecord(
                        sequence: try row.column(7), id: try row.column(8), stackID: cursor.stackID, resourceName: try row.column(9),
                        physicalResourceID: try row.column(10), resourceType: try row.column(11),
                        action: try Codec.action(row.column(12)), status: try Codec.status(row.column(13)),
                        reason: try row.column(14), timestamp: Codec.date(try row.column(15, as: Double.self))),
                    cursor))
            }
            return out
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
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications WHERE state = 'pending'") ?? 0
            let events = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM notification_cursors c JOIN events e ON e.stack_id = c.stack_id AND e.sequence > c.after_sequence
                """) ?? 0
            return rows + events
        }
    }

    public func finishNotifications(stackID: String) async throws {
        try await write { db in
            // A deleted stack (kept, readable by id, until purged by age) needs its cursors no more.
            try db.execute(sql: """
                DELETE FROM notification_cursors WHERE stack_id = ?1
                AND EXISTS (SELECT 1 FROM stacks WHERE id = ?1 AND action = 'DELETE' AND status = 'COMPLETE')
                AND NOT EXISTS (SELECT 1 FROM events e WHERE e.stack_id = ?1 AND e.sequence > notification_cursors.after_sequence)
                """, arguments: [stackID])
        }
    }

    /// Whether any stack of the family has events a sink has not had yet.
    static func undelivered(_ db: Database, family: String, id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            \(family)
            SELECT EXISTS (SELECT 1 FROM notification_cursors c WHERE c.stack_id IN family
                AND EXISTS (SELECT 1 FROM events e WHERE e.stack_id = c.stack_id AND e.sequence > c.after_sequence))
            OR EXISTS (SELECT 1 FROM notifications n WHERE n.stack_id IN family AND n.state = 'pending')
            """, arguments: [id]) ?? false
    }

    private static let notificationColumns = """
        sequence, id, sink_id, stack_id, project_id, event_type, body, created_at, state, attempts, next_attempt, last_error,
        after_event
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
                nextAttempt: Codec.date(try row.column(10, as: Double.self)), lastError: try row.column(11),
                afterEvent: try row.column(12)))
        }
        return out
    }
}
