import Foundation
import KilnModel

/// One message to post to a queue: its body (any JSON) and how long it lives, in seconds.
public struct QueueMessage: Sendable, Equatable {
    public var body: Value
    public var ttl: Int
    /// Seconds before it can be listed or claimed (Zaqar's delayed queues; 0..900).
    public var delay: Int
    public init(body: Value, ttl: Int) {
        self.init(body: body, ttl: ttl, delay: 0)
    }
    public init(body: Value, ttl: Int, delay: Int) {
        self.body = body
        self.ttl = ttl
        self.delay = delay
    }
}

/// Zaqar (OpenStack's messaging service): named queues of JSON messages. Notification sinks of
/// type `zaqar-queue` post to it; the emulator keeps queues in the store, `OpenStackCloud`
/// speaks Zaqar's v2 REST API.
public protocol MessagingService: Sendable {
    /// Posts messages to the queue (made on first use, as Zaqar v2 does) and returns their ids,
    /// in order. `clientID` is Zaqar's Client-ID: the poster's identity for `echo`.
    func postMessages(queue: String, _ messages: [QueueMessage], clientID: String) async throws -> [String]

    // The rest of Zaqar's v2 queue API (documented, with defaults, in the extension below).
    func queues(marker: String?, limit: Int) async throws -> [MessageQueueInfo]
    func createQueue(_ name: String, metadata: [String: Value]) async throws -> Bool
    func queue(_ name: String) async throws -> MessageQueueInfo?
    func setQueueMetadata(_ name: String, _ metadata: [String: Value]) async throws
    func deleteQueue(_ name: String) async throws
    func queueStats(_ name: String) async throws -> QueueStats
    func messages(queue: String, _ query: MessageQuery) async throws -> MessagePage
    func messages(queue: String, ids: [String]) async throws -> [QueuedMessage]
    func message(queue: String, id: String) async throws -> QueuedMessage?
    func deleteMessage(queue: String, id: String, claimID: String?) async throws
    func deleteMessages(queue: String, ids: [String]) async throws
    func popMessages(queue: String, limit: Int) async throws -> [QueuedMessage]
    func claimMessages(queue: String, ttl: Int, grace: Int, limit: Int) async throws -> MessageClaim?
    func claim(queue: String, id: String) async throws -> MessageClaim?
    func updateClaim(queue: String, id: String, ttl: Int, grace: Int) async throws
    func releaseClaim(queue: String, id: String) async throws
}

/// A message as the queue holds it: Zaqar's `id`, `ttl`, `age` (seconds since posted), `body`,
/// the poster's Client-ID, the live claim holding it (nil when free or the claim expired) and
/// how often it was claimed.
public struct QueuedMessage: Sendable, Equatable {
    public var id: String
    public var body: Value
    public var ttl: Int
    public var age: Int
    public var clientID: String
    public var claimID: String?
    public var claimCount: Int
    /// When it was posted (queue stats show the oldest's and newest's).
    public var created: Date
    public init(id: String, body: Value, ttl: Int, age: Int, clientID: String, claimID: String? = nil, claimCount: Int = 0,
                created: Date) {
        self.id = id
        self.body = body
        self.ttl = ttl
        self.age = age
        self.clientID = clientID
        self.claimID = claimID
        self.claimCount = claimCount
        self.created = created
    }
}

/// A queue's name and its metadata (Zaqar's free-form object, `_default_message_ttl` and the
/// other `_`-keys included when set).
public struct MessageQueueInfo: Sendable, Equatable {
    public var name: String
    public var metadata: [String: Value]
    public init(name: String, metadata: [String: Value]) {
        self.name = name
        self.metadata = metadata
    }
}

/// Which messages a listing returns, as Zaqar's `GET .../messages` asks: after `marker` (the
/// previous page's), at most `limit`, the caller's own ones only with `echo`, claimed ones only
/// with `includeClaimed`, ones still delayed only with `includeDelayed`.
public struct MessageQuery: Sendable, Equatable {
    public var marker: String?
    public var limit: Int
    public var echo: Bool
    public var includeClaimed: Bool
    public var includeDelayed: Bool
    public var clientID: String
    public init(marker: String? = nil, limit: Int = 10, echo: Bool = false, includeClaimed: Bool = false, includeDelayed: Bool = false,
                clientID: String) {
        self.marker = marker
        self.limit = limit
        self.echo = echo
        self.includeClaimed = includeClaimed
        self.includeDelayed = includeDelayed
        self.clientID = clientID
    }
}

/// One page of messages and the marker that continues after it.
public struct MessagePage: Sendable, Equatable {
    public var messages: [QueuedMessage]
    public var marker: String?
    public init(messages: [QueuedMessage], marker: String?) {
        self.messages = messages
        self.marker = marker
    }
}

/// A claim: its id, ttl, age (seconds since made or last renewed) and the messages it holds.
public struct MessageClaim: Sendable, Equatable {
    public var id: String
    public var ttl: Int
    public var grace: Int
    public var age: Int
    public var messages: [QueuedMessage]
    public init(id: String, ttl: Int, grace: Int, age: Int, messages: [QueuedMessage]) {
        self.id = id
        self.ttl = ttl
        self.grace = grace
        self.age = age
        self.messages = messages
    }
}

