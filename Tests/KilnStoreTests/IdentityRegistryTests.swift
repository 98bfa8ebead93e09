import Foundation
import KilnModel
import KilnStore
import Testing

/// The built-in identity's tables on both stores, each change seen by a second store on the
/// same database (as a second engine would see it).
@Suite("Identity registry (SQLite and PostgreSQL)")
struct IdentityRegistryTests {
    let project = IdentityProjectRecord(id: "p1", name: "admin", domainID: "default")
    let other = IdentityProjectRecord(id: "p2", name: "demo", domainID: "default")

    func user(_ id: String, _ name: String, hash: String = "h") -> IdentityUserRecord {
        IdentityUserRecord(id: id, name: name, domainID: "default", passwordHash: hash, roles: ["p1": ["admin", "member", "reader"]])
    }

    @Test(arguments: StoreBackend.allCases) func anIdentityIsImportedOnceAndSharedWithRolesInOrder(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let one = try await database.open(), two = try await database.open()
        #expect(try await one.identityUsers().isEmpty)
        #expect(try await one.importIdentity(projects: [project], users: [user("u1", "admin")]))
        #expect(try await !two.importIdentity(projects: [other], users: [user("u9", "other")]), "the second import finds users")
        #expect(try await two.identityProjects() == [project])
        #expect(try await two.identityUsers() == [user("u1", "admin")])

        try await two.saveIdentityProject(other)
        var demo = user("u2", "demo")
        demo.roles = ["p2": ["member"], "p1": ["reader"]]
        try await two.saveIdentityUser(demo)
        #expect(try await one.identityUsers().map(\.name) == ["admin", "demo"])
        #expect(try await one.identityUsers().last?.roles == ["p2": ["member"], "p1": ["reader"]])
        #expect(try await one.identityProjects().map(\.name) == ["admin", "demo"])
    }

    /// Engines starting together on an empty database: exactly one import wins.
    @Test(arguments: StoreBackend.allCases) func concurrentImportsHaveOneWinner(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let stores = [try await database.open(), try await database.open()]
        let project = self.project
        let users = (0..<6).map { user("u\($0)", "admin") }
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try await stores[index % 2].importIdentity(projects: [project], users: [users[index]])
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        #expect(try await stores[0].identityUsers().count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func passwordHashIsReplacedOnlyFromTheHashRead(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let one = try await database.open(), two = try await database.open()
        _ = try await one.importIdentity(projects: [project], users: [user("u1", "admin", hash: "old")])
        #expect(try await two.replacePasswordHash(userID: "u1", old: "old", new: "new"))
        #expect(try await !one.replacePasswordHash(userID: "u1", old: "old", new: "newer"), "changed meanwhile")
        #expect(try await one.identityUsers().first?.passwordHash == "new")
    }

    @Test(arguments: StoreBackend.allCases) func failedSignInsLockAUserForEveryEngineUntilTheLockEnds(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let one = try await database.open(), two = try await database.open()
        _ = try await one.importIdentity(projects: [project], users: [user("u1", "admin")])
        #expect(try await one.recordSignInFailure(userID: "u1", now: at(0), limit: 3, lockFor: 300) == SignInState(failures: 1))
        #expect(try await two.recordSignInFailure(userID: "u1", now: at(1), limit: 3, lockFor: 300) == SignInState(failures: 2))
        let locked = try await one.recordSignInFailure(userID: "u1", now: at(2), limit: 3, lockFor: 300)
        #expect(locked == SignInState(failures: 3, lockedUntil: at(302)))
        #expect(try await two.identityUsers().first?.signIn.isLocked(at: at(301)) == true)
        #expect(try await two.recordSignInFailure(userID: "u1", now: at(100), limit: 3, lockFor: 300) == locked, "not counted while locked")
        #expect(try await two.identityUsers().first?.signIn.isLocked(at: at(302)) == false, "the lock ends")
        #expect(try await two.recordSignInFailure(userID: "u1", now: at(400), limit: 3, lockFor: 300) == SignInState(failures: 1),
                "after the lock the count starts again")
        try await one.clearSignInFailures(userID: "u1")
        #expect(try await two.identityUsers().first?.signIn == SignInState())
        // Saving the user (a role change) keeps its sign-in state.
        _ = try await one.recordSignInFailure(userID: "u1", now: at(500), limit: 3, lockFor: 300)
        try await two.saveIdentityUser(user("u1", "admin"))
        #expect(try await one.identityUsers().first?.signIn.failures == 1)
    }

    @Test(arguments: StoreBackend.allCases) func tokenKeysRotateAndRetiredOnesAreDroppedAfterTheirGrace(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let one = try await database.open(), two = try await database.open()
        let first = TokenKeyRecord(id: "k1", secret: "s1", createdAt: at(0))
        try await one.addTokenKey(first, retiringOthers: true, now: at(0), dropRetiredBefore: at(-100))
        try await two.addTokenKey(TokenKeyRecord(id: "k2", secret: "s2", createdAt: at(10)), retiringOthers: true, now: at(10),
                                  dropRetiredBefore: at(-90))
        #expect(try await one.tokenKeys() == [
            TokenKeyRecord(id: "k2", secret: "s2", createdAt: at(10)), TokenKeyRecord(id: "k1", secret: "s1", createdAt: at(0), retiredAt: at(10)),
        ])
        try await one.addTokenKey(TokenKeyRecord(id: "k3", secret: "s3", createdAt: at(200)), retiringOthers: true, now: at(200),
                                  dropRetiredBefore: at(100))
        #expect(try await two.tokenKeys().map(\.id) == ["k3", "k2"], "k1 retired at 10, past its grace at 100: dropped")
    }

    @Test(arguments: StoreBackend.allCases) func revokedTokenIDsAreSeenByAnotherStoreUntilPurged(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let one = try await database.open(), two = try await database.open()
        try await one.revokeTokenID("t1", expiresAt: at(100), now: at(0))
        #expect(try await two.isTokenRevoked("t1"))
        #expect(try await !two.isTokenRevoked("t2"))
        try await two.purgeRevocations(expiredBefore: at(101))
        #expect(try await !one.isTokenRevoked("t1"))
    }
}
