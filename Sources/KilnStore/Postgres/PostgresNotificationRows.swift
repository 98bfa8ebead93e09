import Foundation
import Logging
import KilnModel
import PostgresNIO

/// Notifications: cursors over stacks' events per sink, outbox rows for notifications that
/// are not events, and dead letters, as SQLiteStore keeps them.
extension PostgresStore {
    /// Cursors for the stack's sinks that have none, placed after every event there is now.
    static func subscribe(_ db: PostgresConnection, _ log: Logger, _ subscription: NotificationSubscription?) async throws {
        guard let subscription, !subscription.sinks.isEmpty else { return }
        let last = try await db.rows("SELECT COALESCE(MAX(sequence), 0) FROM events", log).first?(0, Int64.self) ?? 0
        for sink in subscription.sinks {
            try await db.run(
                """
                INSERT INTO notification_sinks (id, definition) VALUES (\(sink.id), \(Codec.json(subscription.storedDefinition(of: sink))))
                ON CONFLICT DO NOTHING
                """, log)
            try await db.run(
                """
                INSERT INTO notification_cursors (sink_id, stack_id, project_id, after_sequence)
                VALUES (\(sink.id), \(subscription.stackID), \(subscription.projectID), \(last)) ON CONFLICT DO NOTHING
                """, log)
        }
    }

    /// Outbox rows (autoscaling notifications), each after the last event of its stack so far.
    static func insertNotifications(_ db: PostgresConnection, _ log: Logger, _ notifications: [OutboxNotification]) async throws {
        for notification in notifications {
            let after = try await db.rows(
                "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE stack_id = \(notification.stackID)", log
            ).first?(0, Int64.self) ?? 0
            try await insertRow(db, log, notification, afterEvent: after)
        }
    }

    private static func insertRow(
        _ db: PostgresConnection, _ log: Logger, _ n: OutboxNotification, afterEvent: Int64
    ) async throws {
        try await db.run(
            """
            INSERT INTO notifications (id, sink_id, stack_id, project_id, event_type, body, created_at, state, attempts,
            next_attempt, last_error, after_event) VALUES (\(n.id), \(n.sinkID), \(n.stackID), \(n.projectID), \(n.eventType),
            \(Codec.json(n.body)), \(Codec.seconds(n.createdAt)), \(n.state.rawValue), \(n.attempts),
            \(Codec.seconds(n.nextAttempt)), \(n.lastError), \(afterEvent))
            """, log)
    }

