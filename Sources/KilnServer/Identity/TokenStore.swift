import Foundation
import KilnModel
import KilnStore
import Synchronization

/// An issued token: who, scoped to which project, until when.
public struct IssuedToken: Sendable {
    public var id: String
    public var userID: String
    public var userName: String
    public var projectID: String
    public var projectName: String
    public var roles: [String]
    public var methods: [String]
    public var auditID: String
    public var issuedAt: Date
    public var expiresAt: Date

    public var isAdmin: Bool { roles.contains("admin") }
}

/// Issues and validates tokens: `FernetToken`s sealed with the keyring's primary key. A token
/// is validated by opening it (no lookup of the token: any engine with the keys can), checking
/// its expiry, and checking its id against the revocation list in the registry, so a
/// `DELETE /v3/auth/tokens` on one engine reaches every engine sharing the database.
final class TokenStore: Sendable {
    let registry: any IdentityRegistry
    let keys: TokenKeyring
    let lifetime: TimeInterval
    /// The time tokens are issued and checked at (tests move it on instead of waiting).
    let now: @Sendable () -> Date
    /// Revocations by this process: every 256th also purges those of expired tokens.
    private let revocations = Atomic<Int>(0)

    init(registry: any IdentityRegistry, keys: TokenKeyring, lifetime: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.registry = registry
        self.keys = keys
        self.lifetime = lifetime
        self.now = now
    }

    /// A new token; nil when no key could be read or made (the database is busy or gone).
    func issue(user: IdentityUserRecord, project: IdentityProjectRecord, methods: [String], expiresAt: Date? = nil) async -> IssuedToken? {
        let now = self.now()
        let id = FernetToken.base64url(RandomText.bytes(16))
        let expires = expiresAt ?? now.addingTimeInterval(lifetime)
        let payload = FernetToken.Payload(
            t: id, u: user.id, un: user.name, p: project.id, pn: project.name, r: user.roles[project.id] ?? [], m: methods,
            i: Self.milliseconds(now), e: Self.milliseconds(expires))
        guard let key = try? await keys.primary(), let text = FernetToken.seal(payload, keyID: key.record.id, key: key.key) else {
            return nil
        }
        return Self.token(text: text, payload)
    }

    /// The token if it opens with a usable key, has not expired and is not revoked.
    func valid(_ text: String) async -> IssuedToken? {
        guard let keyID = FernetToken.keyID(of: text), let key = await keys.key(id: keyID),
              let payload = FernetToken.open(text, key: key.key)
        else { return nil }
        let token = Self.token(text: text, payload)
        guard token.expiresAt > now(), let revoked = try? await registry.isTokenRevoked(payload.t), !revoked else { return nil }
        return token
    }

    func revoke(_ token: IssuedToken) async {
        let now = self.now()
        try? await registry.revokeTokenID(token.auditID, expiresAt: token.expiresAt, now: now)
        // Revocations of expired tokens are of no more use: swept out now and then.
        if revocations.add(1, ordering: .relaxed).newValue % 256 == 1 { try? await registry.purgeRevocations(expiredBefore: now) }
    }

    static func token(text: String, _ payload: FernetToken.Payload) -> IssuedToken {
        IssuedToken(
            id: text, userID: payload.u, userName: payload.un, projectID: payload.p, projectName: payload.pn, roles: payload.r,
            methods: payload.m, auditID: payload.t, issuedAt: date(payload.i), expiresAt: date(payload.e))
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
