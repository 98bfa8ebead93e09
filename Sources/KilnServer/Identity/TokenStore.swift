import Foundation
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

/// Tokens live in memory only: a restart signs everyone out, as a Keystone with a new key would.
final class TokenStore: Sendable {
    private let tokens = Mutex<[String: IssuedToken]>([:])
    let lifetime: TimeInterval
    /// The time tokens are issued and checked at (tests move it on instead of waiting).
    let now: @Sendable () -> Date

    init(lifetime: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetime = lifetime
        self.now = now
    }

    func issue(user: IdentityFile.User, project: IdentityFile.Project, methods: [String], expiresAt: Date? = nil) -> IssuedToken {
        let now = self.now()
        let token = IssuedToken(
            id: "gAAAA" + RandomText.id() + RandomText.id(), userID: user.id, userName: user.name,
            projectID: project.id, projectName: project.name, roles: user.roles[project.id] ?? [],
            methods: methods, auditID: String(RandomText.id().prefix(22)), issuedAt: now,
            expiresAt: expiresAt ?? now.addingTimeInterval(lifetime))
        tokens.withLock { all in
            all = all.filter { $0.value.expiresAt > now }
            all[token.id] = token
        }
        return token
    }

    /// The token if it exists and has not expired.
    func valid(_ id: String) -> IssuedToken? {
        tokens.withLock { all in
            guard let token = all[id] else { return nil }
            if token.expiresAt <= now() {
                all[id] = nil
                return nil
            }
            return token
        }
    }

    func revoke(_ id: String) { _ = tokens.withLock { $0.removeValue(forKey: id) } }
}
