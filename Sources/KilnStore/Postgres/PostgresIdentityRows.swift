import Foundation
import Logging
import PostgresNIO

/// The built-in identity on PostgreSQL (see `IdentityRegistry`), the same rows as SQLite's.
extension PostgresStore {
    /// "IDEN" as a number: the transaction advisory lock engines importing an identity take, so
    /// one imports and the others find the users there.
    static let identityImportLock: Int64 = 0x4944_454E

    public func identityProjects() async throws -> [IdentityProjectRecord] {
        try await read { db, log in
            try await db.rows("SELECT id, name, domain_id FROM identity_projects ORDER BY name, id", log).map { row in
                IdentityProjectRecord(id: try row(0), name: try row(1), domainID: try row(2))
            }
        }
    }

    public func identityUsers() async throws -> [IdentityUserRecord] {
        try await read { db, log in
            var roles: [String: [String: [String]]] = [:]
            for row in try await db.rows("SELECT user_id, project_id, role FROM identity_roles ORDER BY position", log) {
                roles[try row(0, String.self), default: [:]][try row(1, String.self), default: []].append(try row(2))
            }
            return try await db.rows(
                "SELECT id, name, domain_id, password_hash, failed_sign_ins, locked_until FROM identity_users ORDER BY name, id", log
            ).map { row in
                let id: String = try row(0)
                return IdentityUserRecord(
                    id: id, name: try row(1), domainID: try row(2), passwordHash: try row(3), roles: roles[id] ?? [:],
                    signIn: SignInState(failures: try row(4, Int.self), lockedUntil: Codec.date(try row(5, Double?.self))))
            }
        }
    }

    public func importIdentity(projects: [IdentityProjectRecord], users: [IdentityUserRecord]) async throws -> Bool {
        try await write { db, log in
            try await db.run("SELECT pg_advisory_xact_lock(\(Self.identityImportLock))", log)
            guard try await db.count("SELECT 1 FROM identity_users LIMIT 1", log) == 0 else { return false }
            for project in projects { try await Self.upsert(project, db, log) }
            for user in users { try await Self.upsert(user, db, log) }
            return true
        }
    }

    public func saveIdentityProject(_ project: IdentityProjectRecord) async throws {
        try await write { db, log in try await Self.upsert(project, db, log) }
    }

    public func saveIdentityUser(_ user: IdentityUserRecord) async throws {
        try await write { db, log in try await Self.upsert(user, db, log) }
    }

    public func replacePasswordHash(userID: String, old: String, new: String) async throws -> Bool {
        try await write { db, log in
            try await db.count(
                "UPDATE identity_users SET password_hash = \(new) WHERE id = \(userID) AND password_hash = \(old) RETURNING 1", log) > 0
        }
    }

    public func recordSignInFailure(userID: String, now: Date, limit: Int, lockFor: TimeInterval) async throws -> SignInState {
        try await write { db, log in
            guard let row = try await db.rows(
                "SELECT failed_sign_ins, locked_until FROM identity_users WHERE id = \(userID) FOR UPDATE", log).first
            else { return SignInState() }
            let next = SignInState(failures: try row(0, Int.self), lockedUntil: Codec.date(try row(1, Double?.self)))
                .failing(now: now, limit: limit, lockFor: lockFor)
            try await db.run(
                """
                UPDATE identity_users SET failed_sign_ins = \(next.failures), locked_until = \(Codec.seconds(next.lockedUntil))
                WHERE id = \(userID)
                """, log)
            return next
        }
    }

    public func clearSignInFailures(userID: String) async throws {
        try await write { db, log in
            try await db.run("UPDATE identity_users SET failed_sign_ins = 0, locked_until = NULL WHERE id = \(userID)", log)
        }
    }

    public func tokenKeys() async throws -> [TokenKeyRecord] {
        try await read { db, log in
            try await db.rows("SELECT id, secret, created_at, retired_at FROM token_keys ORDER BY created_at DESC, id", log).map { row in
                TokenKeyRecord(
                    id: try row(0), secret: try row(1), createdAt: Codec.date(try row(2, Double.self)),
                    retiredAt: Codec.date(try row(3, Double?.self)))
            }
        }
    }

    public func addTokenKey(_ key: TokenKeyRecord, retiringOthers: Bool, now: Date, dropRetiredBefore: Date) async throws {
        try await write { db, log in
            if retiringOthers {
                try await db.run("UPDATE token_keys SET retired_at = \(Codec.seconds(now)) WHERE retired_at IS NULL", log)
            }
            try await db.run("DELETE FROM token_keys WHERE retired_at < \(Codec.seconds(dropRetiredBefore))", log)
            try await db.run(
                """
                INSERT INTO token_keys (id, secret, created_at, retired_at)
                VALUES (\(key.id), \(key.secret), \(Codec.seconds(key.createdAt)), \(Codec.seconds(key.retiredAt)))
                """, log)
        }
    }

    private static func upsert(_ project: IdentityProjectRecord, _ db: PostgresConnection, _ log: Logger) async throws {
        try await db.run(
            """
            INSERT INTO identity_projects (id, name, domain_id) VALUES (\(project.id), \(project.name), \(project.domainID))
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, domain_id = excluded.domain_id
            """, log)
    }

    private static func upsert(_ user: IdentityUserRecord, _ db: PostgresConnection, _ log: Logger) async throws {
        try await db.run(
            """
            INSERT INTO identity_users (id, name, domain_id, password_hash, failed_sign_ins, locked_until)
            VALUES (\(user.id), \(user.name), \(user.domainID), \(user.passwordHash), \(user.signIn.failures),
            \(Codec.seconds(user.signIn.lockedUntil)))
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, domain_id = excluded.domain_id,
            password_hash = excluded.password_hash
            """, log)
        try await db.run("DELETE FROM identity_roles WHERE user_id = \(user.id)", log)
        var position = 0
        for (project, roles) in user.roles.sorted(by: { $0.key < $1.key }) {
            for role in roles {
                try await db.run(
                    """
                    INSERT INTO identity_roles (user_id, project_id, role, position) VALUES (\(user.id), \(project), \(role), \(position))
                    ON CONFLICT DO NOTHING
                    """, log)
                position += 1
            }
        }
    }
}
