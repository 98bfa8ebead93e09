import KilnModel
import Foundation
import KilnStore
import Logging

/// The built-in Keystone v3 subset: checks passwords against the identity registry (the
/// database, shared by every engine on it, or memory) and issues project-scoped Fernet-style
/// tokens the Heat API accepts.
public final class IdentityService: Sendable {
    let registry: any IdentityRegistry
    let tokens: TokenStore
    let options: IdentityOptions
    let logger: Logger
    let now: @Sendable () -> Date
    /// The one-time import of an identity file into an empty registry, awaited before any use.
    private let ready: Task<Void, Never>?

    /// `now` is the clock tokens, key rotations and sign-in locks go by (tests move it on). With
    /// `shared` (the database several engines share), users, keys and revocations live there,
    /// and `file` is imported into it once when it has no user yet; without, `file`'s users in
    /// this process's memory.
    public init(file: IdentityFile?, tokenLifetime: TimeInterval = 12 * 3600, shared: (any IdentityRegistry)? = nil,
                options: IdentityOptions = IdentityOptions(), logger: Logger = Logger(label: "kiln.identity", factory: { _ in SwiftLogNoOpLogHandler() }),
                now: @escaping @Sendable () -> Date = { Date() }) {
        let records = file.map { ($0.projects.map(\.record), $0.users.map(\.record)) } ?? ([], [])
        let registry: any IdentityRegistry = shared ?? MemoryIdentityRegistry(projects: records.0, users: records.1)
        self.registry = registry
        self.options = options
        self.logger = logger
        self.now = now
        let keys = TokenKeyring(
            registry: registry, rotation: options.keyRotation, grace: options.keyGrace ?? tokenLifetime, now: now)
        self.tokens = TokenStore(registry: registry, keys: keys, lifetime: tokenLifetime, now: now)
        if let shared, file != nil {
            ready = Task { _ = try? await shared.importIdentity(projects: records.0, users: records.1) }
        } else {
            ready = nil
        }
    }

    /// Imports `file` into `registry` if it has no user yet (the first start on a database, or an
    /// older Kiln's HOME/identity.json); whether it did.
    public static func importIdentity(_ file: IdentityFile, into registry: any IdentityRegistry) async throws -> Bool {
        try await registry.importIdentity(projects: file.projects.map(\.record), users: file.users.map(\.record))
    }

    enum Failure: Error {
        case unauthorized(String)
        case badRequest(String)
        /// The registry could not be read or written (the database is busy or gone).
        case unavailable(String)
    }

    struct ProjectScope {
        var id: String?
        var name: String?
        var domainID: String?
        var domainName: String?
    }

    static let denied = "The request you have made requires authentication."

    /// Password method: the user by id, or by name within a domain. Failures in a row are
    /// slowed, then lock the user (`IdentityOptions`); a hash weaker than today's is re-hashed.
    func authenticate(
        userID: String?, userName: String?, domainID: String?, domainName: String?, password: String, scope: ProjectScope?
    ) async throws(Failure) -> IssuedToken {
        let users = try await users()
        let user = users.first { candidate in
            if let userID { return candidate.id == userID }
            guard candidate.name == userName else { return false }
            return Self.domainMatches(candidate.domainID, id: domainID, name: domainName)
        }
        let now = self.now()
        guard let user else {
            // As long as a wrong password, so the answer's time does not tell the user is unknown.
            _ = PasswordHash.verify(password, against: Self.unknownUserHash(options.passwordIterations))
            await slowDown(failures: 1)
            throw .unauthorized(Self.denied)
        }
        if user.signIn.isLocked(at: now) {
            logger.notice("sign-in refused: user locked", metadata: Self.metadata(user, lockedUntil: user.signIn.lockedUntil))
            throw .unauthorized("The account is locked for user: \(user.id).")
        }
        // One message for "no such user" and "wrong password": no hint which it was.
        guard PasswordHash.verify(password, against: user.passwordHash) else {
            await failed(user, now: now)
            throw .unauthorized(Self.denied)
        }
        if user.signIn != SignInState() {
            if user.signIn.lockedUntil != nil { logger.notice("user unlocked: lock ended", metadata: Self.metadata(user, lockedUntil: nil)) }
            try? await registry.clearSignInFailures(userID: user.id)
        }
        if PasswordHash.needsUpgrade(user.passwordHash, iterations: options.passwordIterations) {
            let upgraded = PasswordHash.make(password, iterations: options.passwordIterations)
            if (try? await registry.replacePasswordHash(userID: user.id, old: user.passwordHash, new: upgraded)) == true {
                logger.info("password hash upgraded", metadata: ["user_id": .string(user.id), "iterations": "\(options.passwordIterations)"])
            }
        }
        return try await issue(for: user, scope: scope, methods: ["password"], expiresAt: nil)
    }

