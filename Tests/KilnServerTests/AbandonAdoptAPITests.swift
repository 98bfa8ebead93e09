import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnServer
import KilnTemplate

@Suite struct AbandonAdoptAPITests {
    /// Export gives the abandon data and leaves the stack managed and unchanged.
    @Test func exportDescribesTheStackWithoutChangingIt() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let template: Value = ["heat_template_version": "2018-08-31", "resources": ["a": ["type": "OS::Heat::None"]]]
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: ["stack_name": "ex", "template": template])
            let path = pathOf(try #require(created.headers[.location]))
            let before = try await client.waitForStack(path, token: token)
            let events = try await client.call(.get, "\(path)/events", token: token).json["events"].listValue?.count

            let exported = try await client.call(.get, "\(path)/export", token: token)
            #expect(exported.status == .ok)
            #expect(exported.json["name"] == "ex")
            #expect(exported.json["status"] == "COMPLETE")
            #expect(exported.json["resources"]["a"]["type"] == "OS::Heat::None")
            #expect(exported.json["template"]["resources"]["a"]["type"] == "OS::Heat::None")
            // By name it redirects like every stack sub-path.
            #expect(try await client.call(.get, "/v1/\(project)/stacks/ex/export", token: token).status == .found)

            let after = try await client.waitForStack(path, token: token)
            #expect(after["stack_status"] == before["stack_status"])
            #expect(after["updated_time"] == before["updated_time"])
            #expect(try await client.call(.get, "\(path)/events", token: token).json["events"].listValue?.count == events)
        }
    }

    /// The CLI's adopt sends the abandon output as a string and no template: the stack comes
    /// back from the data alone, with its parameters and its random string kept.
    @Test func adoptTakesTemplateAndParametersFromTheAbandonData() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let template: Value = [
                "heat_template_version": "2018-08-31",
                "parameters": ["name": ["type": "string"]],
                "resources": ["password": ["type": "OS::Heat::RandomString", "properties": ["length": 12]]],
                "outputs": ["both": ["value": ["list_join": ["-", [["get_param": "name"], ["get_attr": ["password", "value"]]]]]]],
            ]
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "old", "template": template, "parameters": ["name": "Kiln"],
            ])
            let path = pathOf(try #require(created.headers[.location]))
            let before = try await client.waitForStack(path, token: token)
            let output = try #require(before["outputs"][0]["output_value"].stringValue)
            #expect(output.hasPrefix("Kiln-"))

            let shown = try await client.call(.get, "\(path)/resources/password", token: token)
            #expect(shown.json["resource"]["attributes"]["value"].stringValue == String(output.dropFirst(5)))

            let abandoned = try await client.call(.delete, "\(path)/abandon", token: token)
            #expect(abandoned.status == .ok)
            #expect(try await client.call(.get, "/v1/\(project)/stacks/old", token: token).status == .notFound)

            let adopted = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "new", "adopt_stack_data": .string(abandoned.json.jsonText()),
                "disable_rollback": true, "parameters": [:], "files": [:], "environment": [:], "timeout": .null,
            ])
            #expect(adopted.status == .created)
            let after = try await client.waitForStack(pathOf(try #require(adopted.headers[.location])), token: token)
            #expect(after["stack_status"].stringValue == "ADOPT_COMPLETE")
            #expect(after["outputs"][0]["output_value"].stringValue == output)
        }
    }
}
