import Foundation
import Hummingbird
import HummingbirdTesting
import KilnModel
import KilnServer
import KilnTemplate
import Testing

/// `template_url`: the server fetches the template over real HTTP (here from a second,
/// plain HTTP server on loopback).
@Suite struct TemplateURLTests {
    static let served = """
        heat_template_version: 2021-04-16
        parameters:
          greeting: {type: string, default: hello}
        resources:
          a: {type: OS::Heat::Value, properties: {value: {get_param: greeting}}}
        outputs:
          said: {value: {get_attr: [a, value]}}
        """

    func withTemplateServer(_ test: @Sendable (_ base: String) async throws -> Void) async throws {
        let router = Router()
        router.get("/t.yaml") { _, _ in Self.served }
        router.get("/big.yaml") { _, _ in String(repeating: "#", count: 600 * 1024) }
        let port = Locked<Int?>(nil)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        try await app.test(.live) { _ in
            try await test("http://127.0.0.1:\(try #require(port.withLock { $0 }))")
        }
    }

    @Test func aStackIsCreatedFromATemplateURL() async throws {
        try await withTemplateServer { base in
            let fixture = try ServerFixture()
            try await fixture.run { client in
                let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
                let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                    "stack_name": "fetched", "template_url": .string("\(base)/t.yaml"), "parameters": ["greeting": "hi"],
                ])
                #expect(created.status == .created)
                let path = pathOf(try #require(created.headers[.location]))
                let stack = try await client.waitForStack(path, token: token)
                #expect(stack["stack_status"] == "CREATE_COMPLETE")
                let output = try await client.call(.get, "\(path)/outputs/said", token: token)
                #expect(output.json["output"]["output_value"] == "hi")

                let valid = try await client.call(.post, "/v1/\(project)/validate", token: token, body: ["template_url": .string("\(base)/t.yaml")])
                #expect(valid.status == .ok)
                #expect(valid.json["Parameters"]["greeting"]["Default"] == "hello")
            }
        }
    }

    @Test func unreachableMissingOrOversizedTemplatesAreRefused() async throws {
        try await withTemplateServer { base in
            let fixture = try ServerFixture()
            try await fixture.run { client in
                let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
                let cases: [(Value, String)] = [
                    (.string("\(base)/missing.yaml"), "HTTP 404"),
                    (.string("\(base)/big.yaml"), "exceeds maximum allowed size (524288 bytes)"),
                    (.string("file:///etc/passwd"), "only http and https are allowed"),
                    (.int(3), "template_url must be a string"),
                ]
                for (url, message) in cases {
                    let reply = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                        "stack_name": "nope", "template_url": url,
                    ])
                    #expect(reply.status == .badRequest)
                    #expect(reply.json["error"]["message"].stringValue?.contains(message) == true, "\(reply.json)")
                }
                let list = try await client.call(.get, "/v1/\(project)/stacks", token: token)
                #expect(list.json["stacks"].listValue?.isEmpty == true)
            }
        }
    }
}
