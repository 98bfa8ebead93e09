import Foundation
import KilnStore

/// The built-in Keystone v3 subset: checks passwords against identity.json and issues
/// project-scoped tokens the Heat API accepts.
public final class IdentityService: Sendable {
    let file: IdentityFile
    let tokens: TokenStore

    /// `now` is the clock tokens are issued and expire by (tests move it on). With `shared`
    /// (the database several engines share), tokens live in its token table, so every engine on
    /// it accepts them and sees their revocation; without, in this process's memory.
    public init(file: IdentityFile, tokenLifetime: TimeInterval = 12 * 3600, shared: (any EngineRegistry)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.file = file
        self.tokens = TokenStore(lifetime: tokenLifetime, shared: shared, now: now)
    }

    enum Failure: Error {
        case unauthorized(String)
        case badRequest(String)
        /// The token table could not be written (the database is busy or gone).
        case unavailable(String)
    }

    struct ProjectScope {
        var id: String?
        var name: String?
        var domainID: String?
        var domainName: String?
    }

    /// Password method: the user by id, or by name within a domain.
    func authenticate(
        userID: String?, userName: String?, domainID: String?, domainName: String?, password: String, scope: ProjectScope?
    ) async throws(Failure) -> IssuedToken {
        let user = file.users.first { candidate in
            if let userID { return candidate.id == userID }
            guard candidate.name == userName else { return false }
            return Self.domainMatches(candidate.domainID, id: domainID, name: domainName)
        }
        // One message for "no such user" and "wrong password": no hint which it was.
        guard let user, PasswordHash.verify(password, against: user.passwordHash) else {
            throw .unauthorized("The request you have made requires authentication.")
        }
        return try await issue(for: user, scope: scope, methods: ["password"], expiresAt: nil)
    }

    /// Token method: a new token for the same user, rescoped, expiring no later than the old one.
    func reissue(from tokenID: String, scope: ProjectScope?) async throws(Failure) -> IssuedToken {
        guard let old = await tokens.valid(tokenID), let user = file.users.first(where: { $0.id == old.userID }) else {
            throw .unauthorized("The request you have made requires authentication.")
        }
        let scope = scope ?? ProjectScope(id: old.projectID)
        return try await issue(for: user, scope: scope, methods: ["token"], expiresAt: old.expiresAt)
    }

    private func issue(for user: IdentityFile.User, scope: ProjectScope?, methods: [String], expiresAt: Date?) async throws(Failure) -> IssuedToken {
        // Unscoped requests get the user's first project: the clients always scope anyway.
        let project = file.projects.first { project in
            guard let scope else { return user.roles[project.id] != nil }
            if let id = scope.id { return project.id == id }
            return project.name == scope.name && Self.domainMatches(project.domainID, id: scope.domainID, name: scope.domainName)
        }
        guard let project, let roles = user.roles[project.id], !roles.isEmpty else {
            throw .unauthorized("User \(user.id) has no access to project \(scope?.id ?? scope?.name ?? "(none)")")
        }
        guard let token = await tokens.issue(user: user, project: project, methods: methods, expiresAt: expiresAt) else {
            throw .unavailable("The token could not be stored; try again.")
        }
        return token
    }

    /// A short-lived token acting for a project, as a Keystone trust lets Aodh act for an
    /// alarm's owner (`trust+` actions): the owner when it has a role in the project, else the
    /// project's first member. Nil when the project has no member.
    public func trustToken(projectID: String, userID: String?, lifetime: TimeInterval = 300) async -> String? {
        let members = file.users.filter { !($0.roles[projectID] ?? []).isEmpty }
        guard let user = members.first(where: { $0.id == userID }) ?? members.first,
              let project = file.projects.first(where: { $0.id == projectID }) else { return nil }
        return await tokens.issue(user: user, project: project, methods: ["trust"], expiresAt: Date().addingTimeInterval(lifetime))?.id
    }

    /// Only the Default domain exists.
    static func domainMatches(_ domainID: String, id: String?, name: String?) -> Bool {
        if let id { return id == domainID }
        if let name { return name == "Default" && domainID == "default" }
        return domainID == "default"
    }

    public func validate(_ tokenID: String) async -> IssuedToken? { await tokens.valid(tokenID) }

    func revoke(_ tokenID: String) async { await tokens.revoke(tokenID) }

    public func project(named name: String) -> IdentityFile.Project? { file.projects.first { $0.name == name } }
}
