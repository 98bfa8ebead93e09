import KilnModel

/// A webhook sink's secret (the key its notifications are signed with) and header values
/// (often a bearer token) sealed in `notification_sinks`, and opened when the dispatcher reads
/// the sinks back. The row keeps the plain sink's id: outbox rows and cursors name it.
extension SecretSealer {
    func sealed(_ subscription: NotificationSubscription?) -> NotificationSubscription? {
        guard var subscription else { return nil }
        for sink in subscription.sinks where sink.secret != nil || !sink.headers.isEmpty {
            guard case .map(var fields) = sink.definition else { continue }
            if let secret = sink.secret { fields["secret"] = .string(seal(secret)) }
            if !sink.headers.isEmpty { fields["headers"] = .map(sink.headers.mapValues { .string(seal($0)) }) }
            subscription.storedDefinitions[sink.id] = .map(fields)
        }
        return subscription
    }

    func opened(_ sink: EventSink, id: String) throws -> EventSink {
        var out = sink
        out.secret = try sink.secret.map { try open($0, what: "secret of notification sink \(id)") }
        for (name, value) in sink.headers where Self.isSealed(value) {
            out.headers[name] = try open(value, what: "header \(name) of notification sink \(id)")
        }
        return out
    }
}
