import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnServer
import KilnTemplate

@Suite struct HeatAPITests {
    @Test func requestsWithoutATokenAreRefused() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let reply = try await client.call(.get, "/v1/whatever/stacks")
            #expect(reply.status == .unauthorized)
            #expect(reply.json["error"]["type"].stringValue == "HTTPUnauthorized")
            let bad = try await client.call(.get, "/v1/whatever/stacks", token: "forged")
            #expect(bad.status == .unauthorized)
        }
    }

    @Test func stackLifecycleOverHTTP() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "s1", "template": helloTemplate, "parameters": ["name": "Kiln"],
                "disable_rollback": true, "files": [:], "environment": [:],
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["stack"]["id"].stringValue)
            let location = try #require(created.headers[.location])
            #expect(location.hasSuffix("/v1/\(project)/stacks/s1/\(id)"))

            let shown = try await client.waitForStack(pathOf(location), token: token)
            #expect(shown["stack_status"].stringValue == "CREATE_COMPLETE")
            #expect(shown["parameters"]["name"].stringValue == "Kiln")
            #expect(shown["parameters"]["OS::stack_id"].stringValue == id)
            #expect(shown["outputs"][0]["output_value"].stringValue == "Hello, Kiln!")
            #expect(shown["description"].stringValue == "hello")

            let list = try await client.call(.get, "/v1/\(project)/stacks", token: token)
            #expect(list.headers[.contentType] == "application/json")
            #expect(list.json["stacks"].listValue?.map { $0["stack_name"] } == ["s1"])

            // Lookup by name (and by id) redirects to the canonical URL, sub-path and query kept.
            let byName = try await client.call(.get, "/v1/\(project)/stacks/s1/resources?type=OS::Heat::Value", token: token)
            #expect(byName.status == .found)
            let redirected = try #require(byName.headers[.location])
            #expect(redirected.hasPrefix("http://"))
            #expect(pathOf(redirected) == "/v1/\(project)/stacks/s1/\(id)/resources?type=OS::Heat::Value")
            #expect(try await client.call(.get, "/v1/\(project)/stacks/\(id)", token: token).status == .found)

            let resources = try await client.call(.get, pathOf(redirected), token: token)
            #expect(resources.json["resources"][0]["resource_name"].stringValue == "greeting")
            #expect(resources.json["resources"][0]["resource_status"].stringValue == "CREATE_COMPLETE")
            let none = try await client.call(.get, "/v1/\(project)/stacks/s1/\(id)/resources?type=OS::Nova::Server", token: token)
            #expect(none.json["resources"] == .list([]))
            let resource = try await client.call(.get, "/v1/\(project)/stacks/s1/\(id)/resources/greeting", token: token)
            #expect(resource.json["resource"]["attributes"]["value"].stringValue == "Hello, Kiln!")

            let outputs = try await client.call(.get, "/v1/\(project)/stacks/s1/\(id)/outputs", token: token)
            #expect(outputs.json["outputs"][0]["output_key"].stringValue == "greeting")
            let output = try await client.call(.get, "/v1/\(project)/stacks/s1/\(id)/outputs/greeting", token: token)
            #expect(output.json["output"]["output_value"].stringValue == "Hello, Kiln!")

            let events = try await client.call(.get, "/v1/\(project)/stacks/s1/\(id)/events?sort_dir=asc", token: token)
            let all = events.json["events"].listValue ?? []
            #expect(all.first?["resource_status_reason"].stringValue == "Stack CREATE started")
            #expect(all.last?["resource_status"].stringValue == "CREATE_COMPLETE")
            #expect(all.last?["resource_name"].stringValue == "s1")
            let newest = try await client.call(.get, "/v1/\(project)/stacks/s1/\(id)/events?limit=1&sort_dir=desc", token: token)
            #expect(newest.json["events"][0]["id"] == all.last?["id"])
            let afterMarker = try await client.call(
                .get, "/v1/\(project)/stacks/s1/\(id)/events?marker=\(all.last?["id"].stringValue ?? "")&sort_dir=asc", token: token)
            #expect(afterMarker.json["events"] == .list([]))

            let template = try await client.call(.get, "/v1/\(project)/stacks/s1/\(id)/template", token: token)
            #expect(template.json["heat_template_version"].stringValue == "2018-08-31")

            // PATCH keeps the template and changes a parameter.
            let patched = try await client.call(.patch, "/v1/\(project)/stacks/s1/\(id)", token: token,
                                                body: ["parameters": ["name": "again"], "template": .null])
            #expect(patched.status == .accepted)
            let updated = try await client.waitForStack("/v1/\(project)/stacks/s1/\(id)", token: token)
            #expect(updated["stack_status"].stringValue == "UPDATE_COMPLETE")
            #expect(updated["outputs"][0]["output_value"].stringValue == "Hello, again!")

            let deleted = try await client.call(.delete, "/v1/\(project)/stacks/s1/\(id)", token: token)
            #expect(deleted.status == .noContent)
            var gone = false
            for _ in 0..<200 where !gone {
                gone = try await client.call(.get, "/v1/\(project)/stacks/s1", token: token).status == .notFound
                if !gone { try await Task.sleep(nanoseconds: 50_000_000) }
            }
            #expect(gone)
        }
    }

    @Test func badInputIsA400WithHeatsErrorBody() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let malformed = try await client.call(.post, "/v1/\(project)/stacks", token: token, raw: "{\"stack_name\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.json["error"]["traceback"] == .null)
            #expect(malformed.json["code"] == .int(400))

            let invalid = try await client.call(.post, "/v1/\(project)/validate", token: token, body: [
                "template": ["heat_template_version": "2018-08-31", "resources": ["r": ["type": "OS::No::Such"]]],
            ])
            #expect(invalid.status == .badRequest)
            #expect(invalid.json["error"]["type"].stringValue == "StackValidationFailed")
            #expect(invalid.json["error"]["message"].stringValue?.contains("OS::No::Such") == true)

            let valid = try await client.call(.post, "/v1/\(project)/validate", token: token, body: ["template": helloTemplate])
            #expect(valid.status == .ok)
            #expect(valid.json["Parameters"]["name"]["Default"].stringValue == "world")

            let badCreate = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "bad", "template": ["heat_template_version": "2018-08-31", "resources": ["r": ["type": "OS::No::Such"]]],
            ])
            #expect(badCreate.status == .badRequest)
            let noName = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: ["template": helloTemplate])
            #expect(noName.status == .badRequest)

            let types = try await client.call(.get, "/v1/\(project)/resource_types", token: token)
            #expect(types.json["resource_types"].listValue?.contains("OS::Heat::None") == true)
            let versions = try await client.call(.get, "/v1/\(project)/template_versions", token: token)
            #expect(versions.json["template_versions"].listValue?.contains { $0["version"] == "heat_template_version.2016-04-08" } == true)
        }
    }

    @Test func projectsSeeOnlyTheirOwnStacks() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (admin, adminProject) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let (alice, aliceProject) = try #require(try await client.signIn(user: "alice", password: "alice-secret", project: "other"))
            let created = try await client.call(.post, "/v1/\(adminProject)/stacks", token: admin, body: [
                "stack_name": "mine", "template": helloTemplate])
            let id = try #require(created.json["stack"]["id"].stringValue)
            _ = try await client.waitForStack("/v1/\(adminProject)/stacks/mine/\(id)", token: admin)

            #expect(try await client.call(.get, "/v1/\(aliceProject)/stacks/mine", token: alice).status == .notFound)
            #expect(try await client.call(.get, "/v1/\(aliceProject)/stacks/mine/\(id)", token: alice).status == .notFound)
            #expect(try await client.call(.delete, "/v1/\(aliceProject)/stacks/\(id)", token: alice).status == .notFound)
            let list = try await client.call(.get, "/v1/\(aliceProject)/stacks", token: alice)
            #expect(list.json["stacks"] == .list([]))
            // Another project's path with one's own token is refused outright.
            #expect(try await client.call(.get, "/v1/\(adminProject)/stacks", token: alice).status == .forbidden)
        }
    }
}
