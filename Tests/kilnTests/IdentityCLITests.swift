import Foundation
import KilnModel
import KilnStore
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `kiln identity` and `kiln serve`'s sign-in options against two real `kiln serve` processes
/// on one home's database: a user created by the command signs in on both engines at once, a
/// key rotation keeps earlier tokens valid, and a lock from failures on one engine holds on the
/// other, logged without the password.
@Suite("kiln identity with two engines", .serialized)
struct IdentityCLITests {
    @Test func usersKeysAndLocksAreSharedByEngines() async throws {
        let a = try await ServedKiln(["--engine-name", "a", "--lockout-failure-attempts", "2", "--lockout-duration", "300"])
        let b = try await ServedKiln(["--engine-name", "b"], home: a.home, logName: "serve-b.log")
        let admin = try MultiEngineServeTests.password(a.cloudsFile)
        let (token, project) = try await MultiEngineServeTests.signIn(port: a.port, password: admin)

        let created = try await CLITests.runKiln(
            ["identity", "user", "create", "carol", "--project", "admin", "--role", "member", "--home", a.home.directory.path])
        #expect(created.status == 0, "\(created.stderr)")
        let password = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(password.count == 20)
        #expect(try await Self.signIn(b.port, "carol", password) == 201, "seen by b without a restart")
        #expect(try await Self.signIn(a.port, "carol", password) == 201)
        let again = try await CLITests.runKiln(
            ["identity", "user", "create", "carol", "--project", "admin", "--home", a.home.directory.path])
        #expect(again.status == 1 && again.stderr.contains("already exists"))

        let rotated = try await CLITests.runKiln(["identity", "rotate-keys", "--home", a.home.directory.path])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(try await MultiEngineServeTests.call(b.port, "GET", "/v1/\(project)/stacks", token: token).0 == 200,
                "a token of the retired key holds for the grace period")

        // Two failures on a (its limit is 2) lock carol on b too, even with her password.
        #expect(try await Self.signIn(a.port, "carol", "wrong-1") == 401)
        #expect(try await Self.signIn(a.port, "carol", "wrong-2") == 401)
        #expect(try await Self.signIn(b.port, "carol", password) == 401)
        #expect(try await Self.signIn(a.port, "carol", password) == 401)
        let log = try String(contentsOf: a.log, encoding: .utf8)
        #expect(log.contains("user locked after failed sign-ins"))
        #expect(!log.contains("wrong-1") && !log.contains(password))
    }

    /// A home of an older Kiln: identity.json with a 5,000-iteration hash (computed with
    /// Python's hashlib.pbkdf2_hmac). The first start imports it; the old password signs in and
    /// its hash is upgraded to 600,000 iterations in the database.
    @Test func anOlderIdentityFileIsImportedOnceAndItsHashUpgraded() async throws {
        let home = try KilnHome()
        let hash = "pbkdf2-sha256$5000$000102030405060708090a0b0c0d0e0f$61aed2959a2bb7421ed5b45615ea71f9afce5fc7bc90a24e4533ac59c9185c40"
        _ = try home.write("identity.json", """
            {"projects": [{"id": "p0", "name": "admin", "domainID": "default"}],
             "users": [{"id": "u0", "name": "admin", "domainID": "default", "passwordHash": "\(hash)",
                        "roles": {"p0": ["admin", "member", "reader"]}}]}
            """)
        _ = try home.write("clouds.yaml", "clouds: {}\n")
        let served = try await ServedKiln(["--password-iterations", "600000"], home: home)
        #expect(try await Self.signIn(served.port, "admin", "old-kiln-secret") == 201)
        #expect(try await Self.signIn(served.port, "admin", "wrong") == 401)
        let store = try SQLiteStore(path: served.databasePath)
        let admin = try #require(try await store.identityUsers().first)
        #expect(admin.id == "u0" && admin.roles == ["p0": ["admin", "member", "reader"]])
        #expect(admin.passwordHash.hasPrefix("pbkdf2-sha256$600000$"))
        // Imported once: a changed file is not read again.
        _ = try home.write("identity.json", #"{"projects": [], "users": []}"#)
        served.process.terminate()
        served.process.waitUntilExit()
        let restarted = try await ServedKiln(["--password-iterations", "600000"], home: home, logName: "serve-2.log")
        #expect(try await Self.signIn(restarted.port, "admin", "old-kiln-secret") == 201)
    }

    @Test func badLockoutOptionsAreUsageErrors() async throws {
        let run = try await CLITests.runKiln(["serve", "--lockout-failure-attempts", "-1"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--lockout-failure-attempts"))
    }

    /// `POST /v3/auth/tokens` with a password, unscoped; the status.
    static func signIn(_ port: Int, _ user: String, _ password: String) async throws -> Int {
        try await MultiEngineServeTests.call(port, "POST", "/v3/auth/tokens", token: nil, body: ["auth": [
            "identity": ["methods": ["password"], "password": ["user": [
                "name": .string(user), "password": .string(password), "domain": ["name": "Default"]]]],
        ]]).0
    }
}
