import Foundation
import PostgresNIO

/// Engine heartbeats, work claims and tokens on PostgreSQL. Each write is one statement: an
/// upsert whose conflict clause decides, so of two engines racing for one claim exactly one
/// sees its row changed (the row lock serializes them).
extension PostgresStore {
    public func heartbeat(_ engine: EngineRecord) async throws {
        try await controlWrite { db, log in
            try await db.run(
                """
                INSERT INTO engines (id, name, host, pid, version, started_at, heartbeat_at)
                VALUES (\(engine.id), \(engine.name), \(engine.host), \(engine.pid), \(engine.version),
                \(Codec.seconds(engine.startedAt)), \(Codec.seconds(engine.heartbeatAt)))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, host = excluded.host, pid = excluded.pid,
                version = excluded.version, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
                """, log)
        }
    }

    public func engines() async throws -> [EngineRecord] {
        try await read { db, log in
            try await db.rows("SELECT id, name, host, pid, version, started_at, heartbeat_at FROM engines ORDER BY name, id", log)
                .map { row in
                    EngineRecord(
                        id: try row(0), name: try row(1), host: try row(2), pid: try row(3, Int.self), version: try row(4),
                        startedAt: Codec.date(try row(5, Double.self)), heartbeatAt: Codec.date(try row(6, Double.self)))
                }
        }
    }

    public func removeEngine(id: String) async throws {
        try await write { db, log in try await db.run("DELETE FROM engines WHERE id = \(id)", log) }
    }

    public func claimWork(_ key: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await write { db, log in
            try await db.count(
                """
                INSERT INTO work_claims (key, owner, expiry) VALUES (\(key), \(owner), \(Codec.seconds(expiry)))
                ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expiry = excluded.expiry
                WHERE work_claims.owner = excluded.owner OR work_claims.expiry < \(Codec.seconds(now)) RETURNING 1
                """, log) > 0
        }
    }

    public func releaseWork(_ key: String, owner: String) async throws {
        try await write { db, log in try await db.run("DELETE FROM work_claims WHERE key = \(key) AND owner = \(owner)", log) }
    }

    public func saveToken(_ token: StoredToken) async throws {
        try await write { db, log in
            try await db.run(
                """
                INSERT INTO tokens (digest, body, issued_at, expires_at, revoked_at)
                VALUES (\(token.digest), \(token.body), \(Codec.seconds(token.issuedAt)), \(Codec.seconds(token.expiresAt)),
                \(Codec.seconds(token.revokedAt)))
                ON CONFLICT (digest) DO UPDATE SET body = excluded.body, issued_at = excluded.issued_at,
                expires_at = excluded.expires_at, revoked_at = excluded.revoked_at
                """, log)
        }
    }

    public func token(digest: String) async throws -> StoredToken? {
        try await read { db, log in
            try await db.rows("SELECT digest, body, issued_at, expires_at, revoked_at FROM tokens WHERE digest = \(digest)", log)
                .first.map { row in
                    StoredToken(
                        digest: try row(0), body: try row(1), issuedAt: Codec.date(try row(2, Double.self)),
                        expiresAt: Codec.date(try row(3, Double.self)), revokedAt: Codec.date(try row(4, Double?.self)))
                }
        }
    }

    public func revokeToken(digest: String) async throws {
        try await write { db, log in
            try await db.run(
                "UPDATE tokens SET revoked_at = \(Codec.seconds(Date())) WHERE digest = \(digest) AND revoked_at IS NULL", log)
        }
    }

    public func purgeTokens(expiredBefore cutoff: Date) async throws -> Int {
        try await write { db, log in
            try await db.count("DELETE FROM tokens WHERE expires_at < \(Codec.seconds(cutoff)) RETURNING 1", log)
        }
    }
}
