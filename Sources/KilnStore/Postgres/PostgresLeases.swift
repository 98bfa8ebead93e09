import Foundation
import KilnModel
import PostgresNIO

/// Operation leases: each is one UPDATE of the stack's row, whose row lock makes two engines
/// claiming the same stack change it one after the other (the second sees the first's owner).
extension PostgresStore {
    public func claim(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await write { db, log in
            try await db.count(
                """
                UPDATE stacks SET owner = \(owner), lease_expiry = \(Codec.seconds(expiry)), cancel_request = NULL
                WHERE id = \(stackID) AND (owner IS NULL OR owner = \(owner) OR lease_expiry IS NULL
                OR lease_expiry < \(Codec.seconds(now))) RETURNING 1
                """, log) > 0
        }
    }

    public func takeOver(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await write { db, log in
            try await db.count(
                """
                UPDATE stacks SET owner = \(owner), lease_expiry = \(Codec.seconds(expiry)), cancel_request = NULL
                WHERE id = (SELECT id FROM stacks WHERE id = \(stackID) AND status = 'IN_PROGRESS' AND (owner IS NULL
                OR owner = \(owner) OR lease_expiry IS NULL OR lease_expiry < \(Codec.seconds(now))) FOR UPDATE SKIP LOCKED)
                RETURNING 1
                """, log) > 0
        }
    }

    /// Renewal succeeds while `owner` is still the holder, even past expiry if nobody took over.
    public func renew(stackID: String, owner: String, until expiry: Date) async throws -> Bool {
        try await write { db, log in
            try await db.count(
                "UPDATE stacks SET lease_expiry = \(Codec.seconds(expiry)) WHERE id = \(stackID) AND owner = \(owner) RETURNING 1",
                log) > 0
        }
    }

    public func cancelRequest(stackID: String) async throws -> String? {
        try await read { db, log in
            try await db.rows("SELECT cancel_request FROM stacks WHERE id = \(stackID)", log).first?(0, String?.self) ?? nil
        }
    }

    public func release(stackID: String, owner: String) async throws {
        try await write { db, log in
            try await db.run("UPDATE stacks SET owner = NULL, lease_expiry = NULL WHERE id = \(stackID) AND owner = \(owner)", log)
        }
    }

    public func interruptedStacks(now: Date) async throws -> [StackRecord] {
        try await read { db, log in
            try await db.rows(
                """
                SELECT \(unescaped: Self.stackColumns) FROM stacks WHERE status = 'IN_PROGRESS'
                AND (owner IS NULL OR lease_expiry IS NULL OR lease_expiry < \(Codec.seconds(now))) ORDER BY created_at
                """, log
            ).map(Self.stackRecord)
        }
    }
}
