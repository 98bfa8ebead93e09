import Foundation
import GRDB
import KilnModel

/// Stacks: creation with their template, look-ups, and purging with everything they own.
extension SQLiteStore {
    static let stackColumns = """
        id, name, project_id, action, status, status_reason, template_id, previous_template_id, parameters, tags, \
        timeout_minutes, disable_rollback, parent_id, parent_resource, created_at, updated_at, owner, lease_expiry
        """

    public func createStack(
        _ stack: StackRecord, template: TemplateRecord, events: [EventRecord], subscription: NotificationSubscription?
    ) async throws -> StackRecord {
        try await write { db in
            if stack.parentID == nil, try Self.topLevelStackExists(db, name: stack.name, projectID: stack.projectID) {
                throw StoreError("stack '\(stack.name)' already exists")
            }
            var stored = stack
            stored.templateID = try Self.saveTemplate(db, template)
            try Self.insertStack(db, stored)
            try Self.subscribe(db, subscription)
            try Self.insertEvents(db, events)
            return stored
        }
    }

    public func stack(id: String) async throws -> StackRecord? {
        try await read { db in
            try Self.fetchStacks(db.cachedStatement(sql: "SELECT \(Self.stackColumns) FROM stacks WHERE id = ?"), [id]).first
        }
    }

    /// Top-level stacks first: nested stacks may share a name with them.
    public func stack(named name: String, projectID: String) async throws -> StackRecord? {
        try await read { db in
            try Self.fetchStacks(
                db.cachedStatement(
                    sql: """
                    SELECT \(Self.stackColumns) FROM stacks
                    WHERE project_id = ? AND name = ? AND NOT (action = 'DELETE' AND status = 'COMPLETE')
                    ORDER BY parent_id IS NOT NULL, created_at DESC LIMIT 1
                    """),
                [projectID, name]
            ).first
        }
    }

