import Foundation
import KilnModel
import KilnStore
import Testing

/// The engine registry on both stores: heartbeat rows, work claims and tokens, each seen by a
/// second store on the same database (as a second engine process would see it).
@Suite("Engine registry (SQLite and PostgreSQL)")
struct EngineRegistryTests {
    func engine(_ id: String, name: String, beat: Double) -> EngineRecord {
        EngineRecord(id: id, name: name, host: "h", pid: 7, version: "0.1.0", startedAt: at(0), heartbeatAt: at(beat))
    }

    @Test(arguments: StoreBackend.allCases) func heartbeatsAreUpsertedAndSeenByAnotherStore(_ backend: StoreBackend) async throws {
        let directory = try await backend.database()
        let one = try await directory.open(), two = try await directory.open()
        try await one.heartbeat(engine("e1", name: "b", beat: 1))
        try await two.heartbeat(engine("e2", name: "a", beat: 2))
        try await one.heartbeat(engine("e1", name: "b", beat: 5))
        let rows = try await two.engines()
        #expect(rows.map(\.id) == ["e2", "e1"], "ordered by name")
        #expect(rows.last?.heartbeatAt == at(5) && rows.last?.startedAt == at(0))
        #expect(rows.last?.isAlive(ttl: 10, now: at(15)) == true && rows.last?.isAlive(ttl: 10, now: at(16)) == false)
        try await two.removeEngine(id: "e1")
        #expect(try await one.engines().map(\.id) == ["e2"])
    }

    @Test(arguments: StoreBackend.allCases) func aWorkClaimHasOneHolderUntilItLapsesOrIsReleased(_ backend: StoreBackend) async throws {
        let directory = try await backend.database()
        let one = try await directory.open(), two = try await directory.open()
        #expect(try await one.claimWork("q", owner: "e1", until: at(10), now: at(0)))
        #expect(try await !two.claimWork("q", owner: "e2", until: at(20), now: at(5)))
        #expect(try await one.claimWork("q", owner: "e1", until: at(20), now: at(5)), "the holder renews")
        #expect(try await two.claimWork("q", owner: "e2", until: at(40), now: at(21)), "lapsed: taken over")
        #expect(try await !one.claimWork("q", owner: "e1", until: at(50), now: at(22)))
        try await one.releaseWork("q", owner: "e1")
        #expect(try await !one.claimWork("q", owner: "e1", until: at(50), now: at(22)), "only the holder releases")
        try await two.releaseWork("q", owner: "e2")
        #expect(try await one.claimWork("q", owner: "e1", until: at(50), now: at(22)))
    }

    /// Many claimers on one key at once, from two stores (two connections to the file): one wins.
    @Test(arguments: StoreBackend.allCases) func concurrentClaimsHaveExactlyOneWinner(_ backend: StoreBackend) async throws {
        let directory = try await backend.database()
        let stores = [try await directory.open(), try await directory.open()]
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    try await stores[index % 2].claimWork("race", owner: "e\(index)", until: at(60), now: at(0))
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }

    @Test(arguments: StoreBackend.allCases) func tokensAreKeptByDigestAndRevokedForEveryone(_ backend: StoreBackend) async throws {
        let directory = try await backend.database()
        let one = try await directory.open(), two = try await directory.open()
        let token = StoredToken(digest: "abc", body: #"{"user_id":"u"}"#, issuedAt: at(0), expiresAt: at(100))
        try await one.saveToken(token)
        #expect(try await two.token(digest: "abc") == token)
        #expect(try await two.token(digest: "other") == nil)
        try await two.revokeToken(digest: "abc")
        #expect(try await one.token(digest: "abc")?.revokedAt != nil)
        try await one.saveToken(StoredToken(digest: "old", body: "{}", issuedAt: at(0), expiresAt: at(10)))
        #expect(try await two.purgeTokens(expiredBefore: at(50)) == 1)
        #expect(try await one.token(digest: "old") == nil)
        #expect(try await one.token(digest: "abc") != nil)
    }

    /// Rendezvous hashing: every key has one owner among the live engines; when one engine
    /// leaves only its keys move, and they spread over the others.
    @Test func rendezvousHashingMovesOnlyTheLeaversKeys() {
        let engines = ["kiln:h:1:a", "kiln:h:2:b", "kiln:h:3:c"]
        let keys = (0..<300).map { "alarm:\($0)" }
        let before = Dictionary(uniqueKeysWithValues: keys.map { ($0, EngineMembership.owner(of: $0, among: engines)!) })
        for engine in engines { #expect(before.values.filter { $0 == engine }.count > 50, "\(engine) has a fair share") }
        let after = Dictionary(uniqueKeysWithValues: keys.map { ($0, EngineMembership.owner(of: $0, among: engines.filter { $0 != "kiln:h:2:b" })!) })
        for key in keys where before[key] != "kiln:h:2:b" { #expect(after[key] == before[key]) }
        let moved = keys.filter { before[$0] == "kiln:h:2:b" }.map { after[$0]! }
        #expect(Set(moved) == ["kiln:h:1:a", "kiln:h:3:c"])
        #expect(EngineMembership.owner(of: "x", among: engines.reversed()) == EngineMembership.owner(of: "x", among: engines))
    }

    /// A membership reads who is alive from the table: a stale engine's keys come to the others.
    @Test(arguments: StoreBackend.allCases) func membershipDividesKeysAmongLiveEnginesOnly(_ backend: StoreBackend) async throws {
        let directory = try await backend.database()
        let a = EngineMembership(store: try await directory.open(), id: "kiln:h:1:a", name: "a", version: "t", ttl: 10)
        let b = EngineMembership(store: try await directory.open(), id: "kiln:h:2:b", name: "b", version: "t", ttl: 10)
        let now = Date()
        try await a.beat(now: now)
        try await b.beat(now: now)
        try await a.refresh(now: now)
        #expect(a.liveEngineIDs == b.liveEngineIDs && a.liveEngineIDs.count == 2)
        let keys = (0..<100).map { "k\($0)" }
        #expect(keys.allSatisfy { a.owns($0) != b.owns($0) }, "each key is exactly one engine's")
        // b's heartbeat is older than the TTL eleven seconds on: a owns everything.
        try await a.beat(now: now.addingTimeInterval(11))
        #expect(a.liveEngineIDs == ["kiln:h:1:a"] && keys.allSatisfy(a.owns))
        #expect(a.engines.count == 2, "the dead engine's row is still listed")
    }

    /// A restart of an engine (same name and host) removes the dead rows of its earlier starts,
    /// never a live one's nor another engine's.
    @Test(arguments: StoreBackend.allCases) func aRestartedEngineForgetsItsDeadEarlierStarts(_ backend: StoreBackend) async throws {
        let directory = try await backend.database()
        let store = try await directory.open()
        let host = ProcessInfo.processInfo.hostName
        let now = Date()
        func row(_ id: String, _ name: String, beat: Double) -> EngineRecord {
            EngineRecord(id: id, name: name, host: host, pid: 1, version: "t", startedAt: now, heartbeatAt: now.addingTimeInterval(beat))
        }
        try await store.heartbeat(row("old", "a", beat: -60))
        try await store.heartbeat(row("twin", "a", beat: -1))
        try await store.heartbeat(row("other", "b", beat: -60))
        let restarted = EngineMembership(store: store, id: "new", name: "a", version: "t", ttl: 10)
        try await restarted.forgetEarlierStarts(now: now)
        try await restarted.beat(now: now)
        #expect(Set(try await store.engines().map(\.id)) == ["twin", "other", "new"])
    }
}
