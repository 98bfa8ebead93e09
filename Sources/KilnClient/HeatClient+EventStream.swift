import Foundation
import KilnModel

/// Kiln's event stream (`S/events/stream`, Server-Sent Events): a stack's events pushed as the
/// server commits them, instead of an events list polled. Heat has no such endpoint: it
/// answers 404 (or 405), which `isMissingStream` recognises so callers poll instead.
extension HeatClient {
    /// Hands the stack's events to `handle` in order as they are committed, after the event
    /// `marker` (an event id) when given, until the stack is in a final state or gone.
    ///
    /// The stream is resumed by sequence number, which Heat's event JSON does not carry: a
    /// `marker` is found by reading the stream from its start and skipping through it.
    public func followEvents(
        _ stack: StackRecord, after marker: String? = nil, reconnects: Int = 5,
        _ handle: (EventRecord) async throws -> Void
    ) async throws {
        var headers = ["X-Auth-Token": session.token, "User-Agent": "kiln"]
        if let region = session.region { headers["X-Region-Name"] = region }
        var reader = EventStreamReader(
            transport: transport, url: session.endpoint + "/" + Self.path(stack) + "/events/stream?until=final", headers: headers)
        reader.maxReconnects = reconnects
        var skipping = marker != nil
        try await reader.read { message in
            guard message.type == "event" else { return }
            guard let body = try? Value.parseJSON(message.data) else {
                throw KilnClientError.transport("the event stream sent an event that is not JSON: \(message.data.prefix(200))")
            }
            let event = HeatRecords.event(body, stackID: stack.id)
            if skipping {
                skipping = event.id != marker
                return
            }
            try await handle(event)
        }
    }
}

extension KilnClientError {
    /// The server has no event stream (stock Heat's 404 or 405), or no longer the stack.
    public var isMissingStream: Bool {
        if case .server(let status, _, _) = self { return status == 404 || status == 405 }
        return false
    }
}
