import Foundation

/// The identity tables through the sealed store: token keys are secrets (anyone holding one can
/// mint tokens), so each key's material is sealed at rest; users' password hashes, names and
/// sign-in state pass through (a PBKDF2 hash is already what may be stored).
extension SealedStore {
    public func identityProjects() async throws -> [IdentityProjectRecord] { try await base.identityProjects() }

    public func identityUsers() async throws -> [IdentityUserRecord] { try await base.identityUsers() }

    public func importIdentity(projects: [IdentityProjectRecord], users: [IdentityUserRecord]) async throws -> Bool {
        try await base.importIdentity(projects: projects, users: users)
    }

    public func saveIdentityProject(_ project: IdentityProjectRecord) async throws { try await base.saveIdentityProject(project) }

    public func saveIdentityUser(_ user: IdentityUserRecord) async throws { try await base.saveIdentityUser(user) }

    public func replacePasswordHash(userID: String, old: String, new: String) async throws -> Bool {
        try await base.replacePasswordHash(userID: userID, old: old, new: new)
    }

    public func recordSignInFailure(userID: String, now: Date, limit: Int, lockFor: TimeInterval) async throws -> SignInState {
        try await base.recordSignInFailure(userID: userID, now: now, limit: limit, lockFor: lockFor)
    }

    public func clearSignInFailures(userID: String) async throws { try await base.clearSignInFailures(userID: userID) }

    public func tokenKeys() async throws -> [TokenKeyRecord] {
        try await base.tokenKeys().map { key in
            var opened = key
            opened.secret = try sealer.open(key.secret, what: "token key \(key.id)")
            return opened
        }
    }

    public func addTokenKey(_ key: TokenKeyRecord, retiringOthers: Bool, now: Date, dropRetiredBefore: Date) async throws {
        var sealed = key
        sealed.secret = sealer.seal(key.secret)
        try await base.addTokenKey(sealed, retiringOthers: retiringOthers, now: now, dropRetiredBefore: dropRetiredBefore)
    }

    public func revokeTokenID(_ id: String, expiresAt: Date, now: Date) async throws {
        try await base.revokeTokenID(id, expiresAt: expiresAt, now: now)
    }

    public func isTokenRevoked(_ id: String) async throws -> Bool { try await base.isTokenRevoked(id) }

    public func purgeRevocations(expiredBefore cutoff: Date) async throws { try await base.purgeRevocations(expiredBefore: cutoff) }
}
