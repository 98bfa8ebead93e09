import Foundation
import Hummingbird
import Testing
@testable import KilnServer
import KilnStore

/// The built-in identity's security over real HTTP on loopback and a real store: password
/// hashes upgraded at sign-in, Fernet-style tokens (rotation, forgery, revocation across
/// engines) and the sign-in lockout.
@Suite struct IdentitySecurityTests {
    /// A hash written by an older Kiln (5,000 iterations, its format) signs in, and is replaced
    /// by a 600,000-iteration hash (the default) that signs in too.
    @Test func anOldPasswordHashSignsInAndIsUpgradedToTheDefault() async throws {
        var options = IdentityOptions()
        options.failureDelay = 0
        #expect(options.passwordIterations == 600_000)
        let servers = try await SharedIdentityServers(count: 1, options: options)
        let store = servers.stores[0]
        var alice = try #require(try await store.identityUsers().first { $0.name == "alice" })
        alice.passwordHash = PasswordHash.make("old-secret", iterations: 5_000)
        try await store.saveIdentityUser(alice)
        let oldHash = alice.passwordHash
        try await servers.run { client in
            #expect(try await client.passwordSignIn(user: "alice", password: "old-secret").status == .created)
            let upgraded = try #require(try await store.identityUsers().first { $0.name == "alice" }?.passwordHash)
            #expect(upgraded.hasPrefix("pbkdf2-sha256$600000$"))
            #expect(upgraded != oldHash)
            #expect(try await client.passwordSignIn(user: "alice", password: "old-secret").status == .created)
            #expect(try await client.passwordSignIn(user: "alice", password: "wrong").status == .unauthorized)
        }
    }

