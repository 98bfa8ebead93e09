import Foundation
import GRDB

/// The built-in identity's projects, users, roles and token keys (see `IdentityRegistry`).
extension SQLiteStore {
    public func identityProjects() async throws -> [IdentityProjectRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, domain_id FROM identity_projects ORDER BY name, id").map { row in
                IdentityProjectRecord(id: row[0], name: row[1], domainID: row[2])
            }
        }
    }

    public func identityUsers() async throws -> [IdentityUserRecord] {
        try await read { db in
            var roles: [String: [String: [String]]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT user_id, project_id, role FROM identity_roles ORDER BY position") {
                roles[row[0] as String, default: [:]][row[1] as String, default: []].append(row[2])
            }
            return try Row.fetchAll(
                db, sql: "SELECT id, name, domain_id, password_hash, failed_sign_ins, locked_until FROM identity_users ORDER BY name, id"
            ).map { row in
                IdentityUserRecord(
                    id: row[0], name: row[1], domainID: row[2], passwordHash: row[3], roles: roles[row[0] as String] ?? [:],
                    signIn: SignInState(failures: row[4], lockedUntil: Codec.date(row[5] as Double?)))
            }
        }
    }

    public func importIdentity(projects: [IdentityProjectRecord], users: [IdentityUserRecord]) async throws -> Bool {
        try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM identity_users") == 0 else { return false }
            for project in projects { try Self.upsert(project, db) }
            for user in users { try Self.upsert(user, db) }
            return true
        }
    }

    public func saveIdentityProject(_ project: IdentityProjectRecord) async throws {
        try await write { db in try Self.upsert(project, db) }
    }

    public func saveIdentityUser(_ user: IdentityUserRecord) async throws {
        try await write { db in try Self.upsert(user, db) }
    }

    public func replacePasswordHash(userID: String, old: String, new: String) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE identity_users SET password_hash = ? WHERE id = ? AND password_hash = ?", arguments: [new, userID, old])
            return db.changesCount > 0
        }
    }

    public func recordSignInFailure(userID: String, now: Date, limit: Int, lockFor: TimeInterval) async throws -> SignInState {
        try await write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT failed_sign_ins, locked_until FROM identity_users WHERE id = ?", arguments: [userID])
            else { return SignInState() }
            let next = SignInState(failures: row[0], lockedUntil: Codec.date(row[1] as Double?))
                .failing(now: now, limit: limit, lockFor: lockFor)
            try db.execute(
                sql: "UPDATE identity_users SET failed_sign_ins = ?, locked_until = ? WHERE id = ?",
                arguments: [next.failures, Codec.seconds(next.lockedUntil), userID])
            return next
        }
    }

    public func clearSignInFailures(userID: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE identity_users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?", arguments: [userID])
        }
    }

    public func tokenKeys() async throws -> [TokenKeyRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, secret, created_at, retired_at FROM token_keys ORDER BY created_at DESC, id").map { row in
                TokenKeyRecord(id: row[0], secret: row[1], createdAt: Codec.date(row[2] as Double), retiredAt: Codec.date(row[3] as Double?))
            }
        }
    }

    public func addTokenKey(_ key: TokenKeyRecord, retiringOthers: Bool, now: Date, dropRetiredBefore: Date) async throws {
        try await write { db in
            if retiringOthers {
                try db.execute(sql: "UPDATE token_keys SET retired_at = ? WHERE retired_at IS NULL", arguments: [Codec.seconds(now)])
            }
            try db.execute(sql: "DELETE FROM token_keys WHERE retired_at < ?", arguments: [Codec.seconds(dropRetiredBefore)])
            try db.execute(
                sql: "INSERT INTO token_keys (id, secret, created_at, retired_at) VALUES (?, ?, ?, ?)",
                arguments: [key.id, key.secret, Codec.seconds(key.createdAt), Codec.seconds(key.retiredAt)])
        }
    }

    private static func upsert(_ project: IdentityProjectRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO identity_projects (id, name, domain_id) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, domain_id = excluded.domain_id
                """,
            arguments: [project.id, project.name, project.domainID])
    }

    private static func upsert(_ user: IdentityUserRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO identity_users (id, name, domain_id, password_hash, failed_sign_ins, locked_until)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, domain_id = excluded.domain_id,
                password_hash = excluded.password_hash
                """,
            arguments: [
                user.id, user.name, user.domainID, user.passwordHash, user.signIn.failures, Codec.seconds(user.signIn.lockedUntil),
            ])
        try db.execute(sql: "DELETE FROM identity_roles WHERE user_id = ?", arguments: [user.id])
        var position = 0
        for (project, roles) in user.roles.sorted(by: { $0.key < $1.key }) {
            for role in roles {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO identity_roles (user_id, project_id, role, position) VALUES (?, ?, ?, ?)",
                    arguments: [user.id, project, role, position])
                position += 1
            }
        }
    }
}
