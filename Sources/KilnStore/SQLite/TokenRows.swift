import Foundation
import GRDB

/// Tokens by digest.
extension SQLiteStore {
    public func saveToken(_ token: StoredToken) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO tokens (digest, body, issued_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [
                token.digest, token.body, Codec.seconds(token.issuedAt), Codec.seconds(token.expiresAt), Codec.seconds(token.revokedAt),
            ])
        }
    }

    public func token(digest: String) async throws -> StoredToken? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT digest, body, issued_at, expires_at, revoked_at FROM tokens WHERE digest = ?"),
                arguments: [digest]
            ).map { row in
                StoredToken(
                    digest: row[0], body: row[1], issuedAt: Codec.date(row[2] as Double), expiresAt: Codec.date(row[3] as Double),
                    revokedAt: Codec.date(row[4] as Double?))
            }
        }
    }

    public func revokeToken(digest: String) async throws {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL")
                .execute(arguments: [Codec.seconds(Date()), digest])
        }
    }

    public func purgeTokens(expiredBefore cutoff: Date) async throws -> Int {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM tokens WHERE expires_at < ?").execute(arguments: [Codec.seconds(cutoff)])
            return db.changesCount
        }
    }
}
