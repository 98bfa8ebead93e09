import Foundation
import Logging
import KilnModel
import PostgresNIO

/// Stacks: creation with their template, look-ups, and purging with everything they own.
extension PostgresStore {
    static let stackColumns = SQLiteStore.stackColumns

    /// Stack names are unique per project among top-level stacks only, which no index can say:
    /// createStack takes a transaction advisory lock on (project, name), so two engines
    /// creating the same name one after the other see each other's row.
    public func createStack(
        _ stack: StackRecord, template: TemplateRecord, events: [EventRecord], subscription: NotificationSubscription?
    ) async throws -> StackRecord {
        try await write { db, log in
            if stack.parentID == nil {
                // (A hash collision only makes two creates wait for each other.)
                let key = stack.projectID + "\n" + stack.name
                try await db.run("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", log)
                if try await Self.topLevelStackExists(db, log, name: stack.name, projectID: stack.projectID) {
                    throw StoreError("stack '\(stack.name)' already exists")
                }
            }
            var stored = stack
            stored.templateID = try await Self.saveTemplate(db, log, template)
            try await Self.insertStack(db, log, stored)
            try await Self.subscribe(db, log, subscription)
            try await Self.insertEvents(db, log, events)
            return stored
        }
    }

    public func stack(id: String) async throws -> StackRecord? {
        try await read { db, log in
            try await db.rows("SELECT \(unescaped: Self.stackColumns) FROM stacks WHERE id = \(id)", log).map(Self.stackRecord).first
        }
    }

    /// Top-level stacks first: nested stacks may share a name with them.
    public func stack(named name: String, projectID: String) async throws -> StackRecord? {
        try await read { db, log in
            try await db.rows(
                """
                SELECT \(unescaped: Self.stackColumns) FROM stacks
                WHERE project_id = \(projectID) AND name = \(name) AND NOT (action = 'DELETE' AND status = 'COMPLETE')
                ORDER BY parent_id IS NOT NULL, created_at DESC LIMIT 1
                """, log
            ).map(Self.stackRecord).first
        }
    }

    public func stackCounts() async throws -> [String: Int] {
        try await read { db, log in
            var counts: [String: Int] = [:]
            for row in try await db.rows(
                "SELECT action, status, COUNT(*) FROM stacks WHERE parent_id IS NULL GROUP BY action, status", log)
            {
                counts["\(try row(0, String.self))_\(try row(1, String.self))"] = try row(2, Int.self)
            }
            return counts
        }
    }

    public func childStacks(of parentID: String) async throws -> [StackRecord] {
        try await read { db, log in
            try await db.rows(
                "SELECT \(unescaped: Self.stackColumns) FROM stacks WHERE parent_id = \(parentID) ORDER BY created_at", log
            ).map(Self.stackRecord)
        }
    }

    public func purgeStack(id: String) async throws {
        try await write { db, log in try await Self.purge(db, log, id: id) }
    }

    public func purgeDeletedStacks(before cutoff: Date) async throws -> Int {
        try await write { db, log in
            // Deleted stacks whose parent is not also deleted (a family is purged from its top).
            let ids = try await db.rows(
                """
                SELECT s.id FROM stacks s LEFT JOIN stacks p ON p.id = s.parent_id
                WHERE s.action = 'DELETE' AND s.status = 'COMPLETE' AND COALESCE(s.updated_at, s.created_at) < \(Codec.seconds(cutoff))
                AND (p.id IS NULL OR NOT (p.action = 'DELETE' AND p.status = 'COMPLETE'))
                """, log
            ).map { try $0(0, String.self) }
            var purged = 0
            for id in ids {
                try await Self.purge(db, log, id: id)
                if try await db.rows("SELECT 1 FROM stacks WHERE id = \(id)", log).isEmpty { purged += 1 }
            }
            return purged
        }
    }

    /// The stack and its nested stacks, as a WITH clause naming `family`; `$1` is the stack's id.
    static let family = """
        WITH RECURSIVE family(id) AS (
            SELECT id FROM stacks WHERE id = $1
            UNION SELECT stacks.id FROM stacks JOIN family ON stacks.parent_id = family.id
        )
        """

