import Foundation
import Hummingbird
import KilnEngine
import KilnModel

/// `S/events/stream`: a stack's events as Server-Sent Events, as they are committed, so a
/// client follows an operation without polling (a Kiln extension; Heat's event list keeps
/// working). Each event is `id: SEQUENCE`, `event: event`, `data: ` Heat's event JSON; a
/// client that reconnects with `Last-Event-ID` (or `?after=SEQUENCE`) gets only what came
/// after. `?until=final` ends the stream once the stack is in a final state and every event is
/// sent; otherwise it runs until the client goes or the stack is deleted. A comment line every
/// 15 s keeps proxies from closing an idle stream. Project-scoped like the other routes.
extension HeatAPI {
    func eventStream(_ call: HeatRequest, stack: StackRecord) async throws -> Response {
        let header = call.request.headers[HTTPFields.Element.Name("Last-Event-ID")!]
        guard let after = Int64(header ?? call.first("after") ?? "0"), after >= 0 else {
            throw HeatError.badRequest("Last-Event-ID (or after) must be an event sequence number")
        }
        let untilFinal = call.first("until") == "final"
        let engine = self.engine, stackID = stack.id, projectID = call.projectID
        let body = ResponseBody { writer in
            var last = after
            var quiet = 0
            while true {
                guard let current = try? await engine.stack(stackID, projectID: projectID) else {
                    try await writer.write(ByteBuffer(string: "event: end\ndata: {\"reason\": \"stack deleted\"}\n\n"))
                    break
                }
                let events = try await engine.events(of: current, after: last, limit: 500)
                for event in events {
                    guard let sequence = event.sequence else { continue }
                    last = sequence
                    let data = self.eventView(call, event, stack: current, root: nil).jsonText()
                    try await writer.write(ByteBuffer(string: "id: \(sequence)\nevent: event\ndata: \(data)\n\n"))
                }
                if untilFinal, events.isEmpty, current.status != .inProgress {
                    try await writer.write(ByteBuffer(string: "event: end\ndata: {\"stack_status\": \"\(current.statusText)\"}\n\n"))
                    break
                }
                if events.isEmpty {
                    quiet += 1
                    if quiet % 150 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                    try await Task.sleep(for: .milliseconds(100))
                } else {
                    quiet = 0
                }
            }
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: body)
    }
}
