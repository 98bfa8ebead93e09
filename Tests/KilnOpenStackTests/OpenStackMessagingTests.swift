import Foundation
import KilnCloud
import KilnEmulator
import KilnModel
@testable import KilnOpenStack
import Testing

/// `OpenStackMessaging` (Zaqar v2 over REST) against `kiln serve`'s served Zaqar: the catalog's
/// `messaging` endpoint, Client-ID headers, queues, posts, pages, claims and Zaqar's errors,
/// with the emulator behind the API holding what the driver made.
@Suite("The OpenStack driver's Zaqar against kiln serve", .serialized)
struct OpenStackMessagingTests {
    @Test func queuesMessagesAndClaimsThroughTheDriver() async throws {
        try await OpenStackCloudTests().withServer { cloud, emulator in
            let zaqar = try #require(cloud.session(projectID: "ignored").messaging)
            let poster = "0f0e0d0c-0b0a-4908-8706-050403020100"
            #expect(try await zaqar.createQueue("events", metadata: ["kind": "heat"]) == true)
            #expect(try await zaqar.createQueue("events", metadata: [:]) == false)
            #expect(try await zaqar.queue("events")?.metadata["kind"] == "heat")
            #expect(try await zaqar.queue("even") == nil)  // `name=` matches substrings; only the exact name counts

            // 25 messages: more than one of Zaqar's pages of 20.
            let ids = try await zaqar.postMessages(
                queue: "events", (1...25).map { QueueMessage(body: ["n": .int($0)], ttl: 600) }, clientID: poster)
            #expect(ids.count == 25)
            let projectID = try await cloud.projectID()
            let behind = try #require(emulator.session(projectID: projectID).messaging)
            #expect(try await behind.message(queue: "events", id: ids[0])?.clientID == poster)

            let all = try await zaqar.messages(queue: "events", MessageQuery(limit: 30, clientID: UUID().uuidString))
            #expect(all.messages.map(\.id) == ids && all.messages.first?.body == ["n": 1] && all.messages.first?.ttl == 600)
            // The poster sees its own messages only with echo.
            #expect(try await zaqar.messages(queue: "events", MessageQuery(limit: 5, clientID: poster)).messages.isEmpty)
            #expect(try await zaqar.messages(queue: "events", MessageQuery(limit: 5, echo: true, clientID: poster)).messages.count == 5)
            #expect(try await zaqar.messages(queue: "events", ids: [ids[3], ids[1]]).map(\.id) == [ids[1], ids[3]])
            #expect(try await zaqar.message(queue: "events", id: "missing") == nil)

            let claim = try #require(try await zaqar.claimMessages(queue: "events", ttl: 120, grace: 60, limit: 2))
            #expect(claim.messages.map(\.id) == Array(ids.prefix(2)) && claim.messages.allSatisfy { $0.claimID == claim.id })
            let shown = try #require(try await zaqar.claim(queue: "events", id: claim.id))
            #expect(shown.ttl == 120 && shown.messages.count == 2)
            try await zaqar.updateClaim(queue: "events", id: claim.id, ttl: 300, grace: 60)
            #expect(try await zaqar.claim(queue: "events", id: claim.id)?.ttl == 300)
            var refusal: CloudError?
            do { try await zaqar.deleteMessage(queue: "events", id: ids[0], claimID: nil) } catch let error as CloudError { refusal = error }
            #expect(refusal?.httpStatus == 403 && refusal?.message == "This message is claimed; it cannot be deleted without a valid claim ID.")
            try await zaqar.deleteMessage(queue: "events", id: ids[0], claimID: claim.id)
            let stats = try await zaqar.queueStats("events")
            #expect(stats.claimed == 1 && stats.free == 23 && stats.oldest?.id == ids[1] && stats.newest?.id == ids[24])
            try await zaqar.releaseClaim(queue: "events", id: claim.id)
            #expect(try await zaqar.claim(queue: "events", id: claim.id) == nil)

            #expect(try await zaqar.popMessages(queue: "events", limit: 2).map(\.id) == [ids[1], ids[2]])
            try await zaqar.deleteMessages(queue: "events", ids: Array(ids[3...]))
            #expect(try await zaqar.queueStats("events").total == 0)
            #expect(try await zaqar.claimMessages(queue: "events", ttl: 60, grace: 60, limit: 5) == nil)

            try await zaqar.setQueueMetadata("events", ["kind": "stack", "_default_message_ttl": 300])
            #expect(try await behind.queue("events")?.metadata == ["kind": "stack", "_default_message_ttl": 300])
            #expect(try await zaqar.queues(marker: nil, limit: 50).map(\.name) == ["events"])
            try await zaqar.deleteQueue("events")
            #expect(try await zaqar.queues(marker: nil, limit: 50).isEmpty)
            // Signed in, the session still offers Zaqar: the catalog lists it.
            #expect(cloud.session(projectID: "ignored").messaging != nil && cloud.mayHaveMessaging())

            // Zaqar's refusals come back with its description.
            var bad: CloudError?
            do { _ = try await zaqar.postMessages(queue: "bad name", [QueueMessage(body: 1, ttl: 60)], clientID: poster) } catch let error as CloudError { bad = error }
            #expect(bad?.kind == .badRequest && bad?.message == "The format of the submitted queue name or project id is not valid.")
            var short: CloudError?
            do { _ = try await zaqar.postMessages(queue: "q", [QueueMessage(body: 1, ttl: 5)], clientID: "not-a-uuid") } catch let error as CloudError { short = error }
            #expect(short?.message == "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long.")
        }
    }

    /// Zaqar's catalog URL is its unversioned root (`http://host:8888`): the driver adds `/v2`;
    /// a catalog without a `messaging` service has none.
    @Test func theMessagingEndpointComesFromTheCatalog() throws {
        func catalog(_ services: [Value]) -> Value { ["token": ["catalog": .list(services)]] }
        func zaqar(_ url: String) -> Value {
            ["type": "messaging", "name": "zaqar", "endpoints": [["interface": "public", "region_id": "RegionOne", "url": .string(url)]]]
        }
        #expect(try OpenStackAPI.endpoint(.messaging, catalog: catalog([zaqar("http://zaqar:8888")]), region: nil, interface: "public")
            == "http://zaqar:8888/v2")
        #expect(try OpenStackAPI.endpoint(.messaging, catalog: catalog([zaqar("https://cloud/messaging/v2/")]), region: "RegionOne",
                                          interface: "public") == "https://cloud/messaging/v2")
        #expect(throws: (any Error).self) {
            try OpenStackAPI.endpoint(.messaging, catalog: catalog([]), region: nil, interface: "public")
        }
        #expect(OpenStackService.messaging.headers["Client-ID"].flatMap(UUID.init(uuidString:)) != nil)
    }
}
