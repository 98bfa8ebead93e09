import Foundation
import KilnModel
import KilnStore
import Logging
import Metrics
import Synchronization

/// Delivers the outbox: at least once, in order per (sink, stack), with retries and backoff,
/// and a dead-letter list after `policy.maxAttempts`.
///
/// Each (sink, stack) queue is drained by one task at a time, head first: a failed head waits
/// for its next attempt and everything behind it waits too, so a receiver sees a stack's
/// notifications in the order they were committed. Different stacks' queues run side by side,
/// at most `policy.concurrencyPerSink` per sink, so one slow or dead receiver holds only its
/// own queues, never the engine (which only writes rows) or other sinks. Delivered rows are
/// deleted in batches; a crash between a delivery and its deletion delivers it again (the
/// notification's id is stable, so receivers drop the duplicate).
public final class NotificationDispatcher: Sendable {
    let store: any Store
    let transport: any NotificationTransport
    let policy: DeliveryPolicy
    let bell: OutboxBell
    let logger: Logger
    let metrics: NotificationMetrics
    /// Queues being drained now, and how many per sink.
    private let busy = Mutex<(queues: Set<String>, perSink: [String: Int])>(([], [:]))
    private let sinkCache = Mutex<[String: EventSink]>([:])

    public init(store: any Store, transport: any NotificationTransport, policy: DeliveryPolicy = DeliveryPolicy(),
                bell: OutboxBell = OutboxBell(), logger: Logger = Logger(label: "kiln.notifications"),
                metricsFactory: (any MetricsFactory)? = nil) {
        self.store = store
        self.transport = transport
        self.policy = policy
        self.bell = bell
        self.logger = logger
        self.metrics = NotificationMetrics(factory: metricsFactory)
    }

