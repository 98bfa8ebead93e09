import Crypto
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

/// Where issued tokens are kept. With a database (`shared`), in its token table, so a token
/// issued by one engine is valid on every engine sharing the database and a revocation reaches
/// them all at their next validation; the table holds the SHA-256 of each token's text, never
/// the text, so reading the database gives no usable token. Without one, in memory only: a
/// restart signs everyone out, as a Keystone with a new key would.
final class TokenStore: Sendable {
    private let tokens = Mutex<[String: IssuedToken]>([:])
    let shared: (any EngineRegistry)?
    /// Tokens issued by this process: every 256th also purges the expired ones from the table.
    private let issued = Atomic<Int>(0)
    let lifetime: TimeInterval
    /// The time tokens are issued and checked at (tests move it on instead of waiting).
    let now: @Sendable () -> Date

    init(lifetime: TimeInterval, shared: (any EngineRegistry)? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetime = lifetime
        self.shared = shared
        self.now = now
    }

    func issue(user: IdentityFile.User, project: IdentityFile.Project, methods: [String], expiresAt: Date? = nil) async -> IssuedToken? {
        let now = self.now()
        let token = IssuedToken(
            id: "gAAAA" + RandomText.id() + RandomText.id(), userID: user.id, userName: user.name,
            projectID: project.id, projectName: project.name, roles: user.roles[project.id] ?? [],
            methods: methods, auditID: String(RandomText.id().prefix(22)), issuedAt: now,
            expiresAt: expiresAt ?? now.addingTimeInterval(lifetime))
        if let shared {
            do {
                try await shared.saveToken(StoredToken(
                    digest: Self.digest(token.id), body: Self.body(token).jsonText(), issuedAt: now, expiresAt: token.expiresAt))
            } catch {
                return nil
            }
            if issued.add(1, ordering: .relaxed).newValue % 256 == 0 { _ = try? await shared.purgeTokens(expiredBefore: now) }
            return token
        }
        tokens.withLock { all in
            all = all.filter { $0.value.expiresAt > now }
            all[token.id] = token
        }
        return token
    }

    /// The token if it exists, is not revoked and has not expired.
    func valid(_ id: String) async -> IssuedToken? {
        if let shared {
            guard let stored = try? await shared.token(digest: Self.digest(id)), stored.revokedAt == nil,
                  stored.expiresAt > now(), let body = try? Value.parseJSON(stored.body) else { return nil }
            return Self.token(id: id, body: body, issuedAt: stored.issuedAt, expiresAt: stored.expiresAt)
        }
        return tokens.withLock { all in
            guard let token = all[id] else { return nil }
            if token.expiresAt <= now() {
                all[id] = nil
                return nil
            }
            return token
        }
    }

    func revoke(_ id: String) async {
        if let shared {
            try? await shared.revokeToken(digest: Self.digest(id))
            // Expired tokens are of no more use to anyone: the revocation sweeps them out.
            _ = try? await shared.purgeTokens(expiredBefore: now())
            return
        }
        _ = tokens.withLock { $0.removeValue(forKey: id) }
    }

    /// The SHA-256 of a token's text, in hex: its key in the table.
    static func digest(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What the table keeps of a token: everything but its text.
    static func body(_ token: IssuedToken) -> Value {
        [
            "user_id": .string(token.userID), "user_name": .string(token.userName), "project_id": .string(token.projectID),
            "project_name": .string(token.projectName), "roles": .list(token.roles.map(Value.string)),
            "methods": .list(token.methods.map(Value.string)), "audit_id": .string(token.auditID),
        ]
    }

    static func token(id: String, body: Value, issuedAt: Date, expiresAt: Date) -> IssuedToken? {
        guard let userID = body["user_id"].stringValue, let projectID = body["project_id"].stringValue else { return nil }
        return IssuedToken(
            id: id, userID: userID, userName: body["user_name"].stringValue ?? "", projectID: projectID,
            projectName: body["project_name"].stringValue ?? "", roles: (body["roles"].listValue ?? []).compactMap(\.stringValue),
            methods: (body["methods"].listValue ?? []).compactMap(\.stringValue), auditID: body["audit_id"].stringValue ?? "",
            issuedAt: issuedAt, expiresAt: expiresAt)
    }
}
