import Foundation
import Hummingbird
import HummingbirdTesting
import KilnClient
import Testing

/// The reader against a real HTTP server on loopback that drops the stream part-way: it
/// resumes after the last id it saw, so every event arrives once and in order.
@Suite struct EventStreamReaderTests {
    /// What the server was asked: each connection's `Last-Event-ID` ("" when none).
    actor Requests {
        var lastEventIDs: [String] = []
        func add(_ id: String) { lastEventIDs.append(id) }
    }

    static func block(_ id: Int) -> String { "id: \(id)\nevent: event\ndata: {\"n\": \(id)}\n\n" }

    /// `/stream`: the first connection sends events 1 and 2, half of 3, and is closed; a
    /// reconnect sends from after its Last-Event-ID up to 5, then the `end` event.
    /// `/missing` answers 404 as Heat's error; `/broken` always answers 503.
    static func withServer(_ test: @Sendable (_ base: String, _ requests: Requests) async throws -> Void) async throws {
        let requests = Requests()
        let router = Router()
        router.get("/stream") { request, _ -> Response in
            let last = request.headers[HTTPFields.Element.Name("Last-Event-ID")!] ?? ""
            await requests.add(last)
            let body = ResponseBody { writer in
                if last.isEmpty {
                    try await writer.write(ByteBuffer(string: ": hello\n\n" + block(1)))
                    try await writer.write(ByteBuffer(string: block(2) + "id: 3\nevent: event\ndata: {\"n\""))
                } else {
                    for id in (Int(last)! + 1)...5 { try await writer.write(ByteBuffer(string: block(id))) }
                    try await writer.write(ByteBuffer(string: "event: end\ndata: {}\n\n"))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: body)
        }
        router.get("/missing") { _, _ -> Response in
            await requests.add("missing")
            let body = #"{"error": {"message": "The resource could not be found.", "type": "HTTPNotFound"}}"#
            return Response(status: .notFound, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/broken") { _, _ -> Response in
            await requests.add("broken")
            return Response(status: .serviceUnavailable)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await test("http://127.0.0.1:\(port)", requests)
        }
    }

    @Test func aDroppedStreamResumesAfterTheLastIDWithoutLossOrRepeat() async throws {
        try await Self.withServer { base, requests in
            var reader = EventStreamReader(transport: HTTPTransport(timeout: 30), url: base + "/stream")
            reader.reconnectDelay = .milliseconds(10)
            var seen: [ServerSentEvent] = []
            try await reader.read { seen.append($0) }
            #expect(seen.filter { $0.type == "event" }.map(\.data) == (1...5).map { "{\"n\": \($0)}" })
            #expect(seen.filter { $0.type == "event" }.map(\.lastEventID) == (1...5).map { String($0) })
            #expect(seen.last?.type == "end")
            // The reconnect named the last complete event, not the one the drop cut short.
            #expect(await requests.lastEventIDs == ["", "2"])
        }
    }

    @Test func resumingAfterAGivenIDSendsIt() async throws {
        try await Self.withServer { base, requests in
            var data: [String] = []
            try await EventStreamReader(transport: HTTPTransport(timeout: 30), url: base + "/stream").read(after: "3") {
                data.append($0.data)
            }
            #expect(data == ["{\"n\": 4}", "{\"n\": 5}", "{}"])
            #expect(await requests.lastEventIDs == ["3"])
        }
    }

    @Test func aMissingStreamIsTheServersAnswerNotRetried() async throws {
        try await Self.withServer { base, requests in
            await #expect {
                try await EventStreamReader(transport: HTTPTransport(timeout: 30), url: base + "/missing").read { _ in }
            } throws: { error in
                (error as? KilnClientError)?.isMissingStream == true
                    && (error as? KilnClientError)?.description == "The resource could not be found."
            }
            #expect(await requests.lastEventIDs == ["missing"])
        }
    }

    @Test func reconnectsAreBoundedAndTheErrorSaysWhy() async throws {
        try await Self.withServer { base, requests in
            var reader = EventStreamReader(transport: HTTPTransport(timeout: 30), url: base + "/broken")
            reader.maxReconnects = 2
            reader.reconnectDelay = .milliseconds(10)
            await #expect {
                try await reader.read { _ in }
            } throws: { error in
                "\(error)" == "lost the event stream \(base)/broken: 2 reconnects in a row failed (last: the server answered 503)"
            }
            #expect(await requests.lastEventIDs == ["broken", "broken", "broken"])
        }
    }
}
