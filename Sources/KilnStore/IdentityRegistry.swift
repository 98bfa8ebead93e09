import Foundation

/// The built-in identity service's state in the database, so several `kiln serve` engines on
/// one database share it: users, projects and role assignments; each user's failed sign-ins
/// and lock (Keystone's lockout); the token keys (AES-GCM, rotated); and revoked token ids.
/// A user created through one engine can sign in through all; a token issued by one is
/// validated by all without a lookup (only its revocation is checked, by id).
///
/// Every method is one transaction; SQLite's in `SQLite/IdentityRows.swift`, PostgreSQL's in
/// `Postgres/PostgresIdentityRows.swift`, the same tables in both (migration `v7-identity`).
public protocol IdentityRegistry: Sendable {
    func identityProjects() async throws -> [IdentityProjectRecord]
    /// Every user with roles and sign-in state, ordered by name.
    func identityUsers() async throws -> [IdentityUserRecord]
    /// Inserts `projects` and `users` when the database has no user yet (the one-time import of
    /// an older HOME/identity.json, or a first start's admin); false when it already had users.
    /// Of engines importing at once, one imports and the others get false.
    func importIdentity(projects: [IdentityProjectRecord], users: [IdentityUserRecord]) async throws -> Bool
    /// Inserts or replaces a project (by id).
    func saveIdentityProject(_ project: IdentityProjectRecord) async throws
    /// Inserts or replaces a user (by id): name, domain, password hash and roles. Its sign-in
    /// failures and lock are kept as they are.
    func saveIdentityUser(_ user: IdentityUserRecord) async throws
    /// Replaces the user's password hash if it is still `old` (the re-hash at sign-in of an
    /// older, weaker hash); false when it changed meanwhile.
    func replacePasswordHash(userID: String, old: String, new: String) async throws -> Bool
    /// Counts a failed sign-in of the user at `now`: after `limit` failures in a row the user is
    /// locked until `now + lockFor`. Failures while locked are not counted. The state after it.
    func recordSignInFailure(userID: String, now: Date, limit: Int, lockFor: TimeInterval) async throws -> SignInState
    /// A successful sign-in: failures forgotten, an ended lock cleared.
    func clearSignInFailures(userID: String) async throws

    /// The token keys, newest first: the newest not retired issues, the others only validate.
    func tokenKeys() async throws -> [TokenKeyRecord]
    /// Adds `key`; with `retiringOthers`, every key not yet retired is retired at `now` (a
    /// rotation). Keys retired before `dropRetiredBefore` are deleted.
    func addTokenKey(_ key: TokenKeyRecord, retiringOthers: Bool, now: Date, dropRetiredBefore: Date) async throws

    /// Adds the token id to the revocation list until `expiresAt` (after that it is refused anyway).
    func revokeTokenID(_ id: String, expiresAt: Date, now: Date) async throws
    func isTokenRevoked(_ id: String) async throws -> Bool
    /// Deletes revocations of tokens that expired before `cutoff`.
    func purgeRevocations(expiredBefore cutoff: Date) async throws
}

/// The revocation list is the token table of `EngineRegistry`, keyed by token id (no body).
extension IdentityRegistry where Self: EngineRegistry {
    public func revokeTokenID(_ id: String, expiresAt: Date, now: Date) async throws {
        try await saveToken(StoredToken(digest: "revoked:" + id, body: "{}", issuedAt: now, expiresAt: expiresAt, revokedAt: now))
    }

    public func isTokenRevoked(_ id: String) async throws -> Bool {
        try await token(digest: "revoked:" + id) != nil
    }

    public func purgeRevocations(expiredBefore cutoff: Date) async throws {
        _ = try await purgeTokens(expiredBefore: cutoff)
    }
}

public struct IdentityProjectRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var domainID: String

    public init(id: String, name: String, domainID: String) {
        self.id = id
        self.name = name
        self.domainID = domainID
    }
}

public struct IdentityUserRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var domainID: String
    /// `pbkdf2-sha256$ITERATIONS$SALT$HASH`; never the password.
    public var passwordHash: String
    /// Role names by project id.
    public var roles: [String: [String]]
    public var signIn: SignInState

    public init(id: String, name: String, domainID: String, passwordHash: String, roles: [String: [String]],
                signIn: SignInState = SignInState()) {
        self.id = id
        self.name = name
        self.domainID = domainID
        self.passwordHash = passwordHash
        self.roles = roles
        self.signIn = signIn
    }
}

/// A user's failed sign-ins in a row and lock.
public struct SignInState: Sendable, Equatable {
    public var failures: Int
    public var lockedUntil: Date?

    public init(failures: Int = 0, lockedUntil: Date? = nil) {
        self.failures = failures
        self.lockedUntil = lockedUntil
    }

    public func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }

    /// The state after one more failure at `now` (both stores apply this inside their transaction).
    public func failing(now: Date, limit: Int, lockFor: TimeInterval) -> SignInState {
        if isLocked(at: now) { return self }
        // A lock that has ended starts the count again.
        let failures = (lockedUntil == nil ? self.failures : 0) + 1
        guard limit > 0, failures >= limit else { return SignInState(failures: failures, lockedUntil: nil) }
        return SignInState(failures: failures, lockedUntil: now.addingTimeInterval(lockFor))
    }
}

/// A token key: 256 bits for AES-GCM, base64, with its id (carried in each token it seals).
public struct TokenKeyRecord: Sendable, Equatable {
    public var id: String
    public var secret: String
    public var createdAt: Date
    /// When a newer key took over issuing; validates until the grace period after it ends.
    public var retiredAt: Date?

    public init(id: String, secret: String, createdAt: Date, retiredAt: Date? = nil) {
        self.id = id
        self.secret = secret
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}