    /// The hand-written PBKDF2 of older Kilns and swift-crypto's agree: RFC 7914 §11's vector.
    @Test func pbkdf2MatchesRFC7914TestVector() throws {
        let key = try #require(PasswordHash.derive("passwd", salt: Array("salt".utf8), iterations: 1))
        #expect(PasswordHash.hex(key) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        // A hash from the old implementation (5,000 iterations), copied from an identity.json.
        let old = "pbkdf2-sha256$5000$000102030405060708090a0b0c0d0e0f$"
            + PasswordHash.hex(try #require(PasswordHash.derive("s3cret", salt: Array(0...15), iterations: 5_000)))
        #expect(PasswordHash.verify("s3cret", against: old))
        #expect(PasswordHash.needsUpgrade(old))
        #expect(!PasswordHash.needsUpgrade(PasswordHash.make("x", iterations: 600_000)))
        #expect(!PasswordHash.verify("s3cret", against: "pbkdf2-sha256$99999999$00$00"), "absurd iteration counts are refused")
    }

    @Test func tokensAreShortBase64urlAndCarryTheirScope() async throws {
        let servers = try await SharedIdentityServers(count: 1)
        try await servers.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: servers.adminPassword, project: "admin"))
            #expect(token.hasPrefix("g"))
            #expect(token.count < 400)
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(try await client.heatStatus(token: token, project: project) == .ok)
        }
    }

    /// Forged, altered, truncated or foreign tokens are refused by the Heat API (401) and by
    /// the token validation (404 for the subject).
    @Test func forgedOrAlteredTokensAre401() async throws {
        let servers = try await SharedIdentityServers(count: 1)
        let elsewhere = try await SharedIdentityServers(count: 1)
        // A well-made token of another deployment (other keys).
        let foreign = try #require(try await elsewhere.run { client in
            try await client.signIn(user: "admin", password: elsewhere.adminPassword, project: "admin")?.token
        })
        try await servers.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: servers.adminPassword, project: "admin"))
            var bytes = Array(token)
            let middle = bytes.count / 2
            bytes[middle] = bytes[middle] == "A" ? "B" : "A"
            let altered = String(bytes)
            let forged = FernetToken.base64url([0x80] + Array(repeating: 7, count: 8) + RandomText.bytes(120))
            for bad in [altered, String(token.dropLast(4)), forged, foreign, "gAAAA" + String(repeating: "0", count: 64), "", "!!"] {
                #expect(try await client.heatStatus(token: bad, project: project) == .unauthorized, "\(bad)")
                let validated = try await client.call(.get, "/v3/auth/tokens", token: token, headers: ["X-Subject-Token": bad])
                #expect(validated.status == .notFound)
            }
            #expect(try await client.heatStatus(token: token, project: project) == .ok)
        }
    }

    /// A rotated-out key validates its tokens for the grace period, then no more, though the
    /// tokens have not expired; new tokens use the new key.
    @Test func tokensOfARotatedOutKeyAreRefusedAfterTheGracePeriod() async throws {
        let clock = TestClock()
        var options = SharedIdentityServers.fastOptions()
        options.keyGrace = 600
        options.keyRotation = nil
        let servers = try await SharedIdentityServers(count: 2, options: options, tokenLifetime: 7200, clock: clock)
        try await servers.runBoth { a, b in
            let (old, project) = try #require(try await a.signIn(user: "admin", password: servers.adminPassword, project: "admin"))
            try await servers.identities[1].rotateKeys()
            clock.advance(11)  // past the keyring's cache: engine a reads the new key
            let (new, _) = try #require(try await a.signIn(user: "admin", password: servers.adminPassword, project: "admin"))
            #expect(FernetToken.keyID(of: new) != FernetToken.keyID(of: old))
            clock.advance(500)
            #expect(try await a.heatStatus(token: old, project: project) == .ok, "within the grace period")
            #expect(try await b.heatStatus(token: old, project: project) == .ok)
            clock.advance(100)
            #expect(try await a.heatStatus(token: old, project: project) == .unauthorized, "grace over")
            #expect(try await b.heatStatus(token: old, project: project) == .unauthorized)
            #expect(try await b.heatStatus(token: new, project: project) == .ok)
            clock.advance(7200)
            #expect(try await b.heatStatus(token: new, project: project) == .unauthorized, "expired")
        }
    }

    /// Keys rotate by themselves when the primary is older than the rotation period.
    @Test func keysRotateOnSchedule() async throws {
        let clock = TestClock()
        var options = SharedIdentityServers.fastOptions()
        options.keyRotation = 3600
        let servers = try await SharedIdentityServers(count: 1, options: options, clock: clock)
        let identity = servers.identities[0]
        let admin = try #require(await identity.project(named: "admin")?.id)
        let first = try #require(await identity.trustToken(projectID: admin, userID: nil))
        clock.advance(1800)
        let second = try #require(await identity.trustToken(projectID: admin, userID: nil))
        #expect(FernetToken.keyID(of: first) == FernetToken.keyID(of: second))
        clock.advance(1801)
        let third = try #require(await identity.trustToken(projectID: admin, userID: nil))
        #expect(FernetToken.keyID(of: third) != FernetToken.keyID(of: first))
        #expect(try await servers.stores[0].tokenKeys().count == 2)
    }

    /// Two engines on one database: a token from one is valid on the other, its revocation on
    /// one reaches the other, and a user created through one signs in through the other.
    @Test(arguments: IdentityBackend.allCases)
    func tokensUsersAndRevocationAreSharedByEngines(_ backend: IdentityBackend) async throws {
        let servers = try await SharedIdentityServers(backend)
        try await servers.runBoth { a, b in
            let (token, project) = try #require(try await a.signIn(user: "admin", password: servers.adminPassword, project: "admin"))
            let (other, _) = try #require(try await a.signIn(user: "admin", password: servers.adminPassword, project: "admin"))
            #expect(try await b.heatStatus(token: token, project: project) == .ok)
            let revoked = try await a.call(.delete, "/v3/auth/tokens", token: other, headers: ["X-Subject-Token": token])
            #expect(revoked.status == .noContent)
            #expect(await servers.identities[1].validate(token) == nil)
            #expect(try await b.heatStatus(token: token, project: project) == .unauthorized)
            #expect(try await a.heatStatus(token: token, project: project) == .unauthorized)
            #expect(try await b.heatStatus(token: other, project: project) == .ok, "only the revoked token")

            let password = try await servers.identities[0].createUser(name: "carol", project: "admin", roles: ["member"])
            #expect(try await b.signIn(user: "carol", password: password, project: "admin") != nil)
        }
    }

    /// N failed sign-ins lock the user on every engine, even with the right password, until the
    /// lock ends; the lock is logged, the password never.
    @Test(arguments: IdentityBackend.allCases)
    func repeatedFailuresLockTheUserUntilTheLockEnds(_ backend: IdentityBackend) async throws {
        let clock = TestClock(), log = CapturedLog()
        var options = SharedIdentityServers.fastOptions()
        options.lockoutFailureAttempts = 3
        options.lockoutDuration = 300
        let servers = try await SharedIdentityServers(backend, options: options, clock: clock, log: log)
        try await servers.runBoth { a, b in
            #expect(try await a.passwordSignIn(user: "alice", password: "guess-1").status == .unauthorized)
            #expect(try await b.passwordSignIn(user: "alice", password: "guess-2").status == .unauthorized)
            #expect(try await a.passwordSignIn(user: "alice", password: "alice-secret").status == .created, "a success resets the count")
            for guess in 1...3 {
                #expect(try await (guess % 2 == 0 ? a : b).passwordSignIn(user: "alice", password: "guess-\(guess)").status == .unauthorized)
            }
            let locked = try await a.passwordSignIn(user: "alice", password: "alice-secret")
            #expect(locked.status == .unauthorized)
            #expect(locked.json["error"]["message"].stringValue?.contains("locked") == true)
            #expect(try await b.passwordSignIn(user: "alice", password: "alice-secret").status == .unauthorized, "locked on every engine")
            #expect(try await b.signIn(user: "admin", password: servers.adminPassword, project: "admin") != nil, "only alice is locked")
            clock.advance(299)
            #expect(try await b.passwordSignIn(user: "alice", password: "alice-secret").status == .unauthorized)
            clock.advance(2)
            #expect(try await b.passwordSignIn(user: "alice", password: "alice-secret").status == .created, "the lock ended")
        }
        let text = log.text
        #expect(text.contains("user locked after failed sign-ins"))
        #expect(text.contains("user unlocked"))
        #expect(!text.contains("alice-secret") && !text.contains("guess-"))
    }

    /// Failures in a row are answered later and later.
    @Test func failuresAreSlowedDown() async throws {
        var options = SharedIdentityServers.fastOptions()
        options.failureDelay = 0.2
        options.lockoutFailureAttempts = 10
        let servers = try await SharedIdentityServers(count: 1, options: options)
        try await servers.run { client in
            let clock = ContinuousClock()
            let first = try await clock.measure { _ = try await client.passwordSignIn(user: "alice", password: "x") }
            let third = try await clock.measure {
                _ = try await client.passwordSignIn(user: "alice", password: "x")
                _ = try await client.passwordSignIn(user: "alice", password: "x")
            }
            #expect(first >= .milliseconds(200))
            #expect(third >= .milliseconds(1000), "0.4 s then 0.6 s")
        }
    }
}