    /// A failed password: counted in the registry (shared by the engines), logged when it locks
    /// the user, answered late.
    private func failed(_ user: IdentityUserRecord, now: Date) async {
        let state = try? await registry.recordSignInFailure(
            userID: user.id, now: now, limit: options.lockoutFailureAttempts, lockFor: options.lockoutDuration)
        if let state, state.isLocked(at: now) {
            logger.warning("user locked after failed sign-ins", metadata: Self.metadata(user, lockedUntil: state.lockedUntil).merging(
                ["failures": "\(state.failures)"], uniquingKeysWith: { $1 }))
        } else if let state {
            logger.info("sign-in failed", metadata: Self.metadata(user, lockedUntil: nil).merging(
                ["failures": "\(state.failures)"], uniquingKeysWith: { $1 }))
        }
        await slowDown(failures: state?.failures ?? 1)
    }

    private func slowDown(failures: Int) async {
        let seconds = options.failureDelay * Double(min(max(failures, 1), 4))
        if seconds > 0 { try? await Task.sleep(for: .seconds(seconds)) }
    }

    static func metadata(_ user: IdentityUserRecord, lockedUntil: Date?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["user_id": .string(user.id), "user_name": .string(user.name)]
        if let lockedUntil { metadata["locked_until"] = .string(IdentityRoutes.keystoneTime(lockedUntil)) }
        return metadata
    }

    /// A hash no password matches in practice, of the configured strength, made once per strength.
    private static let unknownUserHashes = Locked<[Int: String]>([:])
    static func unknownUserHash(_ iterations: Int) -> String {
        if let hash = unknownUserHashes.withLock({ $0[iterations] }) { return hash }
        let hash = PasswordHash.make(RandomText.password(length: 32), iterations: iterations)
        unknownUserHashes.withLock { $0[iterations] = hash }
        return hash
    }

    /// Token method: a new token for the same user, rescoped, expiring no later than the old one.
    func reissue(from tokenID: String, scope: ProjectScope?) async throws(Failure) -> IssuedToken {
        guard let old = await tokens.valid(tokenID) else { throw .unauthorized(Self.denied) }
        guard let user = try await users().first(where: { $0.id == old.userID }) else { throw .unauthorized(Self.denied) }
        let scope = scope ?? ProjectScope(id: old.projectID)
        return try await issue(for: user, scope: scope, methods: ["token"], expiresAt: old.expiresAt)
    }

    private func issue(for user: IdentityUserRecord, scope: ProjectScope?, methods: [String], expiresAt: Date?) async throws(Failure) -> IssuedToken {
        // Unscoped requests get the user's first project: the clients always scope anyway.
        let project = try await projects().first { project in
            guard let scope else { return user.roles[project.id] != nil }
            if let id = scope.id { return project.id == id }
            return project.name == scope.name && Self.domainMatches(project.domainID, id: scope.domainID, name: scope.domainName)
        }
        guard let project, let roles = user.roles[project.id], !roles.isEmpty else {
            throw .unauthorized("User \(user.id) has no access to project \(scope?.id ?? scope?.name ?? "(none)")")
        }
        guard let token = await tokens.issue(user: user, project: project, methods: methods, expiresAt: expiresAt) else {
            throw .unavailable("The token could not be issued; try again.")
        }
        return token
    }

    /// A short-lived token acting for a project, as a Keystone trust lets Aodh act for an
    /// alarm's owner (`trust+` actions): the owner when it has a role in the project, else the
    /// project's first member. Nil when the project has no member.
    public func trustToken(projectID: String, userID: String?, lifetime: TimeInterval = 300) async -> String? {
        guard let members = try? await users().filter({ !($0.roles[projectID] ?? []).isEmpty }),
              let user = members.first(where: { $0.id == userID }) ?? members.first,
              let project = try? await projects().first(where: { $0.id == projectID }) else { return nil }
        return await tokens.issue(user: user, project: project, methods: ["trust"], expiresAt: now().addingTimeInterval(lifetime))?.id
    }

    /// Only the Default domain exists.
    static func domainMatches(_ domainID: String, id: String?, name: String?) -> Bool {
        if let id { return id == domainID }
        if let name { return name == "Default" && domainID == "default" }
        return domainID == "default"
    }

    public func validate(_ tokenID: String) async -> IssuedToken? {
        await ready?.value
        return await tokens.valid(tokenID)
    }

    func revoke(_ token: IssuedToken) async { await tokens.revoke(token) }

    /// A new token key now; the old ones validate for the grace period (`kiln identity rotate-keys`).
    public func rotateKeys() async throws {
        await ready?.value
        try await tokens.keys.rotate()
        logger.notice("token key rotated")
    }

    public func project(named name: String) async -> IdentityProjectRecord? {
        try? await projects().first { $0.name == name }
    }

    func users() async throws(Failure) -> [IdentityUserRecord] {
        await ready?.value
        do { return try await registry.identityUsers() } catch { throw .unavailable("The identity could not be read; try again.") }
    }

    func projects() async throws(Failure) -> [IdentityProjectRecord] {
        await ready?.value
        do { return try await registry.identityProjects() } catch { throw .unavailable("The identity could not be read; try again.") }
    }
}
