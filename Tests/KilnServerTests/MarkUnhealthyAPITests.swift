import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnServer
import KilnTemplate

/// `PATCH S/resources/{name}` (mark unhealthy), signals to types without a handler and the
/// `type=` filter, as heat-tempest-plugin's resources gabbit drives them.
@Suite struct MarkUnhealthyAPITests {
    static let template: Value = [
        "heat_template_version": "2016-04-08",
        "parameters": ["test_val": ["type": "string", "default": "test"]],
        "resources": ["test": ["type": "OS::Heat::TestResource", "properties": ["value": ["get_param": "test_val"]]]],
    ]

    /// Creates the stack and waits for it; its canonical path.
    func createStack(_ client: ServerFixture.Client, token: String, project: String) async throws -> String {
        let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
            "stack_name": "rsrc", "template": Self.template, "parameters": [:], "files": [:], "disable_rollback": true,
        ])
        #expect(created.status == .created)
        let path = pathOf(try #require(created.headers[.location]))
        let done = try await client.waitForStack(path, token: token)
        #expect(done["stack_status"] == "CREATE_COMPLETE")
        return path
    }

    @Test func markUnhealthyThenHealthyAgain() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let stack = try await createStack(client, token: token, project: project)
            let resource = "\(stack)/resources/test"

            let filtered = try await client.call(.get, "\(stack)/resources?type=OS::Nova::Server", token: token)
            #expect(filtered.json == ["resources": []])
            let matching = try await client.call(.get, "\(stack)/resources?type=OS::Heat::TestResource", token: token)
            #expect(matching.json["resources"][0]["logical_resource_id"] == "test")

            let marked = try await client.call(.patch, resource, token: token,
                                               body: ["mark_unhealthy": true, "resource_status_reason": "resource deleted"])
            #expect(marked.status == .ok)
            let shown = try await client.call(.get, resource, token: token)
            #expect(shown.json["resource"]["resource_status"] == "CHECK_FAILED")
            #expect(shown.json["resource"]["resource_status_reason"] == "resource deleted")
            let events = try await client.call(.get, "\(resource)/events?sort_dir=asc", token: token)
            #expect(events.json["events"].listValue?.last?["resource_status"] == "CHECK_FAILED")

            // By physical id, with the flag as text.
            let physicalID = try #require(shown.json["resource"]["physical_resource_id"].stringValue)
            let healed = try await client.call(.patch, "\(stack)/resources/\(physicalID)", token: token,
                                               body: ["mark_unhealthy": "false", "resource_status_reason": "fixed"])
            #expect(healed.status == .ok)
            let again = try await client.call(.get, resource, token: token)
            #expect(again.json["resource"]["resource_status"] == "CHECK_COMPLETE")
            #expect(again.json["resource"]["resource_status_reason"] == "fixed")
        }
    }

    @Test func badRequestsAndSignals() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let stack = try await createStack(client, token: token, project: project)
            let resource = "\(stack)/resources/test"

            let missing = try await client.call(.patch, resource, token: token, body: ["resource_status_reason": "x"])
            #expect(missing.status == .badRequest)
            #expect(missing.json["error"]["message"] == "Missing mandatory (mark_unhealthy) key from mark unhealthy request")
            let extra = try await client.call(.patch, resource, token: token, body: ["mark_unhealthy": true, "color": "red"])
            #expect(extra.status == .badRequest)
            #expect(extra.json["error"]["message"] == "Invalid keys in resource mark unhealthy {'color'}")
            let notBool = try await client.call(.patch, resource, token: token, body: ["mark_unhealthy": "maybe"])
            #expect(notBool.status == .badRequest)
            let unknown = try await client.call(.patch, "\(stack)/resources/nope", token: token, body: ["mark_unhealthy": true])
            #expect(unknown.status == .notFound)
            // Nothing above changed the resource.
            let shown = try await client.call(.get, resource, token: token)
            #expect(shown.json["resource"]["resource_status"] == "CREATE_COMPLETE")

            let signal = try await client.call(.post, "\(resource)/signal", token: token)
            #expect(signal.status == .badRequest)
            #expect(signal.json["error"]["type"] == "ResourceActionNotSupported")
            #expect(signal.json["error"]["message"] == "signal is not supported for resource.")
        }
    }
}
