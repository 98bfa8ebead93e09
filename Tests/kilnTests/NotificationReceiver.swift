import Foundation
import Hummingbird
import KilnModel
import KilnNotify
import NIOCore

/// A real HTTP webhook receiver on loopback for the notification tests: records every POST
/// (body, headers, whether its signature checks out), and can answer errors, hang, or be
/// stopped and started again on the same port (a receiver that is down a while).
final class NotificationReceiver: Sendable {
    enum Mode: Sendable { case accept, fail, hang }

    struct Delivery: Sendable {
        var body: Value
        var id: String
        var eventType: String
        var signed: Bool
    }

    let port: Int
    let secret: String
    private let state = Locked<(deliveries: [Delivery], mode: Mode, task: Task<Void, Error>?)>(([], .accept, nil))

    init(secret: String = "receiver-secret", port: Int? = nil, start: Bool = true) async throws {
        self.secret = secret
        self.port = try port ?? ServedKiln.freePort()
        if start { try await self.start() }
    }

    deinit { state.withLock { $0.task?.cancel() } }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    func set(_ mode: Mode) { state.withLock { $0.mode = mode } }

    func start() async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 16 << 20)
            let bytes = Array(buffer.readableBytesView)
            switch self.state.withLock({ $0.mode }) {
            case .fail: return Response(status: .serviceUnavailable)
            case .hang:
                try? await Task.sleep(nanoseconds: 600_000_000_000)
                return Response(status: .gatewayTimeout)
            case .accept: break
            }
            let timestamp = request.headers[HTTPFields.Element.Name("X-Kiln-Timestamp")!].flatMap { Int($0) } ?? 0
            let signature = request.headers[HTTPFields.Element.Name("X-Kiln-Signature")!] ?? ""
            let body = (try? Value.parseJSON(String(decoding: bytes, as: UTF8.self))) ?? .null
            let delivery = Delivery(
                body: body, id: request.headers[HTTPFields.Element.Name("X-Kiln-Notification-Id")!] ?? "",
                eventType: request.headers[HTTPFields.Element.Name("X-Kiln-Event-Type")!] ?? "",
                signed: WebhookSignature.verify(body: bytes, timestamp: timestamp, secret: self.secret, signature: signature))
            self.state.withLock { $0.deliveries.append(delivery) }
            return Response(status: .noContent)
        }
        let listening = Locked(false)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in listening.withLock { $0 = true } })
        let task = Task { try await app.runService() }
        state.withLock { $0.task = task }
        let deadline = Date().addingTimeInterval(30)
        while !listening.withLock({ $0 }), Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
    }

    /// Stops listening (connections are refused until `start`).
    func stop() async {
        let task = state.withLock { state -> Task<Void, Error>? in
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        _ = try? await task?.value
    }

    /// Waits until `count` distinct notifications arrived (at most `seconds`); each one's first
    /// delivery, in order. Delivery is at least once: what comes again with an id already seen is
    /// dropped here, as the README tells receivers to (`deliveries` keeps every request).
    @discardableResult
    func wait(for count: Int, seconds: Double = 60) async throws -> [Delivery] {
        let deadline = Date().addingTimeInterval(seconds)
        while firstDeliveries.count < count, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        return firstDeliveries
    }

    /// Every notification's first delivery, in the order they came.
    var firstDeliveries: [Delivery] {
        var seen: Set<String> = []
        return deliveries.filter { seen.insert($0.id).inserted }
    }

    /// An environment sending every notification to this receiver.
    func environment(format: String = "heat", events: [String] = []) -> String {
        var text = "event_sinks:\n  - type: webhook\n    url: \(url)\n    secret: \(secret)\n    format: \(format)\n"
        if !events.isEmpty { text += "    events: [\(events.joined(separator: ", "))]\n" }
        return text
    }
}