/// Zaqar's queue stats: live messages claimed and free, and the oldest and newest of them.
public struct QueueStats: Sendable, Equatable {
    public var claimed: Int
    public var free: Int
    public var total: Int { claimed + free }
    public var oldest: QueuedMessage?
    public var newest: QueuedMessage?
    public init(claimed: Int, free: Int, oldest: QueuedMessage? = nil, newest: QueuedMessage? = nil) {
        self.claimed = claimed
        self.free = free
        self.oldest = oldest
        self.newest = newest
    }
}

/// Zaqar's limits (its defaults in `zaqar.conf`), which both the emulator and the served API apply.
public enum MessagingLimits {
    public static let messageTTL = 60...1_209_600
    public static let defaultMessageTTL = 3600
    public static let messageDelay = 0...900
    public static let claimTTL = 60...43_200
    public static let claimGrace = 60...43_200
    public static let defaultClaimTTL = 300
    public static let defaultClaimGrace = 60
    /// Messages per page, per claim, per pop and per `ids=`; queues per page.
    public static let perRequest = 1...20
    public static let defaultPerPage = 10

    /// Zaqar's queue names: 1 to 64 of ASCII letters, digits, `_`, `-` (and `.`, which its
    /// validator has accepted since 2017, "Support dot character in queue's name", although its
    /// error message still names only the others).
    public static func isValidQueueName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D || byte == 0x2E
        }
    }
}

/// The rest of Zaqar's v2 queue API: what `kiln serve` answers and the stock `openstack messaging`
/// commands use. Each has a default that refuses, so a service that only posts (a test's
/// recording sink) conforms with `postMessages` alone; the emulator and the OpenStack driver
/// implement them all. Queue-scoped calls on a queue that does not exist act as Zaqar's do
/// on an empty queue (nothing listed, deletes succeed).
extension MessagingService {
    /// The project's queues by name, after `marker`, at most `limit`.
    public func queues(marker: String?, limit: Int) async throws -> [MessageQueueInfo] { throw Self.unsupported("listing queues") }
    /// Makes the queue with `metadata`; false (and nothing changed) when it exists.
    public func createQueue(_ name: String, metadata: [String: Value]) async throws -> Bool { throw Self.unsupported("creating queues") }
    /// The queue, nil when it does not exist.
    public func queue(_ name: String) async throws -> MessageQueueInfo? { throw Self.unsupported("reading queues") }
    /// Replaces the queue's metadata (the queue must exist).
    public func setQueueMetadata(_ name: String, _ metadata: [String: Value]) async throws { throw Self.unsupported("queue metadata") }
    /// Deletes the queue with its messages and claims; gone already is not an error.
    public func deleteQueue(_ name: String) async throws { throw Self.unsupported("deleting queues") }
    public func queueStats(_ name: String) async throws -> QueueStats { throw Self.unsupported("queue stats") }
    public func messages(queue: String, _ query: MessageQuery) async throws -> MessagePage { throw Self.unsupported("listing messages") }
    /// The live messages among `ids` (claimed or not), in queue order.
    public func messages(queue: String, ids: [String]) async throws -> [QueuedMessage] { throw Self.unsupported("reading messages") }
    public func message(queue: String, id: String) async throws -> QueuedMessage? { throw Self.unsupported("reading messages") }
    /// Deletes one message; a claimed one only with its live claim's id (Zaqar's 403 otherwise),
    /// and a claim id given for a message it does not hold is Zaqar's 400.
    public func deleteMessage(queue: String, id: String, claimID: String?) async throws { throw Self.unsupported("deleting messages") }
    /// Deletes the messages (claimed or not); unknown ids are ignored.
    public func deleteMessages(queue: String, ids: [String]) async throws { throw Self.unsupported("deleting messages") }
    /// Deletes and returns up to `limit` free messages, oldest first.
    public func popMessages(queue: String, limit: Int) async throws -> [QueuedMessage] { throw Self.unsupported("popping messages") }
    /// Claims up to `limit` free messages (not delayed), oldest first, for `ttl` seconds; a message that would
    /// expire before the claim does lives `grace` seconds past it. Nil when none is free.
    public func claimMessages(queue: String, ttl: Int, grace: Int, limit: Int) async throws -> MessageClaim? {
        throw Self.unsupported("claiming messages")
    }
    /// The live claim, nil when unknown or expired.
    public func claim(queue: String, id: String) async throws -> MessageClaim? { throw Self.unsupported("reading claims") }
    /// Renews a live claim for `ttl` seconds from now (Zaqar's 404 when unknown or expired).
    public func updateClaim(queue: String, id: String, ttl: Int, grace: Int) async throws { throw Self.unsupported("renewing claims") }
    /// Releases the claim: its messages are free again. Gone already is not an error.
    public func releaseClaim(queue: String, id: String) async throws { throw Self.unsupported("releasing claims") }

    static func unsupported(_ what: String) -> CloudError {
        CloudError(.badRequest, "\(what) is not supported by this messaging service (it only posts)")
    }
}
