import Foundation
import Hummingbird
import KilnModel
import KilnServer
import KilnStore
import Testing

/// The notification outbox's admin API: administrators list what waits (with the sink's secret
/// never shown) and retry; members are refused with Heat's 403.
@Suite struct NotificationAPITests {
    @Test func adminsListAndRetryMembersAreRefused() async throws {
        let fixture = try ServerFixture(users: [.init(name: "mike", project: "admin", roles: ["member"])])
        try await fixture.run { client in
            let admin = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let base = "/v1/\(admin.projectID)"
            // Port 9 (discard) on loopback: nothing listens, so everything waits or fails.
            let environment = "event_sinks:\n  - {type: webhook, url: 'http://127.0.0.1:9/hook', secret: top-secret-key}\n"
            let created = try await client.call(.post, "\(base)/stacks", token: admin.token, body: [
                "stack_name": "n", "template": helloTemplate, "environment": .string(environment),
            ])
            #expect(created.status == .created, "\(created.json)")
            let url = pathOf(created.json["stack"]["links"][0]["href"].stringValue ?? "")
            _ = try await client.waitForStack(url, token: admin.token)

            let listed = try await client.call(.get, "\(base)/notifications", token: admin.token)
            #expect(listed.status == .ok)
            let rows = listed.json["notifications"].listValue ?? []
            #expect(rows.count >= 2, "\(listed.json)")
            #expect(rows.first?["event_type"] == "orchestration.stack.create.start")
            #expect(rows.first?["sink"] == "webhook http://127.0.0.1:9/hook")
            #expect(!listed.json.jsonText().contains("top-secret-key"))
            // Nor in the stack's environment, nor in validate's echo of it.
            let shown = try await client.call(.get, "\(url)/environment", token: admin.token)
            #expect(shown.status == .ok)
            #expect(shown.json["event_sinks"][0]["secret"] == "******", "\(shown.json)")
            #expect(!shown.json.jsonText().contains("top-secret-key"))
            let validated = try await client.call(.post, "\(base)/validate", token: admin.token, body: [
                "template": helloTemplate, "environment": .string(environment),
            ])
            #expect(validated.status == .ok)
            #expect(!validated.json.jsonText().contains("top-secret-key"), "\(validated.json)")
            let failed = try await client.call(.get, "\(base)/notifications?state=failed", token: admin.token)
            #expect(failed.status == .ok)
            let bad = try await client.call(.get, "\(base)/notifications?state=weird", token: admin.token)
            #expect(bad.status == .badRequest)
            let missing = try await client.call(.post, "\(base)/notifications/nothing/retry", token: admin.token, body: [:])
            #expect(missing.status == .notFound)

            let member = try #require(try await client.signIn(user: "mike", password: "mike-secret", project: "admin"))
            let refused = try await client.call(.get, "\(base)/notifications", token: member.token)
            #expect(refused.status == .forbidden)
            #expect(refused.json["error"]["message"] == "You are not authorized to complete notifications:index action.")
            let retry = try await client.call(.post, "\(base)/notifications/x/retry", token: member.token, body: [:])
            #expect(retry.status == .forbidden)
        }
    }
}
