import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Follows a Server-Sent Events URL to its end across dropped connections, as a browser's
/// EventSource does: the body is read as it arrives, and when the connection drops (or the
/// server closes it before the final event) it reconnects with `Last-Event-ID` set to the last
/// id seen, so the server resumes after it and no event is lost or repeated. Consecutive
/// failed connections are bounded: then it gives up with the reason.
public struct EventStreamReader: Sendable {
    public var transport: HTTPTransport
    public var url: String
    /// Sent on every connection (the token, ...).
    public var headers: [String: String]
    /// How many reconnects in a row may fail (a connection that delivers an event resets the count).
    public var maxReconnects = 5
    /// The wait before the n-th reconnect in a row is n times this.
    public var reconnectDelay: Duration = .milliseconds(250)
    /// Silence longer than this is a dead connection (Kiln's server sends a comment every 15 s).
    public var idleTimeout: Duration = .seconds(45)
    /// Event types after which the stream is complete: the server closes it then, and that is no drop.
    public var finalTypes: Set<String> = ["end"]

    public init(transport: HTTPTransport, url: String, headers: [String: String] = [:]) {
        self.transport = transport
        self.url = url
        self.headers = headers
    }

    /// Hands each event to `handle` in order, after `lastEventID` when given, until one of
    /// `finalTypes`. An error status other than 5xx is the server's answer and is thrown as
    /// `.server` (404 or 405: no such stream here); `handle`'s errors end the reading.
    public func read(
        after lastEventID: String? = nil, _ handle: (ServerSentEvent) async throws -> Void
    ) async throws {
        let client = try transport.client(idleTimeout: .nanoseconds(Int64(idleTimeout.components.seconds) * 1_000_000_000))
        var parser = ServerSentEventParser(lastEventID: lastEventID)
        var failures = 0
        while true {
            var delivered = false
            let problem: String
            // A new connection starts a new body: only the id to resume after carries over,
            // not a block the drop cut short.
            parser = ServerSentEventParser(lastEventID: parser.lastEventID)
            do {
                let response = try await client.execute(request(parser.lastEventID), timeout: .milliseconds(Int64(transport.timeout * 1000)))
                problem = try await consume(response, parser: &parser, delivered: &delivered, handle)
                if problem.isEmpty { return }
            } catch let stop as Stop {
                throw stop.error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                problem = "\(error)"
            }
            failures = delivered ? 1 : failures + 1
            guard failures <= maxReconnects else {
                throw KilnClientError.transport(
                    "lost the event stream \(url): \(maxReconnects) reconnects in a row failed (last: \(problem))")
            }
            try await Task.sleep(for: reconnectDelay * failures)
        }
    }

    /// Reads one connection's answer: "" when a final event came, else why it ended too soon.
    private func consume(
        _ response: HTTPClientResponse, parser: inout ServerSentEventParser, delivered: inout Bool,
        _ handle: (ServerSentEvent) async throws -> Void
    ) async throws -> String {
        let status = Int(response.status.code)
        guard status == 200 else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
            if status >= 400, status < 500 {
                var fields: [String: String] = [:]
                for header in response.headers { fields[header.name.lowercased()] = header.value }
                throw Stop(error: HeatClient.failure(HTTPAnswer(status: status, headers: fields, body: body)))
            }
            return "the server answered \(status)"
        }
        for try await chunk in response.body {
            for event in parser.feed(chunk.readableBytesView) {
                delivered = true
                do { try await handle(event) } catch { throw Stop(error: error) }
                if finalTypes.contains(event.type) { return "" }
            }
        }
        return "the server closed the stream before its end"
    }

    private func request(_ lastEventID: String?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Cache-Control", value: "no-cache")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let lastEventID { request.headers.replaceOrAdd(name: "Last-Event-ID", value: lastEventID) }
        return request
    }

    /// An error that ends the reading instead of causing a reconnect.
    private struct Stop: Error { let error: any Error }
}