    public func notificationHeads() async throws -> [NotificationHead] {
        try await read { db, log in
            var heads: [String: NotificationHead] = [:]
            for row in try await db.rows(
                """
                SELECT c.sink_id, c.stack_id, c.next_attempt FROM notification_cursors c
                WHERE EXISTS (SELECT 1 FROM events e WHERE e.stack_id = c.stack_id AND e.sequence > c.after_sequence)
                """, log)
            {
                let head = NotificationHead(sinkID: try row(0), stackID: try row(1), nextAttempt: Codec.date(try row(2, Double.self)))
                heads[head.sinkID + "\u{0}" + head.stackID] = head
            }
            for row in try await db.rows(
                """
                SELECT DISTINCT ON (sink_id, stack_id) sink_id, stack_id, next_attempt FROM notifications
                WHERE state = 'pending' ORDER BY sink_id, stack_id, sequence
                """, log)
            {
                let head = NotificationHead(sinkID: try row(0), stackID: try row(1), nextAttempt: Codec.date(try row(2, Double.self)))
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

    private static let cursorColumns = "sink_id, stack_id, project_id, after_sequence, attempts, next_attempt, last_error"

    public func notificationCursor(sinkID: String, stackID: String) async throws -> NotificationCursor? {
        try await read { db, log in
            try await db.rows(
                """
                SELECT \(unescaped: Self.cursorColumns) FROM notification_cursors
                WHERE sink_id = \(sinkID) AND stack_id = \(stackID)
                """, log
            ).map(Self.cursor).first
        }
    }

    private static func cursor(_ row: PostgresCells) throws -> NotificationCursor {
        NotificationCursor(
            sinkID: try row(0), stackID: try row(1), projectID: try row(2), afterSequence: try row(3, Int64.self),
            attempts: try row(4, Int.self), nextAttempt: Codec.date(try row(5, Double.self)), lastError: try row(6, String?.self))
    }

    public func saveNotificationCursor(_ cursor: NotificationCursor) async throws {
        try await write { db, log in try await Self.save(db, log, cursor) }
    }

    private static func save(_ db: PostgresConnection, _ log: Logger, _ c: NotificationCursor) async throws {
        try await db.run(
            """
            UPDATE notification_cursors SET after_sequence = GREATEST(after_sequence, \(c.afterSequence)),
            attempts = \(c.attempts), next_attempt = \(Codec.seconds(c.nextAttempt)),
            last_error = \(c.lastError.map { String($0.prefix(1000)) }) WHERE sink_id = \(c.sinkID) AND stack_id = \(c.stackID)
            """, log)
    }

    public func deadLetter(_ notification: OutboxNotification, cursor: NotificationCursor?) async throws {
        try await write { db, log in
            let error = notification.lastError.map { String($0.prefix(1000)) }
            if let sequence = notification.sequence {
                try await db.run(
                    """
                    UPDATE notifications SET state = 'failed', attempts = \(notification.attempts), last_error = \(error)
                    WHERE sequence = \(sequence)
                    """, log)
            } else {
                var failed = notification
                failed.state = .failed
                failed.lastError = error
                try await Self.insertRow(db, log, failed, afterEvent: cursor?.afterSequence ?? 0)
            }
            if let cursor { try await Self.save(db, log, cursor) }
        }
    }

    public func pendingNotifications(sinkID: String, stackID: String, limit: Int) async throws -> [OutboxNotification] {
        try await read { db, log in
            try await db.rows(
                """
                SELECT \(unescaped: Self.notificationColumns) FROM notifications
                WHERE sink_id = \(sinkID) AND stack_id = \(stackID) AND state = 'pending' ORDER BY sequence LIMIT \(max(1, limit))
                """, log
            ).map(Self.notification)
        }
    }

    public func notificationSinks() async throws -> [String: EventSink] {
        try await read { db, log in
            var sinks: [String: EventSink] = [:]
            for row in try await db.rows("SELECT id, definition FROM notification_sinks", log) {
                if let sink = EventSink(try Codec.value(try row(1), "notification sink")) { sinks[try row(0)] = sink }
            }
            return sinks
        }
    }

    public func deliveredNotifications(sequences: [Int64]) async throws {
        guard !sequences.isEmpty else { return }
        try await write { db, log in
            try await db.run("DELETE FROM notifications WHERE sequence = ANY(\(sequences))", log)
        }
    }

    public func failedNotificationAttempt(sequence: Int64, attempts: Int, next: Date, error: String) async throws {
        try await write { db, log in
            try await db.run(
                """
                UPDATE notifications SET attempts = \(attempts), next_attempt = \(Codec.seconds(next)),
                last_error = \(String(error.prefix(1000))) WHERE sequence = \(sequence)
                """, log)
        }
    }

    public func notifications(failedOnly: Bool, projectID: String?, limit: Int?) async throws -> [OutboxNotification] {
        try await read { db, log in
            var sql = PostgresSQL("SELECT \(Self.notificationColumns) FROM notifications WHERE TRUE")
            if failedOnly { sql.text += " AND state = 'failed'" }
            if let projectID { sql.text += " AND project_id = \(sql.bind(projectID))" }
            sql.text += " ORDER BY sequence"
            if let limit { sql.text += " LIMIT \(sql.bind(max(limit, 0)))" }
            return try await db.rows(sql.query, log).map(Self.notification)
        }
    }

    public func lastStackEvent(stackID: String, atOrBefore sequence: Int64) async throws -> EventRecord? {
        try await read { db, log in
            guard let row = try await db.rows(
                """
                SELECT sequence, id, resource_name, action, status, reason, timestamp FROM events
                WHERE stack_id = \(stackID) AND sequence <= \(sequence) AND resource_type = 'OS::Heat::Stack'
                AND physical_resource_id = \(stackID) ORDER BY sequence DESC LIMIT 1
                """, log
            ).first else { return nil }
            return EventRecord(
                sequence: try row(0, Int64.self), id: try row(1), stackID: stackID, resourceName: try row(2),
                physicalResourceID: stackID, resourceType: "OS::Heat::Stack", action: try Codec.action(row(3)),
                status: try Codec.status(row(4)), reason: try row(5), timestamp: Codec.date(try row(6, Double.self)))
        }
    }

    public func pendingEventNotifications(projectID: String?, limit: Int?) async throws -> [(EventRecord, NotificationCursor)] {
        try await read { db, log in
            var sql = PostgresSQL(
                """
                SELECT c.sink_id, c.stack_id, c.project_id, c.after_sequence, c.attempts, c.next_attempt, c.last_error,
                e.sequence, e.id, e.resource_name, e.physical_resource_id, e.resource_type, e.action, e.status, e.reason,
                e.timestamp FROM notification_cursors c JOIN events e ON e.stack_id = c.stack_id AND e.sequence > c.after_sequence
                """)
            if let projectID { sql.text += " WHERE c.project_id = \(sql.bind(projectID))" }
            sql.text += " ORDER BY e.sequence"
            if let limit { sql.text += " LIMIT \(sql.bind(max(limit, 0)))" }
            return try await db.rows(sql.query, log).map { row in
                let cursor = try Self.cursor(row)
                return (
                    EventRecord(
                        sequence: try row(7, Int64.self), id: try row(8), stackID: cursor.stackID, resourceName: try row(9),
                        physicalResourceID: try row(10), resourceType: try row(11), action: try Codec.action(row(12)),
                        status: try Codec.status(row(13)), reason: try row(14), timestamp: Codec.date(try row(15, Double.self))),
                    cursor
                )
            }
        }
    }

    public func retryNotification(_ id: String, projectID: String?) async throws -> Int {
        try await write { db, log in
            var sql = PostgresSQL()
            sql.text = """
                UPDATE notifications SET state = 'pending', attempts = 0, next_attempt = \(sql.bind(Date().timeIntervalSince1970))
                WHERE state = 'failed' AND (id = \(sql.bind(id)) OR CAST(sequence AS TEXT) = \(sql.bind(id)))
                """
            if let projectID { sql.text += " AND project_id = \(sql.bind(projectID))" }
            sql.text += " RETURNING 1"
            return try await db.count(sql.query, log)
        }
    }

    public func pendingNotificationCount() async throws -> Int {
        try await read { db, log in
            let rows = try await db.rows("SELECT COUNT(*) FROM notifications WHERE state = 'pending'", log).first?(0, Int.self) ?? 0
            let events = try await db.rows(
                """
                SELECT COUNT(*) FROM notification_cursors c JOIN events e ON e.stack_id = c.stack_id AND e.sequence > c.after_sequence
                """, log
            ).first?(0, Int.self) ?? 0
            return rows + events
        }
    }

    public func finishNotifications(stackID: String) async throws {
        try await write { db, log in
            // A deleted stack (kept, readable by id, until purged by age) needs its cursors no more.
            try await db.run(
                """
                DELETE FROM notification_cursors WHERE stack_id = \(stackID)
                AND EXISTS (SELECT 1 FROM stacks WHERE id = \(stackID) AND action = 'DELETE' AND status = 'COMPLETE')
                AND NOT EXISTS (SELECT 1 FROM events e WHERE e.stack_id = \(stackID)
                    AND e.sequence > notification_cursors.after_sequence)
                """, log)
        }
    }

    /// Whether any stack of the family has events a sink has not had yet.
    static func undelivered(_ db: PostgresConnection, _ log: Logger, id: String) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(id)
        return try await db.rows(
            PostgresQuery(
                unsafeSQL: """
                    \(family)
                    SELECT EXISTS (SELECT 1 FROM notification_cursors c WHERE c.stack_id IN (SELECT id FROM family)
                        AND EXISTS (SELECT 1 FROM events e WHERE e.stack_id = c.stack_id AND e.sequence > c.after_sequence))
                    OR EXISTS (SELECT 1 FROM notifications n WHERE n.stack_id IN (SELECT id FROM family) AND n.state = 'pending')
                    """, binds: binds), log
        ).first?(0, Bool.self) ?? false
    }

    private static let notificationColumns = """
        sequence, id, sink_id, stack_id, project_id, event_type, body, created_at, state, attempts, next_attempt, last_error,
        after_event
        """

    private static func notification(_ row: PostgresCells) throws -> OutboxNotification {
        OutboxNotification(
            sequence: try row(0, Int64.self), id: try row(1), sinkID: try row(2), stackID: try row(3), projectID: try row(4),
            eventType: try row(5), body: try Codec.value(try row(6), "notification"),
            createdAt: Codec.date(try row(7, Double.self)),
            state: OutboxNotification.State(rawValue: try row(8)) ?? .pending, attempts: try row(9, Int.self),
            nextAttempt: Codec.date(try row(10, Double.self)), lastError: try row(11, String?.self),
            afterEvent: try row(12, Int64.self))
    }
}
