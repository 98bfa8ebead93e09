import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnServer
import KilnTemplate

/// Hooks over the Heat API, as python-heatclient's `stack hook poll|clear` drive them: the
/// pause is an event, nested events name their resource as Heat's (`x`, the `stack` link
/// saying which stack), a stack resource shows its child's id while the child is made, and
/// `{"unset_hook": ...}` is a signal. Answers as heat-oracle (Heat 27) gave them.
@Suite struct HookAPITests {
    static let template: Value = [
        "heat_template_version": "2018-08-31",
        "resources": ["a": ["type": "OS::Heat::RandomString"], "nest": ["type": "inner.yaml"]],
    ]
    static let inner = "{\"heat_template_version\": \"2018-08-31\", \"resources\": {\"x\": {\"type\": \"OS::Heat::None\"}}}"
    static let environment: Value = [
        "resource_registry": ["resources": ["a": ["hooks": "pre-create"], "nest": ["x": ["hooks": "pre-create"]]]],
    ]

    func events(_ client: ServerFixture.Client, _ path: String, token: String) async throws -> [Value] {
        try await client.call(.get, "\(path)/events?nested_depth=1&sort_dir=asc", token: token).json["events"].listValue ?? []
    }

    @Test func pauseAndClearThroughTheAPI() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "hooked", "template": Self.template, "files": ["inner.yaml": .string(Self.inner)],
                "environment": Self.environment, "disable_rollback": true,
            ])
            #expect(created.status == .created)
            let stack = pathOf(try #require(created.headers[.location]))
            var paused: [Value] = []
            for _ in 0..<200 {
                paused = try await events(client, stack, token: token).filter {
                    $0["resource_status_reason"] == "CREATE paused until Hook pre-create is cleared"
                }
                if paused.count == 2 { break }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            #expect(paused.map { $0["resource_name"].stringValue ?? "" }.sorted() == ["a", "x"])
            #expect(paused.allSatisfy { $0["resource_status"] == "INIT_COMPLETE" })
            let x = try #require(paused.first { $0["resource_name"] == "x" })
            let xStack = try #require(x["links"].listValue?.first { $0["rel"] == "stack" }?["href"].stringValue)
            #expect(xStack.contains("/stacks/hooked-nest-"))

            // The owner shows its child's id while the child is paused.
            let nest = try await client.call(.get, "\(stack)/resources/nest", token: token).json["resource"]
            #expect(nest["resource_status"] == "CREATE_IN_PROGRESS")
            let childID = try #require(nest["physical_resource_id"].stringValue)
            #expect(xStack.hasSuffix("/\(childID)"))

            let bogus = try await client.call(.post, "\(stack)/resources/a/signal", token: token, body: ["unset_hook": "bogus"])
            #expect(bogus.status == .badRequest)
            #expect(bogus.json["error"]["type"] == "InvalidBreakPointHook")
            #expect(bogus.json["error"]["message"].stringValue?.hasPrefix("Invalid hook type \"bogus\" for RandomString \"a\" Stack \"hooked\" [") == true)
            let notSet = try await client.call(.post, "\(stack)/resources/a/signal", token: token, body: ["unset_hook": "pre-update"])
            #expect(notSet.json["error"]["message"].stringValue?.hasPrefix("The \"pre-update\" hook is not defined on RandomString \"a\" Stack") == true)

            #expect(try await client.call(.post, "\(stack)/resources/a/signal", token: token, body: ["unset_hook": "pre-create"]).status == .ok)
            let child = pathOf(xStack)
            #expect(try await client.call(.post, "\(child)/resources/x/signal", token: token, body: ["unset_hook": "pre-create"]).status == .ok)
            let done = try await client.waitForStack(stack, token: token)
            #expect(done["stack_status"] == "CREATE_COMPLETE")
            let cleared = try await events(client, stack, token: token).filter { $0["resource_status_reason"] == "Hook pre-create is cleared" }
            #expect(cleared.count == 2)
        }
    }
}
