import Foundation
import KilnStore

/// The identity registry of an `IdentityService` with no database (tests, benchmarks, an
/// embedded server): the same behaviour as the stores', in this process's memory, so a restart
/// forgets keys (signing everyone out) and any change.
actor MemoryIdentityRegistry: IdentityRegistry {
    private var projects: [IdentityProjectRecord]
    private var users: [IdentityUserRecord]
    private var keys: [TokenKeyRecord] = []
    private var revoked: [String: Date] = [:]

    init(projects: [IdentityProjectRecord] = [], users: [IdentityUserRecord] = []) {
        self.projects = projects
        self.users = users
    }

    func identityProjects() -> [IdentityProjectRecord] { projects.sorted { ($0.name, $0.id) < ($1.name, $1.id) } }

    func identityUsers() -> [IdentityUserRecord] { users.sorted { ($0.name, $0.id) < ($1.name, $1.id) } }

    func importIdentity(projects: [IdentityProjectRecord], users: [IdentityUserRecord]) -> Bool {
        guard self.users.isEmpty else { return false }
        for project in projects { saveIdentityProject(project) }
        for user in users { saveIdentityUser(user) }
        return true
    }

    func saveIdentityProject(_ project: IdentityProjectRecord) {
        projects.removeAll { $0.id == project.id }
        projects.append(project)
    }

    func saveIdentityUser(_ user: IdentityUserRecord) {
        var user = user
        if let index = users.firstIndex(where: { $0.id == user.id }) {
            user.signIn = users[index].signIn
            users[index] = user
        } else {
            users.append(user)
        }
    }

    func replacePasswordHash(userID: String, old: String, new: String) -> Bool {
        guard let index = users.firstIndex(where: { $0.id == userID && $0.passwordHash == old }) else { return false }
        users[index].passwordHash = new
        return true
    }

    func recordSignInFailure(userID: String, now: Date, limit: Int, lockFor: TimeInterval) -> SignInState {
        guard let index = users.firstIndex(where: { $0.id == userID }) else { return SignInState() }
        users[index].signIn = users[index].signIn.failing(now: now, limit: limit, lockFor: lockFor)
        return users[index].signIn
    }

    func clearSignInFailures(userID: String) {
        guard let index = users.firstIndex(where: { $0.id == userID }) else { return }
        users[index].signIn = SignInState()
    }

    func tokenKeys() -> [TokenKeyRecord] { keys.sorted { $0.createdAt > $1.createdAt } }

    func addTokenKey(_ key: TokenKeyRecord, retiringOthers: Bool, now: Date, dropRetiredBefore: Date) {
        if retiringOthers {
            for index in keys.indices where keys[index].retiredAt == nil { keys[index].retiredAt = now }
        }
        keys.removeAll { ($0.retiredAt ?? .distantFuture) < dropRetiredBefore }
        keys.append(key)
    }

    func revokeTokenID(_ id: String, expiresAt: Date, now: Date) { revoked[id] = expiresAt }

    func isTokenRevoked(_ id: String) -> Bool { revoked[id] != nil }

    func purgeRevocations(expiredBefore cutoff: Date) { revoked = revoked.filter { $0.value >= cutoff } }
}
