import Foundation
import Hummingbird
import HummingbirdTesting
import KilnModel
import KilnServer
import KilnStore
import KilnTemplate
import NIOCore
import Testing

/// `kiln-bench load` in small: clients on their own connections create, list, read events of and
/// delete stacks at the same time; nothing fails, no event is lost, nothing is left behind.
@Suite struct ConcurrentClientsTests {
    static let clients = 10, stacksPerClient = 3, resources = 5

    @Test func concurrentClientsCreateListAndDeleteWithoutLosingAnything() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { first in
            let (token, project) = try #require(try await first.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let port = try #require(first.client.port)
            let problems = try await withThrowingTaskGroup(of: [String].self) { group in
                for index in 0..<Self.clients {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { connection in
                            let client = Connection(client: connection, token: token, stacks: "/v1/\(project)/stacks")
                            var problems: [String] = []
                            for loop in 0..<Self.stacksPerClient {
                                if let problem = try await client.cycle(name: "c\(index)-\(loop)") { problems.append(problem) }
                            }
                            return problems
                        }
                    }
                }
                var all: [String] = []
                for try await found in group { all += found }
                return all
            }
            #expect(problems.isEmpty, "\(problems)")
            let left = try await first.call(.get, "/v1/\(project)/stacks", token: token)
            #expect(left.json["stacks"] == .list([]))
            let stored = try await fixture.server.engine.stacks(StackQuery(projectID: nil))
            #expect(stored.allSatisfy { !$0.statusText.hasSuffix("IN_PROGRESS") })
        }
    }

    /// One client on its own kept-alive connection.
    struct Connection {
        let client: TestClient
        let token: String
        let stacks: String

        /// create → poll → list → events → delete → poll until gone; what went wrong, or nil.
        func cycle(name: String) async throws -> String? {
            var resources: [String: Value] = [:]
            for index in 0..<ConcurrentClientsTests.resources { resources["r\(index)"] = ["type": "OS::Heat::None"] }
            let template: Value = ["heat_template_version": "2018-08-31", "resources": .map(resources)]
            let created = try await call(.post, stacks, body: ["stack_name": .string(name), "template": template])
            guard created.status == .created, let id = created.json["stack"]["id"].stringValue else {
                return "\(name): create answered \(created.status)"
            }
            let path = "\(stacks)/\(name)/\(id)"
            let final = try await poll(path)
            guard final.status == .ok, final.stack == "CREATE_COMPLETE" else { return "\(name): create ended \(final)" }

            let listed = try await call(.get, stacks)
            let entry = listed.json["stacks"].listValue?.first { $0["id"].stringValue == id }
            guard listed.status == .ok, entry?["stack_status"].stringValue == "CREATE_COMPLETE" else { return "\(name): not listed" }

            let events = try await call(.get, path + "/events?sort_dir=asc")
            let pairs = (events.json["events"].listValue ?? []).map { ($0["resource_name"].stringValue ?? "", $0["resource_status"].stringValue ?? "") }
            guard pairs.first ?? ("", "") == (name, "CREATE_IN_PROGRESS"), pairs.last ?? ("", "") == (name, "CREATE_COMPLETE") else {
                return "\(name): stack events \(pairs)"
            }
            for resource in resources.keys {
                guard let started = pairs.firstIndex(where: { $0 == (resource, "CREATE_IN_PROGRESS") }),
                      let finished = pairs.firstIndex(where: { $0 == (resource, "CREATE_COMPLETE") }),
                      started > 0, started < finished, finished < pairs.count - 1
                else { return "\(name): events of \(resource) missing or out of order: \(pairs)" }
            }

            let deleted = try await call(.delete, path)
            guard deleted.status == .noContent else { return "\(name): delete answered \(deleted.status)" }
            let gone = try await poll(path)
            guard gone.status == .notFound || gone.stack == "DELETE_COMPLETE" else { return "\(name): delete ended \(gone)" }
            return nil
        }

        /// The stack's status once it leaves IN_PROGRESS, or the HTTP status that is not 200.
        func poll(_ path: String) async throws -> (status: HTTPResponse.Status, stack: String?) {
            for _ in 0..<1200 {
                let reply = try await call(.get, path)
                guard reply.status == .ok else { return (reply.status, nil) }
                let status = reply.json["stack"]["stack_status"].stringValue ?? ""
                if !status.hasSuffix("IN_PROGRESS") { return (.ok, status) }
                try await Task.sleep(for: .milliseconds(50))
            }
            return (.ok, "still IN_PROGRESS")
        }

        func call(_ method: HTTPRequest.Method, _ uri: String, body: Value? = nil) async throws -> (status: HTTPResponse.Status, json: Value) {
            var headers: HTTPFields = [.contentType: "application/json", .connection: "keep-alive"]
            headers[HTTPFields.Element.Name("X-Auth-Token")!] = token
            let request = TestClient.Request(uri, method: method, authority: "localhost", headers: headers,
                                             body: body.map { ByteBuffer(string: $0.jsonText()) })
            let response = try await client.execute(request)
            let text = response.body.map { String(buffer: $0) } ?? ""
            return (response.status, text.isEmpty ? .null : ((try? Value.parseJSON(text)) ?? .string(text)))
        }
    }
}
