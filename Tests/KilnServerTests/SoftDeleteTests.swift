import Foundation
import Hummingbird
import KilnModel
import KilnServer
import Testing

/// Heat's soft delete: a deleted stack stays readable by id with DELETE_COMPLETE and its
/// events, is hidden from lists (and by name) unless `show_deleted=true`.
@Suite struct SoftDeleteTests {
    @Test func aDeletedStackIsReadableByIDAndListedOnlyWhenAsked() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "gone", "template": helloTemplate,
            ])
            let url = pathOf(created.json["stack"]["links"][0]["href"].stringValue ?? "")
            let id = try #require(created.json["stack"]["id"].stringValue)
            _ = try await client.waitForStack(url, token: token)
            #expect(try await client.call(.delete, url, token: token).status == .noContent)
            var shown = try await client.call(.get, url, token: token)
            for _ in 0..<100 where shown.json["stack"]["stack_status"] != "DELETE_COMPLETE" {
                try await Task.sleep(nanoseconds: 50_000_000)
                shown = try await client.call(.get, url, token: token)
            }
            #expect(shown.status == .ok)
            #expect(shown.json["stack"]["stack_status"] == "DELETE_COMPLETE")
            let events = try await client.call(.get, "\(url)/events?sort_dir=asc", token: token)
            #expect(events.json["events"].listValue?.last?["resource_status_reason"] == "Stack DELETE completed successfully")
            let listed = try await client.call(.get, "/v1/\(project)/stacks", token: token)
            #expect(listed.json["stacks"].listValue?.isEmpty == true)
            let withDeleted = try await client.call(.get, "/v1/\(project)/stacks?show_deleted=true", token: token)
            #expect(withDeleted.json["stacks"].listValue?.map { $0["id"] } == [.string(id)])
            #expect(try await client.call(.get, "/v1/\(project)/stacks/gone", token: token).status == .notFound)
            // The name is free again.
            let again = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "gone", "template": helloTemplate,
            ])
            #expect(again.status == .created)
        }
    }
}
