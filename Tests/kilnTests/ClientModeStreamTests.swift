import Foundation
import Hummingbird
import HummingbirdTesting
import KilnClient
import KilnModel
import Testing

/// Client mode follows operations through the server's event stream (`events/stream`), and
/// polls a server that has none, as stock Heat: the same lines either way.
@Suite("Client mode event stream", .serialized)
struct ClientModeStreamTests {
    /// Three resources one after another, each a moment long: the create runs while it is followed.
    static func writeSlowTemplate(into home: KilnHome) throws -> String {
        try home.write("slow.yaml", """
            heat_template_version: 2018-08-31
            resources:
              first:
                type: OS::Heat::TestResource
                properties: {value: one, wait_secs: 0.3}
              second:
                type: OS::Heat::TestResource
                depends_on: first
                properties: {value: two, wait_secs: 0.3}
              third:
                type: OS::Heat::TestResource
                depends_on: second
                properties: {value: three, wait_secs: 0.3}
            """)
    }

    /// The route of each request the server logged, in order.
    static func routes(_ server: ServedKiln) throws -> [String] {
        let log = try String(contentsOf: server.log, encoding: .utf8)
        return log.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["event"] as? String == "request" ? object?["route"] as? String : nil
        }
    }

    static let streamRoute = "/v1/:project/stacks/:name/:id/events/stream"
    static let eventsRoute = "/v1/:project/stacks/:name/:id/events"

    @Test func waitFollowsTheServersEventStreamInOrder() async throws {
        let server = try await ServedKiln()
        let template = try Self.writeSlowTemplate(into: server.home)

        let create = try await server.client(["stack", "create", "slow", "-t", template, "--wait"])
        #expect(create.status == 0, "\(create.stderr)")
        let listed = try await server.client(["stack", "event", "list", "slow"])
        let lines = ClientModeTests.eventLines(create.stdout)
        // Every event of the create, in the order the server recorded them, each once.
        #expect(lines == ClientModeTests.eventLines(listed.stdout))
        #expect(lines.count == 8)
        #expect(lines.first == "[slow]: CREATE_IN_PROGRESS  Stack CREATE started")
        #expect(lines.last == "[slow]: CREATE_COMPLETE  Stack CREATE completed successfully")
        // Through the stream: the events list was not polled while the create ran (the
        // listing after it is the only one).
        let routes = try Self.routes(server)
        #expect(routes.filter { $0 == Self.streamRoute }.count == 1)
        #expect(routes.filter { $0 == Self.eventsRoute }.count == 1)

        // An update: only its events, from after the last one before it.
        let update = try await server.client(["stack", "update", "slow", "-t", template, "--wait"])
        #expect(update.status == 0, "\(update.stderr)")
        let updateLines = ClientModeTests.eventLines(update.stdout)
        #expect(updateLines.first == "[slow]: UPDATE_IN_PROGRESS  Stack UPDATE started")
        #expect(updateLines.last == "[slow]: UPDATE_COMPLETE  Stack UPDATE completed successfully")
        #expect(!updateLines.contains { $0.contains("CREATE") })

        // A delete: followed until the stack is gone.
        let delete = try await server.client(["stack", "delete", "slow", "--yes", "--wait"])
        #expect(delete.status == 0, "\(delete.stderr)")
        let deleteLines = ClientModeTests.eventLines(delete.stdout)
        #expect(deleteLines.first == "[slow]: DELETE_IN_PROGRESS  Stack DELETE started")
        #expect(deleteLines.last == "[slow]: DELETE_COMPLETE  Stack DELETE completed successfully")
        #expect(Set(deleteLines).count == deleteLines.count)
    }

    @Test func eventListFollowPrintsEventsAsTheyComeAndEndsAtTheFinalState() async throws {
        let server = try await ServedKiln()
        let template = try Self.writeSlowTemplate(into: server.home)
        let started = try await server.client(["stack", "create", "slow", "-t", template])
        #expect(started.status == 0, "\(started.stderr)")

        let followed = try await server.client(["stack", "event", "list", "slow", "--follow"])
        #expect(followed.status == 0, "\(followed.stderr)")
        let listed = try await server.client(["stack", "event", "list", "slow"])
        let lines = ClientModeTests.eventLines(followed.stdout)
        #expect(lines == ClientModeTests.eventLines(listed.stdout))
        #expect(lines.last == "[slow]: CREATE_COMPLETE  Stack CREATE completed successfully")
        #expect(try Self.routes(server).contains(Self.streamRoute))

        // Of one resource only.
        let one = try await server.client(["stack", "event", "list", "slow", "--resource", "second", "--follow"])
        let oneListed = try await server.client(["stack", "event", "list", "slow", "--resource", "second"])
        #expect(ClientModeTests.eventLines(one.stdout) == ClientModeTests.eventLines(oneListed.stdout))
        #expect(ClientModeTests.eventLines(one.stdout).count == 2)
    }

    @Test func aServerWithoutTheStreamIsPolled() async throws {
        let server = try await ServedKiln()
        let template = try Self.writeSlowTemplate(into: server.home)
        try await StreamlessProxy.run(front: server) { proxy in
            let create = try await proxy.client(["stack", "create", "slow", "-t", template, "--wait"])
            #expect(create.status == 0, "\(create.stderr)")
            let listed = try await server.client(["stack", "event", "list", "slow"])
            let lines = ClientModeTests.eventLines(create.stdout)
            #expect(lines == ClientModeTests.eventLines(listed.stdout))
            #expect(lines.last == "[slow]: CREATE_COMPLETE  Stack CREATE completed successfully")

            let followed = try await proxy.client(["stack", "event", "list", "slow", "--follow"])
            #expect(followed.status == 0, "\(followed.stderr)")
            #expect(ClientModeTests.eventLines(followed.stdout) == lines)

            // The stream was asked for (and refused), then the events list was polled.
            let paths = await proxy.paths.all
            #expect(paths.filter { $0.contains("/events/stream") }.count == 2, "\(paths)")
            #expect(paths.contains { $0.contains("/events?") })
        }
    }
}
