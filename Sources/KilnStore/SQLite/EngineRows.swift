import Foundation
import GRDB

/// Engine heartbeats and work claims. Each write is one statement, so two engines racing for
/// one claim see exactly one success (SQLite has one writer).
extension SQLiteStore {
    public func heartbeat(_ engine: EngineRecord) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO engines (id, name, host, pid, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, host = excluded.host, pid = excluded.pid,
                    version = excluded.version, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
                    """
            ).execute(arguments: [
                engine.id, engine.name, engine.host, engine.pid, engine.version, Codec.seconds(engine.startedAt),
                Codec.seconds(engine.heartbeatAt),
            ])
        }
    }

    public func engines() async throws -> [EngineRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, name, host, pid, version, started_at, heartbeat_at FROM engines ORDER BY name, id")
            ).map { row in
                EngineRecord(
                    id: row[0], name: row[1], host: row[2], pid: row[3], version: row[4], startedAt: Codec.date(row[5] as Double),
                    heartbeatAt: Codec.date(row[6] as Double))
            }
        }
    }

    public func removeEngine(id: String) async throws {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM engines WHERE id = ?").execute(arguments: [id])
        }
    }

    public func claimWork(_ key: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO work_claims (key, owner, expiry) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, expiry = excluded.expiry
                    WHERE work_claims.owner = excluded.owner OR work_claims.expiry < ?
                    """
            ).execute(arguments: [key, owner, Codec.seconds(expiry), Codec.seconds(now)])
            return db.changesCount > 0
        }
    }

    public func releaseWork(_ key: String, owner: String) async throws {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM work_claims WHERE key = ? AND owner = ?").execute(arguments: [key, owner])
        }
    }
}
