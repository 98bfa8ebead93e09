import Foundation
import KilnModel

/// The parts of the store `SealedStore` passes through as they are (but for the sinks): the
/// notification outbox and the engines' registry (heartbeats, work claims, tokens stored by digest).
extension SealedStore {
    // Notifications
    public func notificationHeads() async throws -> [NotificationHead] { try await base.notificationHeads() }

    public func notificationCursor(sinkID: String, stackID: String) async throws -> NotificationCursor? {
        try await base.notificationCursor(sinkID: sinkID, stackID: stackID)
    }

    public func saveNotificationCursor(_ cursor: NotificationCursor) async throws { try await base.saveNotificationCursor(cursor) }

    public func deadLetter(_ notification: OutboxNotification, cursor: NotificationCursor?) async throws {
        try await base.deadLetter(notification, cursor: cursor)
    }

    public func pendingNotifications(sinkID: String, stackID: String, limit: Int) async throws -> [OutboxNotification] {
        try await base.pendingNotifications(sinkID: sinkID, stackID: stackID, limit: limit)
    }

    /// Webhook secrets and headers are sealed in their rows (`SealedSinks`): opened here.
    public func notificationSinks() async throws -> [String: EventSink] {
        var opened: [String: EventSink] = [:]
        for (id, sink) in try await base.notificationSinks() { opened[id] = try sealer.opened(sink, id: id) }
        return opened
    }

    public func deliveredNotifications(sequences: [Int64]) async throws { try await base.deliveredNotifications(sequences: sequences) }

    public func failedNotificationAttempt(sequence: Int64, attempts: Int, next: Date, error: String) async throws {
        try await base.failedNotificationAttempt(sequence: sequence, attempts: attempts, next: next, error: error)
    }

    public func notifications(failedOnly: Bool, projectID: String?, limit: Int?) async throws -> [OutboxNotification] {
        try await base.notifications(failedOnly: failedOnly, projectID: projectID, limit: limit)
    }

    public func lastStackEvent(stackID: String, atOrBefore sequence: Int64) async throws -> EventRecord? {
        try await base.lastStackEvent(stackID: stackID, atOrBefore: sequence)
    }

    public func pendingEventNotifications(projectID: String?, limit: Int?) async throws -> [(EventRecord, NotificationCursor)] {
        try await base.pendingEventNotifications(projectID: projectID, limit: limit)
    }

    public func retryNotification(_ id: String, projectID: String?) async throws -> Int {
        try await base.retryNotification(id, projectID: projectID)
    }

    public func pendingNotificationCount() async throws -> Int { try await base.pendingNotificationCount() }

    public func finishNotifications(stackID: String) async throws { try await base.finishNotifications(stackID: stackID) }

    // Engines, work claims and tokens
    public func heartbeat(_ engine: EngineRecord) async throws { try await base.heartbeat(engine) }

    public func engines() async throws -> [EngineRecord] { try await base.engines() }

    public func removeEngine(id: String) async throws { try await base.removeEngine(id: id) }

    public func claimWork(_ key: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await base.claimWork(key, owner: owner, until: expiry, now: now)
    }

    public func releaseWork(_ key: String, owner: String) async throws { try await base.releaseWork(key, owner: owner) }

    public func saveToken(_ token: StoredToken) async throws { try await base.saveToken(token) }

    public func token(digest: String) async throws -> StoredToken? { try await base.token(digest: digest) }

    public func revokeToken(digest: String) async throws { try await base.revokeToken(digest: digest) }

    public func purgeTokens(expiredBefore cutoff: Date) async throws -> Int { try await base.purgeTokens(expiredBefore: cutoff) }

    // Secrets at rest: the rotation works on the stored (sealed) text itself.
    public func rewriteSealedValues(_ reseal: @escaping @Sendable (String) throws -> String?) async throws -> Int {
        try await base.rewriteSealedValues(reseal)
    }
}
