import Foundation

/// Where a stack's notifications go: an entry of an environment's `event_sinks` (Heat's
/// `zaqar-queue`, or Kiln's `webhook`), or a server-wide sink an administrator configured.
/// The environment reader checks the definition, with located errors; this is its checked form.
public struct EventSink: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case zaqarQueue = "zaqar-queue", webhook
    }

    /// What a receiver gets: Heat's notification (oslo's `event_type`, `priority`, `payload` ...)
    /// or the same as a CloudEvents 1.0 structured JSON event. A `zaqar-queue` sink always gets
    /// Heat's event document (`os.heat.event`), as Heat posts to it.
    public enum Format: String, Sendable, CaseIterable {
        case heat, cloudevents
    }

    public var kind: Kind
    /// The queue name (`zaqar-queue`) or the URL (`webhook`).
    public var target: String
    /// Seconds a queued message lives (`zaqar-queue`; Zaqar's default when nil).
    public var ttl: Int?
    /// The HMAC-SHA256 key a webhook's body and timestamp are signed with.
    public var secret: String?
    public var headers: [String: String]
    /// Event type patterns (`orchestration.stack.*`, `*.error`); empty: every notification.
    public var events: [String]
    public var format: Format

    public init(kind: Kind, target: String, ttl: Int? = nil, secret: String? = nil, headers: [String: String] = [:],
                events: [String] = [], format: Format = .heat) {
        self.kind = kind
        self.target = target
        self.ttl = ttl
        self.secret = secret
        self.headers = headers
        self.events = events
        self.format = format
    }

    /// The sink of a definition the environment reader accepted (nil: not one).
    public init?(_ value: Value) {
        guard let fields = value.mapValue, let type = fields["type"]?.stringValue, let kind = Kind(rawValue: type) else {
            return nil
        }
        switch kind {
        case .zaqarQueue:
            guard let target = fields["target"]?.plainText else { return nil }
            self.init(kind: kind, target: target, ttl: fields["ttl"].flatMap { Int($0.plainText) })
        case .webhook:
            guard let url = fields["url"]?.stringValue else { return nil }
            var headers: [String: String] = [:]
            for (name, value) in fields["headers"]?.mapValue ?? [:] { headers[name] = value.plainText }
            self.init(
                kind: kind, target: url, secret: fields["secret"]?.stringValue, headers: headers,
                events: fields["events"]?.listValue?.compactMap(\.stringValue) ?? [],
                format: fields["format"]?.stringValue.flatMap(Format.init(rawValue:)) ?? .heat)
        }
    }

    /// The definition as stored with the outbox (secret included: the dispatcher signs with it).
    public var definition: Value {
        var fields: [String: Value] = ["type": .string(kind.rawValue)]
        switch kind {
        case .zaqarQueue:
            fields["target"] = .string(target)
            if let ttl { fields["ttl"] = .int(ttl) }
        case .webhook:
            fields["url"] = .string(target)
            if let secret { fields["secret"] = .string(secret) }
            if !headers.isEmpty { fields["headers"] = .map(headers.mapValues { .string($0) }) }
            if !events.isEmpty { fields["events"] = .list(events.map { .string($0) }) }
            fields["format"] = .string(format.rawValue)
        }
        return .map(fields)
    }

    /// A stable key for the definition: outbox rows name their sink by it, so one definition
    /// used by many stacks is stored once. Not a security digest (FNV-1a of the sorted JSON).
    public var id: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in definition.storageJSON().utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// How lists and logs name the sink: never its secret or headers.
    public var displayName: String { "\(kind.rawValue) \(target)" }

    /// Whether the sink wants notifications of this type.
    public func accepts(_ eventType: String) -> Bool {
        events.isEmpty || events.contains { Self.matches(eventType, pattern: $0) }
    }

    /// `*` matches any run of characters; everything else matches itself.
    static func matches(_ text: String, pattern: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return text == pattern }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard !part.isEmpty else { continue }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

/// A notification for one sink that is not an event (autoscaling) waiting in the outbox
/// (delivered ones leave it), or any notification given up on after the retry limit (the
/// dead-letter list); also an event's notification on its way to a sink.
public struct OutboxNotification: Sendable, Equatable {
    public enum State: String, Sendable { case pending, failed }

    /// Store-assigned, increasing: each (sink, stack) queue is delivered in this order.
    public var sequence: Int64?
    /// The notification's id (Heat's `message_id`): the same for every sink and every retry,
    /// so a receiver can drop duplicates.
    public var id: String
    public var sinkID: String
    public var stackID: String
    public var projectID: String
    public var eventType: String
    /// Heat's notification: `message_id`, `publisher_id`, `event_type`, `priority`, `payload`, `timestamp`.
    public var body: Value
    public var createdAt: Date
    public var state: State
    public var attempts: Int
    public var nextAttempt: Date
    public var lastError: String?
    /// The sequence of the stack's event this notification follows (its place in the queue).
    public var afterEvent: Int64

    public init(sequence: Int64? = nil, id: String, sinkID: String, stackID: String, projectID: String, eventType: String,
                body: Value, createdAt: Date = Date(), state: State = .pending, attempts: Int = 0, nextAttempt: Date? = nil,
                lastError: String? = nil, afterEvent: Int64 = 0) {
        self.afterEvent = afterEvent
        self.sequence = sequence
        self.id = id
        self.sinkID = sinkID
        self.stackID = stackID
        self.projectID = projectID
        self.eventType = eventType
        self.body = body
        self.createdAt = createdAt
        self.state = state
        self.attempts = attempts
        self.nextAttempt = nextAttempt ?? createdAt
        self.lastError = lastError
    }
}

extension OutboxNotification {
    /// The row as the admin API and `kiln notification list --format json` show it: the sink by
    /// its type and target only (never its secret or headers).
    public func view(sink: EventSink?) -> Value {
        [
            "id": .string(id), "sequence": sequence.map { .int(Int($0)) } ?? .null,
            "event_type": .string(eventType), "stack_id": .string(stackID), "project_id": .string(projectID),
            "sink": .string(sink?.displayName ?? sinkID), "state": .string(state.rawValue),
            "attempts": .int(attempts), "next_attempt": .string(HeatTime.iso(nextAttempt)),
            "last_error": lastError.map(Value.string) ?? .null, "created_at": .string(HeatTime.iso(createdAt)),
        ]
    }
}

extension EventSink {
    /// An `event_sinks` list as shown back to users (validate's Environment, a stack's
    /// environment): each webhook's secret and header values masked, as hidden parameters are.
    public static func masked(_ sinks: Value) -> Value {
        guard case .list(let items) = sinks else { return sinks }
        return .list(items.map { item in
            guard var fields = item.mapValue else { return item }
            if fields["secret"] != nil { fields["secret"] = "******" }
            if let headers = fields["headers"]?.mapValue { fields["headers"] = .map(headers.mapValues { _ in "******" }) }
            return .map(fields)
        })
    }
}
