import Foundation
import KilnModel

/// One message to post to a queue: its body (any JSON) and how long it lives, in seconds.
public struct QueueMessage: Sendable, Equatable {
    public var body: Value
    public var ttl: Int
    public init(body: Value, ttl: Int) {
        self.body = body
        self.ttl = ttl
    }
}

/// Zaqar (OpenStack's messaging service): named queues of JSON messages. Notification sinks of
/// type `zaqar-queue` post to it; the emulator keeps queues in the store, `OpenStackCloud`
/// speaks Zaqar's v2 REST API.
public protocol MessagingService: Sendable {
    /// Posts messages to the queue (made on first use, as Zaqar v2 does) and returns their ids,
    /// in order. `clientID` is Zaqar's Client-ID: the poster's identity for `echo`.
    func postMessages(queue: String, _ messages: [QueueMessage], clientID: String) async throws -> [String]
}
