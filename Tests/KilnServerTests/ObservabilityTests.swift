import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnServer
import KilnTemplate

@Suite struct ObservabilityTests {
    @Test func everyAnswerCarriesARequestID() async throws {
        let fixture = try ServerFixture(users: [])
        try await fixture.run { client in
            let name = HTTPFields.Element.Name("x-openstack-request-id")!
            for uri in ["/v3", "/v1/nope/stacks", "/no/such/route"] {
                let reply = try await client.call(.get, uri)
                let id = try #require(reply.headers[name])
                #expect(id.hasPrefix("req-") && UUID(uuidString: String(id.dropFirst(4))) != nil)
            }
        }
    }

    @Test func healthcheckAnswersOKWithoutAToken() async throws {
        let fixture = try ServerFixture(users: [])
        try await fixture.run { client in
            let reply = try await client.client.execute(uri: "/healthcheck", method: .get) { response in
                (response.status, String(buffer: response.body))
            }
            #expect(reply.0 == .ok && reply.1 == "OK")
            let head = try await client.client.execute(uri: "/healthcheck", method: .head) { response in
                (response.status, response.body.readableBytes)
            }
            #expect(head.0 == .ok && head.1 == 0)
        }
    }

    @Test func metricsCountRequestsByRouteTemplateAndStacksByStatus() async throws {
        let fixture = try ServerFixture(users: [])
        try await fixture.run { client in
            let admin = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let stacks = "/v1/\(admin.projectID)/stacks"
            let created = try await client.call(.post, stacks, token: admin.token, body: ["stack_name": "m", "template": helloTemplate])
            let url = pathOf(created.json["stack"]["links"][0]["href"].stringValue ?? "")
            _ = try await client.waitForStack(url, token: admin.token)
            _ = try await client.call(.get, stacks, token: admin.token)
            _ = try await client.call(.get, stacks, token: admin.token)

            let reply = try await client.client.execute(uri: "/metrics", method: .get) { response in
                (response.status, response.headers[.contentType], String(buffer: response.body))
            }
            #expect(reply.0 == .ok)
            #expect(reply.1 == "text/plain; version=0.0.4; charset=utf-8")
            let lines = Set(reply.2.split(separator: "\n").map(String.init))
            #expect(lines.contains(#"kiln_stacks{status="CREATE_COMPLETE"} 1"#))
            #expect(lines.contains(#"kiln_api_requests_total{route="/v1/:project/stacks",method="GET",status="200"} 2"#))
            #expect(lines.contains(#"kiln_api_requests_total{route="/v1/:project/stacks",method="POST",status="201"} 1"#))
            #expect(lines.contains(#"kiln_api_requests_total{route="/v3/auth/tokens",method="POST",status="201"} 1"#))
            #expect(lines.contains(#"kiln_api_request_duration_seconds_count{route="/v1/:project/stacks"} 3"#))
            #expect(lines.contains(#"kiln_api_request_duration_seconds_bucket{route="/v1/:project/stacks",le="+Inf"} 3"#))
            #expect(lines.contains(#"kiln_operations_total{action="CREATE",result="COMPLETE"} 1"#))
            // Raw names and ids never become labels.
            #expect(!reply.2.contains(admin.projectID))
            #expect(lines.contains { $0.hasPrefix(#"kiln_api_requests_total{route="/v1/:project/stacks/:name/:id",method="GET""#) })
        }
    }

    @Test func requestLogHasOneJSONLinePerRequestWithoutSecrets() async throws {
        let lines = Locked<[String]>([])
        let fixture = try ServerFixture(users: [], log: RequestLog { line in lines.withLock { $0.append(line) } })
        let token = try await fixture.run { client in
            let admin = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            _ = try await client.call(.get, "/v1/\(admin.projectID)/stacks", token: admin.token)
            return admin.token
        }
        let logged = lines.withLock { $0 }
        #expect(logged.count == 2)
        let last = try Value.parseJSON(try #require(logged.last))
        #expect(last["route"] == "/v1/:project/stacks")
        #expect(last["method"] == "GET")
        #expect(last["status"] == .int(200))
        #expect(last["request_id"].stringValue?.hasPrefix("req-") == true)
        #expect(last["duration_ms"].numberValue != nil)
        #expect(logged.allSatisfy { !$0.contains(token) && !$0.contains(fixture.adminPassword) })
    }
}