    public func stackCounts() async throws -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: "SELECT action, status, COUNT(*) FROM stacks WHERE parent_id IS NULL GROUP BY action, status"))
            while let row = try rows.next() {
                let action: String = row[0], status: String = row[1], count: Int = row[2]
                counts["\(action)_\(status)"] = count
            }
            return counts
        }
    }

    public func childStacks(of parentID: String) async throws -> [StackRecord] {
        try await read { db in
            try Self.fetchStacks(
                db.cachedStatement(
                    sql: """
                    SELECT \(Self.stackColumns) FROM stacks
                    WHERE parent_id = ? ORDER BY created_at
                    """),
                [parentID]
            )
        }
    }

    /// Deletes the stack and its nested stacks; resources, events and snapshots go with them
    /// (foreign keys cascade), then the templates only they used.
    public func purgeStack(id: String) async throws {
        try await write { db in try Self.purge(db, id: id) }
    }

    public func purgeDeletedStacks(before cutoff: Date) async throws -> Int {
        try await write { db in
            // Deleted stacks whose parent is not also deleted (a family is purged from its top).
            let ids = try String.fetchAll(db, sql: """
                SELECT s.id FROM stacks s LEFT JOIN stacks p ON p.id = s.parent_id
                WHERE s.action = 'DELETE' AND s.status = 'COMPLETE' AND COALESCE(s.updated_at, s.created_at) < ?
                AND (p.id IS NULL OR NOT (p.action = 'DELETE' AND p.status = 'COMPLETE'))
                """, arguments: [Codec.seconds(cutoff)])
            var purged = 0
            for id in ids {
                try Self.purge(db, id: id)
                if try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM stacks WHERE id = ?)", arguments: [id]) == true {
                    purged += 1
                }
            }
            return purged
        }
    }

    /// Removes the stack and its nested stacks, unless some of their events are not yet
    /// delivered to a sink: then it stays (deleted) until `finishNotifications` purges it.
    static func purge(_ db: Database, id: String) throws {
        let family = """
            WITH RECURSIVE family(id) AS (
                SELECT id FROM stacks WHERE id = ?
                UNION SELECT stacks.id FROM stacks JOIN family ON stacks.parent_id = family.id
            )
            """
        guard try !undelivered(db, family: family, id: id) else { return }
        let templateIDs = try Int64.fetchSet(
            db,
            sql: """
                \(family)
                SELECT template_id FROM stacks WHERE id IN family AND template_id IS NOT NULL
                UNION SELECT previous_template_id FROM stacks WHERE id IN family AND previous_template_id IS NOT NULL
                UNION SELECT template_id FROM snapshots WHERE stack_id IN family AND template_id IS NOT NULL
                """,
            arguments: [id])
        // Only templates these stacks used: one saved for an update in flight is not ours to remove.
        let unused = try db.cachedStatement(
            sql: """
                DELETE FROM templates WHERE id = ?1
                AND NOT EXISTS (SELECT 1 FROM stacks WHERE template_id = ?1 OR previous_template_id = ?1)
                AND NOT EXISTS (SELECT 1 FROM snapshots WHERE template_id = ?1)
                """)
        try db.execute(
            sql: "\(family) DELETE FROM notification_cursors WHERE stack_id IN family", arguments: [id])
        try db.execute(sql: "\(family) DELETE FROM stacks WHERE id IN family", arguments: [id])
        for templateID in templateIDs {
            try unused.execute(arguments: [templateID])
        }
    }

    static func topLevelStackExists(_ db: Database, name: String, projectID: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM stacks WHERE project_id = ? AND name = ? AND parent_id IS NULL
                AND NOT (action = 'DELETE' AND status = 'COMPLETE'))
                """,
            arguments: [projectID, name]) ?? false
    }

    static func insertStack(_ db: Database, _ stack: StackRecord) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO stacks (\(stackColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        try statement.execute(arguments: [
            stack.id, stack.name, stack.projectID, stack.action.rawValue, stack.status.rawValue, stack.statusReason,
            stack.templateID, stack.previousTemplateID, Codec.json(stack.parameters), Codec.json(stack.tags),
            stack.timeoutMinutes, stack.disableRollback, stack.parentID, stack.parentResource,
            Codec.seconds(stack.createdAt), Codec.seconds(stack.updatedAt), stack.owner,
            Codec.seconds(stack.leaseExpiry),
        ])
    }

    /// Writes a stack's state. The lease (owner, expiry) is left alone: only claim, renew
    /// and release change it, so a commit with a stale copy cannot undo a takeover.
    static func updateStack(_ db: Database, _ stack: StackRecord) throws {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE stacks SET name = ?, project_id = ?, action = ?, status = ?, status_reason = ?, template_id = ?,
                previous_template_id = ?, parameters = ?, tags = ?, timeout_minutes = ?, disable_rollback = ?,
                parent_id = ?, parent_resource = ?, created_at = ?, updated_at = ?
                WHERE id = ?
                """)
        try statement.execute(arguments: [
            stack.name, stack.projectID, stack.action.rawValue, stack.status.rawValue, stack.statusReason,
            stack.templateID, stack.previousTemplateID, Codec.json(stack.parameters), Codec.json(stack.tags),
            stack.timeoutMinutes, stack.disableRollback, stack.parentID, stack.parentResource,
            Codec.seconds(stack.createdAt), Codec.seconds(stack.updatedAt), stack.id,
        ])
        if db.changesCount == 0 {
            throw StoreError("stack \(stack.id) does not exist")
        }
    }

    static func fetchStacks(_ statement: Statement, _ arguments: StatementArguments) throws -> [StackRecord] {
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        var stacks: [StackRecord] = []
        while let row = try rows.next() {
            stacks.append(try stackRecord(row))
        }
        return stacks
    }

    /// Decodes a row selected with `stackColumns`.
    static func stackRecord(_ row: Row) throws -> StackRecord {
        let id: String = try row.column(0)
        let what = "stack \(id)"
        return StackRecord(
            id: id,
            name: try row.column(1),
            projectID: try row.column(2),
            action: try Codec.action(row.column(3)),
            status: try Codec.status(row.column(4)),
            statusReason: try row.column(5),
            templateID: try row.column(6),
            previousTemplateID: try row.column(7),
            parameters: try Codec.stringMap(row.column(8), "parameters of \(what)"),
            tags: try Codec.strings(row.column(9), "tags of \(what)"),
            timeoutMinutes: try row.column(10),
            disableRollback: try row.column(11),
            parentID: try row.column(12),
            parentResource: try row.column(13),
            createdAt: Codec.date(try row.column(14, as: Double.self)),
            updatedAt: Codec.date(try row.column(15, as: Double?.self)),
            owner: try row.column(16),
            leaseExpiry: Codec.date(try row.column(17, as: Double?.self))
        )
    }
}
