import Foundation
import KilnCloud
import KilnEmulator
import KilnModel
import KilnStore
import Testing

/// The emulated Zaqar on a clock the test moves: queues made on first post, ttl expiry,
/// delays, `echo`, claims (limit, hiding, expiry, renewal, release, grace), deletes with and without
/// the claim, pop, stats and projects kept apart.
@Suite("Emulated Zaqar: queues, messages, claims")
struct MessagingTests {
    struct Fixture {
        let clock = TestClock()
        let cloud: EmulatedCloud
        let zaqar: any MessagingService

        init() async throws {
            let clock = self.clock
            cloud = try await EmulatedCloud(store: try SQLiteStore.inMemory(), clock: { clock.now })
            zaqar = try #require(cloud.session(projectID: "demo").messaging)
        }

        func post(_ queue: String, _ bodies: [Value], ttl: Int = 3600, client: String = "poster") async throws -> [String] {
            try await zaqar.postMessages(queue: queue, bodies.map { QueueMessage(body: $0, ttl: ttl) }, clientID: client)
        }

        /// Bodies listed to another client, claimed ones too unless `includeClaimed` is false.
        func bodies(_ queue: String, includeClaimed: Bool = false, client: String = "reader", echo: Bool = false) async throws -> [Value] {
            try await zaqar.messages(queue: queue, MessageQuery(limit: 20, echo: echo, includeClaimed: includeClaimed, clientID: client))
                .messages.map(\.body)
        }
    }

    @Test func postingMakesTheQueueAndListsInOrderWithAgeAndTTL() async throws {
        let fixture = try await Fixture()
        #expect(try await fixture.zaqar.queue("events") == nil)
        let ids = try await fixture.post("events", [["n": 1], ["n": 2], "three"], ttl: 120)
        #expect(ids.count == 3 && Set(ids).count == 3)
        #expect(try await fixture.zaqar.queue("events") == MessageQueueInfo(name: "events", metadata: [:]))
        fixture.clock.advance(30)
        let page = try await fixture.zaqar.messages(queue: "events", MessageQuery(limit: 2, clientID: "reader"))
        #expect(page.messages.map(\.id) == Array(ids.prefix(2)))
        #expect(page.messages.map(\.age) == [30, 30] && page.messages.map(\.ttl) == [120, 120])
        #expect(page.messages.map(\.clientID) == ["poster", "poster"])
        let next = try await fixture.zaqar.messages(queue: "events", MessageQuery(marker: page.marker, limit: 2, clientID: "reader"))
        #expect(next.messages.map(\.body) == ["three"])
        #expect(try await fixture.zaqar.messages(queue: "events", MessageQuery(marker: "junk", clientID: "reader")).messages.isEmpty)
        #expect(try await fixture.zaqar.message(queue: "events", id: ids[1])?.body == ["n": 2])
        #expect(try await fixture.zaqar.messages(queue: "events", ids: [ids[2], "nope", ids[0]]).map(\.id) == [ids[0], ids[2]])
        // Another project sees none of it.
        let other = try #require(fixture.cloud.session(projectID: "other").messaging)
        #expect(try await other.queues(marker: nil, limit: 10).isEmpty)
        #expect(try await other.message(queue: "events", id: ids[0]) == nil)
    }