    /// Delivers until cancelled: looks at the outbox when the bell rings (a commit of this
    /// process added rows, or a queue finished), at the next due retry, or every
    /// `policy.pollInterval` (rows other processes committed).
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let look = await startDueQueues(in: &group)
                await bell.wait(seconds: look.wait)
            }
            group.cancelAll()
        }
    }

    /// Delivers what is due now and what becomes due before `deadline`, then returns (the
    /// embedded CLI drains the outbox this way before it exits); the rows still pending.
    @discardableResult
    public func deliverPending(until deadline: Date) async -> Int {
        await withDiscardingTaskGroup { group in
            while Date() < deadline {
                let look = await startDueQueues(in: &group)
                if busyCount == 0, look.heads == 0 || look.soonest.map({ $0 > deadline }) == true { break }
                await bell.wait(seconds: min(look.wait, max(0, deadline.timeIntervalSinceNow)))
            }
            group.cancelAll()
        }
        return (try? await store.pendingNotificationCount()) ?? 0
    }

    private var busyCount: Int { busy.withLock { $0.queues.count } }

    /// Starts a task for each due queue not already being drained (within the per-sink bound);
    /// returns how long to wait before looking again, how many queues have pending rows, and
    /// when the soonest one not yet due becomes due.
    private func startDueQueues(in group: inout DiscardingTaskGroup) async -> (wait: Double, heads: Int, soonest: Date?) {
        let heads: [NotificationHead]
        do {
            heads = try await store.notificationHeads()
        } catch {
            logger.warning("cannot read the notification outbox", metadata: ["error": "\(error)"])
            return (policy.pollInterval, 1, nil)
        }
        var wait = policy.pollInterval
        var soonest: Date?
        let now = Date()
        for head in heads {
            let due = head.nextAttempt.timeIntervalSince(now)
            if due > 0 {
                wait = min(wait, due)
                soonest = min(soonest ?? head.nextAttempt, head.nextAttempt)
                continue
            }
            let key = head.sinkID + "\u{0}" + head.stackID
            let started = busy.withLock { state -> Bool in
                guard !state.queues.contains(key), state.perSink[head.sinkID, default: 0] < policy.concurrencyPerSink else {
                    return false
                }
                state.queues.insert(key)
                state.perSink[head.sinkID, default: 0] += 1
                return true
            }
            guard started else { continue }
            group.addTask {
                await self.drain(sinkID: head.sinkID, stackID: head.stackID)
                self.busy.withLock { state in
                    state.queues.remove(key)
                    state.perSink[head.sinkID, default: 1] -= 1
                }
                self.bell.ring()
            }
        }
        return (max(0.005, wait), heads.count, soonest)
    }

    private func sink(_ id: String) async -> EventSink? {
        if let known = sinkCache.withLock({ $0[id] }) { return known }
        guard let all = try? await store.notificationSinks() else { return nil }
        sinkCache.withLock { $0.merge(all) { _, new in new } }
        return all[id]
    }

    /// Delivers one queue head first until it is empty, its head must wait for a retry, or
    /// the task is cancelled.
    private func drain(sinkID: String, stackID: String) async {
        guard let sink = await sink(sinkID) else {
            logger.error("a notification names an unknown sink", metadata: ["sink": "\(sinkID)"])
            return
        }
        let name = sink.displayName
        var delivered: [Int64] = []
        func flush() async {
            guard !delivered.isEmpty else { return }
            do {
                try await store.deliveredNotifications(sequences: delivered)
                delivered = []
            } catch {
                // Left in the outbox: delivered again later, which at-least-once allows.
                logger.warning("cannot mark notifications delivered", metadata: ["error": "\(error)"])
                delivered = []
            }
        }
        while !Task.isCancelled {
            let rows: [OutboxNotification]
            do {
                rows = try await store.pendingNotifications(sinkID: sinkID, stackID: stackID, limit: 100)
            } catch {
                logger.warning("cannot read the notification outbox", metadata: ["error": "\(error)"])
                break
            }
            // Rows just delivered but not yet deleted come back first: skip them.
            let fresh = rows.filter { row in !delivered.contains(row.sequence ?? -1) }
            if fresh.isEmpty {
                if rows.isEmpty { break }
                await flush()
                continue
            }
            for row in fresh {
                guard !Task.isCancelled, let sequence = row.sequence else { break }
                if row.nextAttempt > Date() {
                    await flush()
                    return
                }
                let started = ContinuousClock.now
                do {
                    try await transport.deliver(row, to: sink)
                    delivered.append(sequence)
                    metrics.delivered(sink: name, seconds: Date().timeIntervalSince(row.createdAt),
                                      attemptSeconds: started.duration(to: .now))
                    if delivered.count >= 64 { await flush() }
                } catch {
                    await flush()
                    // Stopped mid-delivery (the process is shutting down): the outcome is
                    // unknown, so the row stays as it was and is delivered again later.
                    if Task.isCancelled { return }
                    let attempts = row.attempts + 1
                    let deadLetter = attempts >= policy.maxAttempts
                    let next = Date().addingTimeInterval(deadLetter ? 0 : policy.backoff(afterAttempts: attempts))
                    do {
                        try await store.failedNotificationAttempt(
                            sequence: sequence, attempts: attempts, next: next, error: "\(error)", deadLetter: deadLetter)
                    } catch {
                        logger.warning("cannot record a failed delivery", metadata: ["error": "\(error)"])
                        return
                    }
                    if deadLetter {
                        metrics.deadLettered(sink: name)
                        logger.error("notification dead-lettered", metadata: [
                            "notification": "\(row.id)", "event_type": "\(row.eventType)", "sink": "\(name)",
                            "attempts": "\(attempts)", "error": "\(error)",
                        ])
                        continue
                    }
                    metrics.retried(sink: name)
                    logger.info("notification delivery failed, will retry", metadata: [
                        "notification": "\(row.id)", "sink": "\(name)", "attempt": "\(attempts)", "error": "\(error)",
                    ])
                    return
                }
            }
        }
        await flush()
    }
}

/// The dispatcher's metrics: `kiln_notifications_delivered_total`, `..._retried_total`,
/// `..._dead_lettered_total` and `kiln_notification_delivery_seconds` (from commit to
/// delivery) by sink.
struct NotificationMetrics: Sendable {
    let factory: (any MetricsFactory)?

    private func counter(_ label: String, _ sink: String) -> Counter {
        if let factory { return Counter(label: label, dimensions: [("sink", sink)], factory: factory) }
        return Counter(label: label, dimensions: [("sink", sink)])
    }

    func delivered(sink: String, seconds: Double, attemptSeconds: Duration) {
        counter("kiln_notifications_delivered_total", sink).increment()
        let nanoseconds = Int64((max(0, seconds) * 1e9).rounded())
        if let factory {
            Metrics.Timer(label: "kiln_notification_delivery_seconds", dimensions: [("sink", sink)], factory: factory)
                .recordNanoseconds(nanoseconds)
        } else {
            Metrics.Timer(label: "kiln_notification_delivery_seconds", dimensions: [("sink", sink)]).recordNanoseconds(nanoseconds)
        }
    }

    func retried(sink: String) { counter("kiln_notifications_retried_total", sink).increment() }
    func deadLettered(sink: String) { counter("kiln_notifications_dead_lettered_total", sink).increment() }
}
