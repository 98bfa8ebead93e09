import Foundation
import Hummingbird
import KilnModel
import KilnServer
import Testing

/// `S/events/stream`: a stack's events as Server-Sent Events, resumable after a sequence.
@Suite struct EventStreamTests {
    /// (id, data) of each `event: event` in an SSE body, and whether it ended with `event: end`.
    static func parse(_ text: String) -> (events: [(id: Int, data: Value)], ended: Bool) {
        var events: [(Int, Value)] = []
        var ended = false
        for block in text.components(separatedBy: "\n\n") where !block.isEmpty {
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { continue }
                fields[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            if fields["event"] == "end" { ended = true }
            if fields["event"] == "event", let id = fields["id"].flatMap(Int.init), let data = fields["data"].flatMap({ try? Value.parseJSON($0) }) {
                events.append((id, data))
            }
        }
        return (events, ended)
    }

    @Test func aStacksEventsStreamInOrderAndResumeAfterTheLastSeen() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "s1", "template": helloTemplate, "parameters": ["name": "Kiln"], "files": [:], "environment": [:],
            ])
            let id = try #require(created.json["stack"]["id"].stringValue)
            let base = "/v1/\(project)/stacks/s1/\(id)"
            // Opened at once: it follows the create until the stack is final.
            let streamed = try await client.call(.get, "\(base)/events/stream?until=final", token: token)
            #expect(streamed.status == .ok)
            #expect(streamed.headers[.contentType] == "text/event-stream")
            let text = try #require(streamed.json.stringValue)
            let (events, ended) = Self.parse(text)
            #expect(ended)
            let listed = try await client.call(.get, "\(base)/events?sort_dir=asc", token: token).json["events"].listValue ?? []
            #expect(events.map { $0.data["id"] } == listed.map { $0["id"] })
            #expect(events.map(\.id) == events.map(\.id).sorted())
            #expect(events.last?.data["resource_status"] == "CREATE_COMPLETE" && events.last?.data["resource_name"] == "s1")

            // Resumed after the second event: only what followed it.
            let resumed = try await client.call(.get, "\(base)/events/stream?until=final&after=\(events[1].id)", token: token)
            let rest = Self.parse(try #require(resumed.json.stringValue)).events
            #expect(rest.map(\.id) == events.dropFirst(2).map(\.id))

            // Project-scoped and checked like the rest of the API.
            #expect(try await client.call(.get, "\(base)/events/stream?until=final").status == .unauthorized)
            #expect(try await client.call(.get, "\(base)/events/stream?after=x", token: token).status == .badRequest)
            #expect(try await client.call(.get, "/v1/\(project)/stacks/s1/nope/events/stream", token: token).status == .notFound)
        }
    }
}