    @Test func expiredMessagesAreInvisibleAndSwept() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.post("q", ["short"], ttl: 60)
        _ = try await fixture.post("q", ["long"], ttl: 600)
        fixture.clock.advance(59)
        #expect(try await fixture.bodies("q") == ["short", "long"])
        fixture.clock.advance(2)
        #expect(try await fixture.bodies("q") == ["long"])
        #expect(try await fixture.zaqar.queueStats("q").total == 1)
        _ = try await fixture.post("q", ["later"])
        #expect(try await fixture.cloud.store.cloudRead { try $0.rows(kind: "message", projectID: "demo", parentID: nil).count } == 2)
    }

    @Test func ttlOutsideZaqarsRangeAndBadQueueNamesAreRefused() async throws {
        let fixture = try await Fixture()
        #expect(await cloudError { _ = try await fixture.post("q", ["x"], ttl: 59) }?.kind == .badRequest)
        #expect(await cloudError { _ = try await fixture.post("q", ["x"], ttl: 1_209_601) }?.kind == .badRequest)
        #expect(await cloudError { _ = try await fixture.post("bad name", ["x"]) }?.kind == .badRequest)
        #expect(await cloudError { _ = try await fixture.post(String(repeating: "q", count: 65), ["x"]) }?.kind == .badRequest)
        #expect(await cloudError { _ = try await fixture.zaqar.postMessages(queue: "q", [], clientID: "c") }?.kind == .badRequest)
        #expect(try await fixture.zaqar.queues(marker: nil, limit: 10).isEmpty)
    }

    @Test func delayedMessagesAreNeitherListedNorClaimedUntilTheirDelayPasses() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.zaqar.postMessages(
            queue: "q", [QueueMessage(body: "later", ttl: 600, delay: 30), QueueMessage(body: "now", ttl: 600)], clientID: "poster")
        #expect(try await fixture.bodies("q") == ["now"])
        let all = try await fixture.zaqar.messages(queue: "q", MessageQuery(limit: 20, includeDelayed: true, clientID: "reader"))
        #expect(all.messages.map(\.body) == ["later", "now"])
        #expect(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 5)?.messages.map(\.body) == ["now"])
        fixture.clock.advance(30)
        #expect(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 5)?.messages.map(\.body) == ["later"])
        #expect(await cloudError {
            _ = try await fixture.zaqar.postMessages(queue: "q", [QueueMessage(body: 1, ttl: 60, delay: 901)], clientID: "c")
        }?.kind == .badRequest)
    }

    @Test func echoShowsAClientItsOwnMessagesOnlyWhenAsked() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.post("q", ["mine"], client: "me")
        _ = try await fixture.post("q", ["theirs"], client: "them")
        #expect(try await fixture.bodies("q", client: "me") == ["theirs"])
        #expect(try await fixture.bodies("q", client: "me", echo: true) == ["mine", "theirs"])
    }

    @Test func claimsHoldUpToLimitHideThemAndExpire() async throws {
        let fixture = try await Fixture()
        let ids = try await fixture.post("q", ["a", "b", "c"])
        let claim = try #require(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 2))
        #expect(claim.messages.map(\.id) == Array(ids.prefix(2)) && claim.messages.allSatisfy { $0.claimID == claim.id })
        #expect(try await fixture.bodies("q") == ["c"])
        #expect(try await fixture.bodies("q", includeClaimed: true) == ["a", "b", "c"])
        let stats = try await fixture.zaqar.queueStats("q")
        #expect(stats.claimed == 2 && stats.free == 1 && stats.total == 3 && stats.oldest?.id == ids[0] && stats.newest?.id == ids[2])
        // Only "c" is left to claim; then nothing.
        let second = try #require(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 10))
        #expect(second.messages.map(\.body) == ["c"])
        #expect(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 10) == nil)

        fixture.clock.advance(30)
        let shown = try #require(try await fixture.zaqar.claim(queue: "q", id: claim.id))
        #expect(shown.age == 30 && shown.ttl == 60 && shown.messages.map(\.body) == ["a", "b"])
        // Renewed for 120 s from now: still held 90 s later, gone after.
        try await fixture.zaqar.updateClaim(queue: "q", id: claim.id, ttl: 120, grace: 60)
        fixture.clock.advance(90)
        #expect(try await fixture.zaqar.claim(queue: "q", id: claim.id)?.age == 90)
        #expect(try await fixture.zaqar.claim(queue: "q", id: second.id) == nil)  // 60 s passed long ago
        fixture.clock.advance(31)
        #expect(try await fixture.zaqar.claim(queue: "q", id: claim.id) == nil)
        #expect(try await fixture.bodies("q") == ["a", "b", "c"])
        #expect(await cloudError { try await fixture.zaqar.updateClaim(queue: "q", id: claim.id, ttl: 60, grace: 60) }?.kind == .notFound)
        // Claimed again, each message counts its claims.
        let again = try #require(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 1))
        #expect(again.messages.first?.claimCount == 2)
    }

    @Test func aClaimKeepsItsMessagesAliveThroughItsGrace() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.post("q", ["short"], ttl: 60)
        let claim = try #require(try await fixture.zaqar.claimMessages(queue: "q", ttl: 300, grace: 100, limit: 1))
        #expect(claim.messages.first?.ttl == 400)
        fixture.clock.advance(350)
        #expect(try await fixture.bodies("q") == ["short"])  // the claim expired; the grace still holds it
        fixture.clock.advance(60)
        #expect(try await fixture.bodies("q", includeClaimed: true).isEmpty)
    }

    @Test func releasingAClaimFreesItsMessages() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.post("q", ["a"])
        let claim = try #require(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 5))
        #expect(try await fixture.bodies("q").isEmpty)
        try await fixture.zaqar.releaseClaim(queue: "q", id: claim.id)
        try await fixture.zaqar.releaseClaim(queue: "q", id: claim.id)  // gone already
        #expect(try await fixture.bodies("q") == ["a"])
        #expect(try await fixture.zaqar.claim(queue: "q", id: claim.id) == nil)
    }

    @Test func aClaimedMessageIsDeletedOnlyWithItsClaim() async throws {
        let fixture = try await Fixture()
        let ids = try await fixture.post("q", ["a", "b"])
        let claim = try #require(try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 1))
        let withoutClaim = await cloudError { try await fixture.zaqar.deleteMessage(queue: "q", id: ids[0], claimID: nil) }
        #expect(withoutClaim?.httpStatus == 403)
        #expect(withoutClaim?.message == "This message is claimed; it cannot be deleted without a valid claim ID.")
        #expect(await cloudError { try await fixture.zaqar.deleteMessage(queue: "q", id: ids[0], claimID: "another") }?.httpStatus == 403)
        let unclaimed = await cloudError { try await fixture.zaqar.deleteMessage(queue: "q", id: ids[1], claimID: claim.id) }
        #expect(unclaimed?.httpStatus == 400 && unclaimed?.message == "A claim was specified, but the message is not currently claimed.")
        try await fixture.zaqar.deleteMessage(queue: "q", id: ids[0], claimID: claim.id)
        try await fixture.zaqar.deleteMessage(queue: "q", id: ids[1], claimID: nil)
        try await fixture.zaqar.deleteMessage(queue: "q", id: ids[1], claimID: nil)  // gone already
        #expect(try await fixture.zaqar.queueStats("q").total == 0)
        #expect(try await fixture.zaqar.claim(queue: "q", id: claim.id)?.messages.isEmpty == true)
    }

    @Test func bulkDeletePopAndQueueDeletion() async throws {
        let fixture = try await Fixture()
        let ids = try await fixture.post("q", ["a", "b", "c", "d", "e"])
        _ = try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 1)
        // Bulk delete ignores claims and unknown ids.
        try await fixture.zaqar.deleteMessages(queue: "q", ids: [ids[0], ids[1], "unknown"])
        #expect(try await fixture.bodies("q", includeClaimed: true) == ["c", "d", "e"])
        _ = try await fixture.zaqar.claimMessages(queue: "q", ttl: 60, grace: 60, limit: 1)
        // Pop takes free ones, oldest first.
        #expect(try await fixture.zaqar.popMessages(queue: "q", limit: 1).map(\.body) == ["d"])
        #expect(try await fixture.bodies("q", includeClaimed: true) == ["c", "e"])
        #expect(try await fixture.zaqar.createQueue("q", metadata: [:]) == false)
        try await fixture.zaqar.deleteQueue("q")
        #expect(try await fixture.zaqar.queue("q") == nil)
        #expect(try await fixture.bodies("q", includeClaimed: true).isEmpty)
        #expect(try await fixture.cloud.store.cloudRead { try $0.rows(kind: "claim", projectID: nil, parentID: nil).count } == 0)
    }

    @Test func queuesWithMetadataListByNameAfterAMarker() async throws {
        let fixture = try await Fixture()
        #expect(try await fixture.zaqar.createQueue("b", metadata: ["color": "blue"]) == true)
        #expect(try await fixture.zaqar.createQueue("a", metadata: [:]) == true)
        _ = try await fixture.post("c", ["x"])
        #expect(try await fixture.zaqar.queues(marker: nil, limit: 2).map(\.name) == ["a", "b"])
        #expect(try await fixture.zaqar.queues(marker: "b", limit: 2).map(\.name) == ["c"])
        try await fixture.zaqar.setQueueMetadata("b", ["color": "red", "_default_message_ttl": 60])
        #expect(try await fixture.zaqar.queue("b")?.metadata == ["color": "red", "_default_message_ttl": 60])
        #expect(await cloudError { try await fixture.zaqar.setQueueMetadata("zz", [:]) }?.kind == .notFound)
    }
}
