import Foundation
import Hummingbird
import KilnCloud
import KilnEmulator
import KilnModel
import KilnServer
import KilnStore
import Testing

/// Zaqar's v2 API subset over real HTTP on loopback: the catalog, the version document, queues,
/// messages (post, list, echo, ids, delete, pop), claims and Zaqar's errors (bad names, a
/// missing or malformed Client-ID, bad limits, a claimed message deleted without its claim).
@Suite("Messaging (Zaqar) API served by kiln serve")
struct MessagingAPITests {
    static let me = "3f2a4f3e-0a0b-4c4d-8e8f-101112131415"
    static let other = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

    static func fixture() async throws -> ServerFixture {
        try await ServerFixture(cloud: { store in try await EmulatedCloud(store: store) })
    }

    @Test func queuesMessagesAndClaimsAsZaqarShowsThem() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { client in
            let (token, _) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let signedIn = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": ["name": "admin", "password": .string(fixture.adminPassword),
                                                                            "domain": ["name": "Default"]]]],
                "scope": ["project": ["name": "admin", "domain": ["name": "Default"]]]]])
            let catalog = signedIn.json["token"]["catalog"].listValue ?? []
            let entry = try #require(catalog.first { $0["type"] == "messaging" })
            #expect(entry["name"] == "zaqar" && entry["endpoints"][0]["url"].stringValue?.hasSuffix("/messaging") == true)
            let versions = try await client.call(.get, "/messaging")
            #expect(versions.status == .multipleChoices && versions.json["versions"][0]["id"] == "2")

            func zaqar(_ method: HTTPRequest.Method, _ path: String, body: Value? = nil, client id: String = Self.me) async throws
                -> ServerFixture.Client.Reply {
                try await client.call(method, "/messaging/v2" + path, token: token, body: body, headers: ["Client-ID": id])
            }
            #expect(try await zaqar(.get, "").json["resources"]["rel/queues"]["href-template"].stringValue?.hasPrefix("/v2/queues") == true)

            let made = try await zaqar(.put, "/queues/jobs", body: ["color": "blue", "_default_message_ttl": 120])
            #expect(made.status == .created)
            #expect(try await zaqar(.put, "/queues/jobs", body: [:]).status == .noContent)
            let meta = try await zaqar(.get, "/queues/jobs")
            #expect(meta.json["color"] == "blue" && meta.json["_default_message_ttl"] == 120 && meta.json["_max_messages_post_size"] == 262_144)

            let posted = try await zaqar(.post, "/queues/jobs/messages", body: ["messages": [
                ["body": ["event": "one"]], ["ttl": 300, "body": "two"],
            ]])
            #expect(posted.status == .created)
            let hrefs = posted.json["resources"].listValue?.compactMap(\.stringValue) ?? []
            #expect(hrefs.count == 2 && hrefs.allSatisfy { $0.hasPrefix("/v2/queues/jobs/messages/") })
            let ids = hrefs.map { String($0.split(separator: "/").last!) }
            #expect(posted.headers[.location] == "/v2/queues/jobs/messages?ids=\(ids.joined(separator: ","))")
            // A second queue made by posting; the listing is by name.
            #expect(try await zaqar(.post, "/queues/auto/messages", body: ["messages": [["body": 1]]]).status == .created)
            let queues = try await zaqar(.get, "/queues?limit=1")
            #expect(queues.json["queues"] == [["name": "auto", "href": "/v2/queues/auto"]])
            #expect(queues.json["links"][0]["href"].stringValue?.contains("marker=auto") == true)
            let detailed = try await zaqar(.get, "/queues?detailed=true&with_count=true")
            #expect(detailed.json["queues"][1]["metadata"]["color"] == "blue" && detailed.json["count"] == 2)

            // My own messages only with echo; the queue's default ttl applied.
            #expect(try await zaqar(.get, "/queues/jobs/messages").json["messages"] == [])
            let echoed = try await zaqar(.get, "/queues/jobs/messages?echo=true")
            #expect(echoed.json["messages"][0]["body"] == ["event": "one"] && echoed.json["messages"][0]["ttl"] == 120)
            #expect(echoed.json["messages"][1]["href"] == .string(hrefs[1]) && (echoed.json["messages"][1]["age"].numberValue ?? -1) >= 0)
            let listed = try await zaqar(.get, "/queues/jobs/messages?limit=1", client: Self.other)
            #expect(listed.json["messages"].listValue?.count == 1)
            let next = try #require(listed.json["links"][0]["href"].stringValue)
            #expect(next.hasPrefix("/v2/queues/jobs/messages?marker="))
            let rest = try await client.call(.get, "/messaging" + next, token: token, headers: ["Client-ID": Self.other])
            #expect(rest.json["messages"][0]["body"] == "two")
            let byIDs = try await zaqar(.get, "/queues/jobs/messages?ids=\(ids[1]),\(ids[0])")
            #expect(byIDs.json["messages"].listValue?.compactMap { $0["id"].stringValue } == ids)
            #expect(try await zaqar(.get, "/queues/jobs/messages/\(ids[0])").json["body"] == ["event": "one"])
            #expect(try await zaqar(.get, "/queues/jobs/messages/nope").status == .notFound)

            // A claim of one message: its href names the claim; the claimed one is hidden.
            let claimed = try await zaqar(.post, "/queues/jobs/claims?limit=1", body: ["ttl": 60, "grace": 60])
            #expect(claimed.status == .created)
            let claimHref = try #require(claimed.json["messages"][0]["href"].stringValue)
            let claimID = try #require(claimHref.split(separator: "=").last.map(String.init))
            #expect(claimHref == "/v2/queues/jobs/messages/\(ids[0])?claim_id=\(claimID)")
            #expect(claimed.headers[.location] == "/v2/queues/jobs/claims/\(claimID)")
            #expect(try await zaqar(.get, "/queues/jobs/messages?echo=true").json["messages"].listValue?.count == 1)
            #expect(try await zaqar(.get, "/queues/jobs/messages?echo=true&include_claimed=true").json["messages"].listValue?.count == 2)
            let stats = try await zaqar(.get, "/queues/jobs/stats")
            #expect(stats.json["messages"]["claimed"] == 1 && stats.json["messages"]["free"] == 1 && stats.json["messages"]["total"] == 2)
            #expect(stats.json["messages"]["oldest"]["href"] == .string("/v2/queues/jobs/messages/\(ids[0])"))
            let claim = try await zaqar(.get, "/queues/jobs/claims/\(claimID)")
            #expect(claim.json["ttl"] == 60 && claim.json["messages"].listValue?.count == 1
                && claim.json["href"] == .string("/v2/queues/jobs/claims/\(claimID)"))
            #expect(try await zaqar(.patch, "/queues/jobs/claims/\(claimID)", body: ["ttl": 120]).status == .noContent)
            #expect(try await zaqar(.get, "/queues/jobs/claims/\(claimID)").json["ttl"] == 120)

            // Deleting a claimed message needs its claim.
            let refused = try await zaqar(.delete, "/queues/jobs/messages/\(ids[0])")
            #expect(refused.status == .forbidden && refused.json["title"] == "Unable to delete")
            #expect(refused.json["description"] == "This message is claimed; it cannot be deleted without a valid claim ID.")
            #expect(try await zaqar(.delete, "/queues/jobs/messages/\(ids[0])?claim_id=\(claimID)").status == .noContent)
            #expect(try await zaqar(.delete, "/queues/jobs/claims/\(claimID)").status == .noContent)
            #expect(try await zaqar(.get, "/queues/jobs/claims/\(claimID)").status == .notFound)
            #expect(try await zaqar(.post, "/queues/jobs/claims", body: ["ttl": 60]).status == .created)
            #expect(try await zaqar(.post, "/queues/jobs/claims").status == .noContent)

            // Pop takes free messages; bulk delete takes any.
            _ = try await zaqar(.post, "/queues/jobs/messages", body: ["messages": [["body": "three"]]])
            let popped = try await zaqar(.delete, "/queues/jobs/messages?pop=5")
            #expect(popped.status == .ok && popped.json["messages"].listValue?.compactMap { $0["body"].stringValue } == ["three"])
            #expect(try await zaqar(.delete, "/queues/jobs/messages?ids=\(ids[1])").status == .noContent)
            #expect(try await zaqar(.get, "/queues/jobs/stats").json["messages"] == ["claimed": 0, "free": 0, "total": 0])

            // Metadata by Zaqar's JSON patch, then the queue deleted.
            let patched = try await client.call(.patch, "/messaging/v2/queues/jobs", token: token,
                                                body: [["op": "add", "path": "/metadata/size", "value": 3], ["op": "remove", "path": "/metadata/color"]],
                                                headers: ["Client-ID": Self.me, "Content-Type": "application/openstack-messaging-v2.0-json-patch"])
            #expect(patched.status == .ok && patched.json["size"] == 3 && patched.json["color"] == .null)
            #expect(try await zaqar(.delete, "/queues/jobs").status == .noContent)

            // A delayed queue: `delay` is honoured (its default when left out), delayed messages listed only on request.
            #expect(try await zaqar(.put, "/queues/slow", body: ["_default_message_delay": 60]).status == .created)
            _ = try await zaqar(.post, "/queues/slow/messages", body: ["messages": [["body": "held"], ["body": "at once", "delay": 0]]])
            let visible = try await zaqar(.get, "/queues/slow/messages", client: Self.other)
            #expect(visible.json["messages"].listValue?.compactMap { $0["body"].stringValue } == ["at once"])
            let delayed = try await zaqar(.get, "/queues/slow/messages?include_delayed=true", client: Self.other)
            #expect(delayed.json["messages"].listValue?.compactMap { $0["body"].stringValue } == ["held", "at once"])
            // Elsewhere Zaqar ignores `delay`.
            _ = try await zaqar(.post, "/queues/fast/messages", body: ["messages": [["body": "now", "delay": 60]]])
            #expect(try await zaqar(.get, "/queues/fast/messages", client: Self.other).json["messages"].listValue?.count == 1)
            _ = try await zaqar(.delete, "/queues/slow")
            _ = try await zaqar(.delete, "/queues/fast")
            #expect(try await zaqar(.get, "/queues").json["queues"] == [["name": "auto", "href": "/v2/queues/auto"]])
        }
    }

    @Test func zaqarsRefusals() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { client in
            let (token, _) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            #expect(try await client.call(.get, "/messaging/v2/queues", headers: ["Client-ID": Self.me]).status == .unauthorized)

            let missing = try await client.call(.get, "/messaging/v2/queues", token: token)
            #expect(missing.status == .badRequest && missing.json["title"] == "Missing header value")
            #expect(missing.json["description"] == "The Client-ID header is required.")
            let malformed = try await client.call(.get, "/messaging/v2/queues", token: token, headers: ["Client-ID": "not-a-uuid"])
            #expect(malformed.status == .badRequest && malformed.json == ["title": "Wrong UUID value", "description": "Malformed hexadecimal UUID."])

            func zaqar(_ method: HTTPRequest.Method, _ path: String, body: Value? = nil, raw: String? = nil) async throws
                -> ServerFixture.Client.Reply {
                try await client.call(method, "/messaging/v2" + path, token: token, body: body, raw: raw, headers: ["Client-ID": Self.me])
            }
            for name in ["bad%20name", "b%C3%A9", String(repeating: "q", count: 65)] {
                let bad = try await zaqar(.put, "/queues/\(name)")
                #expect(bad.status == .badRequest && bad.json["title"] == "Invalid queue identification")
                #expect(bad.json["description"] == "The format of the submitted queue name or project id is not valid.")
            }
            #expect(try await zaqar(.put, "/queues/\(String(repeating: "q", count: 64))").status == .created)
            #expect(try await zaqar(.put, "/queues/bad-ttl", body: ["_default_message_ttl": 30]).status == .badRequest)
            let huge = try await zaqar(.put, "/queues/huge", body: ["blob": .string(String(repeating: "x", count: 70_000))])
            #expect(huge.status == .badRequest && huge.json["description"] == "Queue metadata is too large. Max size: 65536")
            #expect(try await zaqar(.patch, "/queues/huge", body: [["op": "add", "path": "/metadata/a", "value": 1]]).status
                == .unsupportedMediaType)

            let noMessages = try await zaqar(.post, "/queues/q/messages", body: ["nothing": []])
            #expect(noMessages.json == ["title": "Invalid API request", "description": "No messages were found in the request body."])
            let noBody = try await zaqar(.post, "/queues/q/messages", body: ["messages": [["ttl": 60]]])
            #expect(noBody.json == ["title": "Invalid request body", "description": "Missing \"body\" field."])
            let shortTTL = try await zaqar(.post, "/queues/q/messages", body: ["messages": [["ttl": 10, "body": 1]]])
            #expect(shortTTL.status == .badRequest
                && shortTTL.json["description"] == "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long.")
            #expect(try await zaqar(.post, "/queues/q/messages", body: ["messages": [["ttl": "60", "body": 1]]]).status == .badRequest)
            #expect(try await zaqar(.post, "/queues/q/messages", raw: "{not json").status == .badRequest)

            #expect(try await zaqar(.get, "/queues/q/messages?limit=21").json["description"]
                == "Limit must be at least 1 and may not be greater than 20.")
            #expect(try await zaqar(.get, "/queues/q/messages?limit=x").json["title"] == "Invalid parameter")
            #expect(try await zaqar(.get, "/queues/q/messages?ids=nope").status == .notFound)
            #expect(try await zaqar(.delete, "/queues/q/messages").status == .badRequest)
            #expect(try await zaqar(.delete, "/queues/q/messages?ids=a&pop=1").status == .badRequest)
            #expect(try await zaqar(.post, "/queues/q/claims", body: ["ttl": 10]).json["description"]
                == "The TTL for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.")
            #expect(try await zaqar(.patch, "/queues/q/claims/nope", body: ["ttl": 60]).status == .notFound)
            #expect(try await zaqar(.post, "/queues/q/stats").status == .methodNotAllowed)
            #expect(try await zaqar(.get, "/queues/q/nothing").status == .notFound)
            // Another project's token sees its own (empty) queues.
            let (alice, _) = try #require(try await client.signIn(user: "alice", password: "alice-secret", project: "other"))
            let theirs = try await client.call(.get, "/messaging/v2/queues", token: alice, headers: ["Client-ID": Self.me])
            #expect(theirs.json == ["queues": [], "links": []])
        }
    }
}