    /// Removes the stack and its nested stacks (resources, events and snapshots cascade), then
    /// the templates only they used, unless some of their events are not yet delivered to a sink.
    static func purge(_ db: PostgresConnection, _ log: Logger, id: String) async throws {
        guard try await !undelivered(db, log, id: id) else { return }
        var binds = PostgresBindings()
        binds.append(id)
        let templateIDs = try await db.rows(
            PostgresQuery(
                unsafeSQL: """
                    \(family)
                    SELECT template_id FROM stacks WHERE id IN (SELECT id FROM family) AND template_id IS NOT NULL
                    UNION SELECT previous_template_id FROM stacks WHERE id IN (SELECT id FROM family)
                        AND previous_template_id IS NOT NULL
                    UNION SELECT template_id FROM snapshots WHERE stack_id IN (SELECT id FROM family) AND template_id IS NOT NULL
                    """, binds: binds), log
        ).map { try $0(0, Int64.self) }
        try await db.run(
            PostgresQuery(
                unsafeSQL: "\(family) DELETE FROM notification_cursors WHERE stack_id IN (SELECT id FROM family)", binds: binds),
            log)
        try await db.run(PostgresQuery(unsafeSQL: "\(family) DELETE FROM stacks WHERE id IN (SELECT id FROM family)", binds: binds), log)
        // Only templates these stacks used: one saved for an update in flight is not ours to remove.
        for templateID in Set(templateIDs) {
            try await db.run(
                """
                DELETE FROM templates WHERE id = \(templateID)
                AND NOT EXISTS (SELECT 1 FROM stacks WHERE template_id = \(templateID) OR previous_template_id = \(templateID))
                AND NOT EXISTS (SELECT 1 FROM snapshots WHERE template_id = \(templateID))
                """, log)
        }
    }

    static func topLevelStackExists(_ db: PostgresConnection, _ log: Logger, name: String, projectID: String) async throws -> Bool {
        try await !db.rows(
            """
            SELECT 1 FROM stacks WHERE project_id = \(projectID) AND name = \(name) AND parent_id IS NULL
            AND NOT (action = 'DELETE' AND status = 'COMPLETE') LIMIT 1
            """, log
        ).isEmpty
    }

    static func insertStack(_ db: PostgresConnection, _ log: Logger, _ stack: StackRecord) async throws {
        try await db.run(
            """
            INSERT INTO stacks (\(unescaped: stackColumns)) VALUES (\(stack.id), \(stack.name), \(stack.projectID),
            \(stack.action.rawValue), \(stack.status.rawValue), \(stack.statusReason), \(stack.templateID),
            \(stack.previousTemplateID), \(Codec.json(stack.parameters)), \(Codec.json(stack.tags)),
            \(stack.timeoutMinutes), \(stack.disableRollback), \(stack.parentID), \(stack.parentResource),
            \(Codec.seconds(stack.createdAt)), \(Codec.seconds(stack.updatedAt)), \(stack.owner),
            \(Codec.seconds(stack.leaseExpiry)))
            """, log)
    }

    /// Writes a stack's state. The lease (owner, expiry) is left alone: only claim, renew and
    /// release change it, so a commit with a stale copy cannot undo a takeover.
    static func updateStack(_ db: PostgresConnection, _ log: Logger, _ stack: StackRecord) async throws {
        let changed = try await db.count(
            """
            UPDATE stacks SET name = \(stack.name), project_id = \(stack.projectID), action = \(stack.action.rawValue),
            status = \(stack.status.rawValue), status_reason = \(stack.statusReason), template_id = \(stack.templateID),
            previous_template_id = \(stack.previousTemplateID), parameters = \(Codec.json(stack.parameters)),
            tags = \(Codec.json(stack.tags)), timeout_minutes = \(stack.timeoutMinutes),
            disable_rollback = \(stack.disableRollback), parent_id = \(stack.parentID),
            parent_resource = \(stack.parentResource), created_at = \(Codec.seconds(stack.createdAt)),
            updated_at = \(Codec.seconds(stack.updatedAt))
            WHERE id = \(stack.id) RETURNING 1
            """, log)
        if changed == 0 { throw StoreError("stack \(stack.id) does not exist") }
    }

    /// Decodes a row selected with `stackColumns`.
    static func stackRecord(_ row: PostgresCells) throws -> StackRecord {
        let id = try row(0, String.self)
        let what = "stack \(id)"
        return StackRecord(
            id: id,
            name: try row(1),
            projectID: try row(2),
            action: try Codec.action(row(3)),
            status: try Codec.status(row(4)),
            statusReason: try row(5),
            templateID: try row(6, Int64?.self),
            previousTemplateID: try row(7, Int64?.self),
            parameters: try Codec.stringMap(row(8), "parameters of \(what)"),
            tags: try Codec.strings(row(9), "tags of \(what)"),
            timeoutMinutes: try row(10, Int?.self),
            disableRollback: try row(11, Bool.self),
            parentID: try row(12, String?.self),
            parentResource: try row(13, String?.self),
            createdAt: Codec.date(try row(14, Double.self)),
            updatedAt: Codec.date(try row(15, Double?.self)),
            owner: try row(16, String?.self),
            leaseExpiry: Codec.date(try row(17, Double?.self))
        )
    }
}
