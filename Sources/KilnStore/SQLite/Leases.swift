import Foundation
import GRDB
import KilnModel

/// Operation leases: each is one atomic UPDATE, so of two processes claiming the same
/// stack exactly one changes the row.
extension SQLiteStore {
    public func claim(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE stacks SET owner = ?, lease_expiry = ?, cancel_request = NULL
                    WHERE id = ? AND (owner IS NULL OR owner = ? OR lease_expiry IS NULL OR lease_expiry < ?)
                    """
            ).execute(arguments: [owner, Codec.seconds(expiry), stackID, owner, Codec.seconds(now)])
            return db.changesCount > 0
        }
    }

    /// One writer: nobody else can be claiming the row at the same moment.
    public func takeOver(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE stacks SET owner = ?, lease_expiry = ?, cancel_request = NULL
                    WHERE id = ? AND status = 'IN_PROGRESS' AND (owner IS NULL OR owner = ? OR lease_expiry IS NULL OR lease_expiry < ?)
                    """
            ).execute(arguments: [owner, Codec.seconds(expiry), stackID, owner, Codec.seconds(now)])
            return db.changesCount > 0
        }
    }

    /// Renewal succeeds while `owner` is still the holder, even past expiry if nobody took over.
    public func renew(stackID: String, owner: String, until expiry: Date) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE stacks SET lease_expiry = ? WHERE id = ? AND owner = ?")
                .execute(arguments: [Codec.seconds(expiry), stackID, owner])
            return db.changesCount > 0
        }
    }

    public func cancelRequest(stackID: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT cancel_request FROM stacks WHERE id = ?"), arguments: [stackID])
        }
    }

    public func release(stackID: String, owner: String) async throws {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE stacks SET owner = NULL, lease_expiry = NULL WHERE id = ? AND owner = ?")
                .execute(arguments: [stackID, owner])
        }
    }

    public func interruptedStacks(now: Date) async throws -> [StackRecord] {
        try await read { db in
            try Self.fetchStacks(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.stackColumns) FROM stacks WHERE status = 'IN_PROGRESS'
                        AND (owner IS NULL OR lease_expiry IS NULL OR lease_expiry < ?) ORDER BY created_at
                        """),
                [Codec.seconds(now)])
        }
    }
}
