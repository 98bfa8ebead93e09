import Foundation

/// What several `kiln serve` engines sharing one database coordinate through it: who is alive
/// (heartbeat rows), which engine does a piece of background work now (work claims), and the
/// tokens they all honour. (Signing keys need nothing here: a scaling policy's pre-signed URL key
/// is in its resource's stored data and a webhook's secret in its sink's row, read alike by every
/// engine.) The database is the only shared part: no message bus, no engine talks to another.
///
/// Every method is one transaction. A PostgreSQL store implements them with the same meaning;
/// the SQLite ones are in `SQLite/EngineRows.swift` and `SQLite/TokenRows.swift`.
public protocol EngineRegistry: Sendable {
    // Membership
    /// Inserts or replaces the engine's row (by `id`): its latest heartbeat is `heartbeatAt`.
    func heartbeat(_ engine: EngineRecord) async throws
    /// Every engine that has written a heartbeat and not left, ordered by name then id; the
    /// caller judges which are alive (`EngineRecord.isAlive`).
    func engines() async throws -> [EngineRecord]
    /// Removes the engine's row (a clean shutdown, or forgetting an engine long dead).
    func removeEngine(id: String) async throws

    // Work claims: a named piece of background work (a notification queue, ...) done by one
    // engine at a time. Like a stack's operation lease, but not tied to a stack.
    /// Claims `key` for `owner` until `expiry` if it is unclaimed, already `owner`'s, or its claim
    /// expired at `now`; false when another owner holds it. Of two engines claiming at once
    /// exactly one succeeds.
    func claimWork(_ key: String, owner: String, until expiry: Date, now: Date) async throws -> Bool
    /// Gives the claim up if `owner` still holds it.
    func releaseWork(_ key: String, owner: String) async throws

    // Tokens issued by the built-in identity service, so every engine validates them. Stored by
    // the SHA-256 of their text, never the text itself.
    func saveToken(_ token: StoredToken) async throws
    /// The token with this digest, revoked or not (nil: unknown or purged).
    func token(digest: String) async throws -> StoredToken?
    /// Marks the token revoked, for every engine from the next validation on.
    func revokeToken(digest: String) async throws
    /// Deletes tokens (revoked or not) that expired before `cutoff`; the number deleted.
    func purgeTokens(expiredBefore cutoff: Date) async throws -> Int
}

/// One engine (one `kiln serve` process start), as its heartbeat row says.
public struct EngineRecord: Sendable, Equatable {
    /// Unique per process start (`kiln:HOST:PID:UUID`, the prefix of its operations' claims).
    public var id: String
    /// The operator's name for it (`--engine-name`, default `HOST-PID`): shown by the service
    /// list, in logs and in metrics.
    public var name: String
    public var host: String
    public var pid: Int
    /// Kiln's version the engine runs.
    public var version: String
    public var startedAt: Date
    public var heartbeatAt: Date

    public init(id: String, name: String, host: String, pid: Int, version: String, startedAt: Date, heartbeatAt: Date) {
        self.id = id
        self.name = name
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
    }

    /// Alive while its last heartbeat is at most `ttl` seconds old at `now`.
    public func isAlive(ttl: TimeInterval, now: Date) -> Bool {
        heartbeatAt.addingTimeInterval(ttl) >= now
    }
}

/// A token as stored: the SHA-256 (hex) of its text, what it grants as JSON the identity
/// service owns, and its life.
public struct StoredToken: Sendable, Equatable {
    public var digest: String
    /// The holder and scope (user, project, roles, ...), as JSON text; never the token's text.
    public var body: String
    public var issuedAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(digest: String, body: String, issuedAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.digest = digest
        self.body = body
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
