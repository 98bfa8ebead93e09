import AsyncHTTPClient
import Foundation
import KilnCloud
import KilnModel
import NIOCore
import NIOHTTP1

/// Delivers one notification to one sink; throws when it was not accepted.
public protocol NotificationTransport: Sendable {
    func deliver(_ notification: OutboxNotification, to sink: EventSink) async throws
}

/// A delivery that did not go through, said for `kiln notification list`.
public struct DeliveryError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Webhooks over AsyncHTTPClient (POST, JSON, signed when the sink has a secret), and
/// `zaqar-queue` sinks through the cloud's messaging service in the stack's project.
public struct SinkTransport: NotificationTransport {
    let http: HTTPClient
    let cloud: (any Cloud)?
    /// Zaqar's Client-ID of this process's posts.
    let clientID: String
    let timeout: Double

    /// Over the process's webhook client.
    public init(cloud: (any Cloud)?, timeout: Double) {
        self.init(http: Self.webhooks, cloud: cloud, timeout: timeout)
    }

    /// One client for every webhook: pooled connections, but a receiver that refuses the
    /// connection fails the attempt at once (AsyncHTTPClient would otherwise keep trying to
    /// connect until the request's deadline), and redirects are not followed (a receiver
    /// answers where it was configured, or the delivery failed).
    static let webhooks: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init(http: HTTPClient, cloud: (any Cloud)?, timeout: Double, clientID: String = UUID().uuidString.lowercased()) {
        self.http = http
        self.cloud = cloud
        self.timeout = timeout
        self.clientID = clientID
    }

    public func deliver(_ notification: OutboxNotification, to sink: EventSink) async throws {
        let body = NotificationFormats.render(notification, for: sink)
        switch sink.kind {
        case .webhook: try await post(notification, body: body, to: sink)
        case .zaqarQueue:
            guard let messaging = cloud?.session(projectID: notification.projectID).messaging else {
                throw DeliveryError("\(cloud?.displayName ?? "no cloud is configured, and it") has no messaging service for queue '\(sink.target)'")
            }
            do {
                _ = try await messaging.postMessages(
                    queue: sink.target, [QueueMessage(body: body, ttl: sink.ttl ?? 3600)], clientID: clientID)
            } catch {
                throw DeliveryError("queue '\(sink.target)': \(error)")
            }
        }
    }

    private func post(_ notification: OutboxNotification, body: Value, to sink: EventSink) async throws {
        let bytes = Array(body.jsonText().utf8)
        var request = HTTPClientRequest(url: sink.target)
        request.method = .POST
        for (name, value) in sink.headers.sorted(by: { $0.key < $1.key }) { request.headers.replaceOrAdd(name: name, value: value) }
        request.headers.replaceOrAdd(
            name: "Content-Type", value: sink.format == .cloudevents ? "application/cloudevents+json" : "application/json")
        request.headers.replaceOrAdd(name: "User-Agent", value: "kiln-notifications")
        request.headers.replaceOrAdd(name: "X-Kiln-Notification-Id", value: notification.id)
        request.headers.replaceOrAdd(name: "X-Kiln-Event-Type", value: notification.eventType)
        let timestamp = Int(Date().timeIntervalSince1970)
        request.headers.replaceOrAdd(name: WebhookSignature.timestampHeader, value: String(timestamp))
        if let secret = sink.secret {
            request.headers.replaceOrAdd(
                name: WebhookSignature.signatureHeader, value: WebhookSignature.sign(body: bytes, timestamp: timestamp, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw DeliveryError("\(sink.target): \(error)")
        }
        // Read (and drop) a bounded body so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(response.status.code) else {
            throw DeliveryError("\(sink.target) answered HTTP \(response.status.code)")
        }
    }
}
