import Foundation
import KilnModel
import KilnStore
import Logging
import Metrics

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
    private let busy = Locked<(queues: Set<String>, perSink: [String: Int])>(([], [:]))
    private let sinkCache = Locked<[String: EventSink]>([:])
    /// With several engines on one database: this engine delivers only the queues rendezvous
    /// hashing gives it among the live engines, each under a work claim (`notify:SINK:STACK`), so
    /// a queue is delivered by one engine at a time even while engines disagree on who is alive.
    /// Nil: this process delivers every queue.
    let membership: EngineMembership?

    public init(store: any Store, transport: any NotificationTransport, policy: DeliveryPolicy = DeliveryPolicy(),
                bell: OutboxBell = OutboxBell(), logger: Logger = Logger(label: "kiln.notifications"),
                metricsFactory: (any MetricsFactory)? = nil, membership: EngineMembership? = nil) {
        self.membership = membership
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
                let looked = ContinuousClock.now
                let look = await startDueQueues(in: &group)
                await bell.wait(seconds: look.wait)
                // Rings come with every commit of a busy engine: look at most every
                // `minimumLookInterval`, so the outbox's reads never crowd the operations.
                let since = looked.duration(to: .now)
                let minimum = Duration.seconds(Self.minimumLookInterval)
                if since < minimum { try? await Task.sleep(for: minimum - since) }
            }
            group.cancelAll()
        }
    }

    /// Delivers what is due, until nothing is due (queues waiting for a retry are left for
    /// later) or `deadline` passes, then returns (the embedded CLI drains the outbox this way
    /// before it exits); the notifications still pending.
    @discardableResult
    public func deliverPending(until deadline: Date) async -> Int {
        await withDiscardingTaskGroup { group in
            while Date() < deadline {
                let look = await startDueQueues(in: &group)
                if busyCount == 0, look.due == 0 { break }
                await bell.wait(seconds: min(look.wait, max(0, deadline.timeIntervalSinceNow)))
            }
            group.cancelAll()
        }
        return (try? await store.pendingNotificationCount()) ?? 0
    }

    /// Seconds between two looks at the outbox at least (a queue being drained is not held up
    /// by it: only new queues wait).
    static let minimumLookInterval = 0.02

    private var busyCount: Int { busy.withLock { $0.queues.count } }

    /// Starts a task for each due queue not already being drained (within the per-sink bound);
    /// returns how long to wait before looking again, how many queues have pending rows, and
    /// when the soonest one not yet due becomes due.
    private func startDueQueues(in group: inout DiscardingTaskGroup) async -> (wait: Double, due: Int) {
        let heads: [NotificationHead]
        do {
            heads = try await store.notificationHeads()
        } catch {
            logger.warning("cannot read the notification outbox", metadata: ["error": "\(error)"])
            return (policy.pollInterval, 1)
        }
        var wait = policy.pollInterval
        var dueCount = 0
        let now = Date()
        for head in heads {
            let due = head.nextAttempt.timeIntervalSince(now)
            if due > 0 {
                wait = min(wait, due)
                continue
            }
            let key = head.sinkID + "\u{0}" + head.stackID
            if let membership, !membership.owns(Self.claimKey(head)) { continue }
            dueCount += 1
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
                var drained = true
                if let membership = self.membership {
                    // Held by another engine (the two disagree on who is alive for a moment):
                    // left to it, looked at again at the next poll, not at once.
                    drained = await membership.holding(Self.claimKey(head)) {
                        await self.drain(sinkID: head.sinkID, stackID: head.stackID)
                    } != nil
                } else {
                    await self.drain(sinkID: head.sinkID, stackID: head.stackID)
                }
                self.busy.withLock { state in
                    state.queues.remove(key)
                    state.perSink[head.sinkID, default: 1] -= 1
                }
                if drained { self.bell.ring() }
            }
        }
        return (max(0.005, wait), dueCount)
    }

    /// The queue's name for hashing and for its work claim.
    static func claimKey(_ head: NotificationHead) -> String { "notify:\(head.sinkID):\(head.stackID)" }

    private func sink(_ id: String) async -> EventSink? {
        if let known = sinkCache.withLock({ $0[id] }) { return known }
        guard let all = try? await store.notificationSinks() else { return nil }
        sinkCache.withLock { $0.merge(all) { _, new in new } }
        return all[id]
    }

    /// One item of a (sink, stack) queue: the stack's event, or an outbox row placed after the
    /// event it follows.
    private enum Item {
        case event(EventRecord)
        case row(OutboxNotification)

        var key: Double {
            switch self {
            case .event(let event): Double(event.sequence ?? 0)
            case .row(let row): Double(row.afterEvent) + 0.5
            }
        }
    }

    /// Delivers one queue head first until it is empty, its head must wait for a retry, or the
    /// task is cancelled. Progress is saved every 64 deliveries and whenever the drain stops.
    private func drain(sinkID: String, stackID: String) async {
        guard let sink = await sink(sinkID) else {
            logger.error("a notification names an unknown sink", metadata: ["sink": "\(sinkID)"])
            return
        }
        let name = sink.displayName
        var cursor = try? await store.notificationCursor(sinkID: sinkID, stackID: stackID)
        var saved = cursor
        var stack = try? await store.stack(id: stackID)
        var stackState: (String, String)?
        var delivered: [Int64] = []
        func save() async {
            do {
                if let current = cursor, current != saved {
                    try await store.saveNotificationCursor(current)
                    saved = current
                }
                if !delivered.isEmpty {
                    try await store.deliveredNotifications(sequences: delivered)
                    delivered = []
                }
            } catch {
                // Not recorded: delivered again later, which at-least-once allows.
                logger.warning("cannot record notification progress", metadata: ["error": "\(error)"])
                delivered = []
            }
        }
        while !Task.isCancelled {
            var events: [EventRecord] = []
            let batch = 100
            if let current = cursor {
                do {
                    events = try await store.events(stackID: stackID, resourceName: nil, after: current.afterSequence, limit: batch)
                } catch {
                    logger.warning("cannot read a stack's events", metadata: ["error": "\(error)"])
                    break
                }
                if stack == nil, !events.isEmpty { stack = try? await store.stack(id: stackID) }
            }
            let rows = ((try? await store.pendingNotifications(sinkID: sinkID, stackID: stackID, limit: batch)) ?? [])
                .filter { !delivered.contains($0.sequence ?? -1) }
            // Rows placed after events not read yet wait for them.
            let horizon = events.count == batch ? Double(events.last?.sequence ?? 0) : .infinity
            var items = events.map(Item.event) + rows.filter { Double($0.afterEvent) < horizon }.map(Item.row)
            items.sort { $0.key < $1.key }
            if items.isEmpty {
                await save()
                if rows.isEmpty, let stack, stack.action == .delete, stack.status == .complete {
                    try? await store.finishNotifications(stackID: stackID)
                }
                return
            }
            for item in items {
                guard !Task.isCancelled else { break }
                let now = Date()
                let notification: OutboxNotification
                switch item {
                case .event(let event):
                    guard let current = cursor, let sequence = event.sequence else { continue }
                    if current.nextAttempt > now {
                        await save()
                        return
                    }
                    let type = HeatNotification.eventType(of: event)
                    if HeatNotification.isStackEvent(event) { stackState = (event.statusText, event.reason) }
                    guard sink.accepts(type), let stack else {
                        cursor?.afterSequence = sequence
                        continue
                    }
                    if stackState == nil, !HeatNotification.isStackEvent(event) {
                        let last = try? await store.lastStackEvent(stackID: stackID, atOrBefore: sequence)
                        stackState = last.map { ($0.statusText, $0.reason) } ?? (stack.statusText, stack.statusReason)
                    }
                    notification = OutboxNotification(
                        id: event.id, sinkID: sinkID, stackID: stackID, projectID: stack.projectID, eventType: type,
                        body: HeatNotification.of(event, stack: stack, stackState: stackState, publisher: HeatNotification.publisher),
                        createdAt: event.timestamp, attempts: current.attempts)
                case .row(let row):
                    if row.nextAttempt > now {
                        await save()
                        return
                    }
                    notification = row
                }
                do {
                    try await transport.deliver(notification, to: sink)
                    metrics.delivered(sink: name, seconds: Date().timeIntervalSince(notification.createdAt))
                    switch item {
                    case .event(let event):
                        cursor?.afterSequence = event.sequence ?? 0
                        cursor?.attempts = 0
                        cursor?.nextAttempt = .distantPast
                        cursor?.lastError = nil
                    case .row(let row):
                        delivered.append(row.sequence ?? -1)
                        // Events held behind this row while it was failing may go now.
                        if cursor?.nextAttempt ?? .distantPast > Date() { cursor?.nextAttempt = .distantPast }
                    }
                    if case .event = item, let current = cursor, let last = saved,
                       current.afterSequence - last.afterSequence >= 64 { await save() }
                    if delivered.count >= 64 { await save() }
                } catch {
                    // Stopped mid-delivery (the process is shutting down): the outcome is
                    // unknown, so nothing is recorded and it is delivered again later.
                    if Task.isCancelled {
                        await save()
                        return
                    }
                    await save()
                    let attempts = notification.attempts + 1
                    let message = "\(error)"
                    if attempts >= policy.maxAttempts {
                        var failed = notification
                        failed.attempts = attempts
                        failed.lastError = message
                        if case .event(let event) = item {
                            cursor?.afterSequence = event.sequence ?? 0
                            cursor?.attempts = 0
                            cursor?.nextAttempt = .distantPast
                            cursor?.lastError = nil
                            failed.sequence = nil
                        }
                        do {
                            try await store.deadLetter(failed, cursor: { if case .event = item { cursor } else { nil } }())
                            if case .event = item { saved = cursor }
                        } catch {
                            logger.warning("cannot record a dead letter", metadata: ["error": "\(error)"])
                            return
                        }
                        metrics.deadLettered(sink: name)
                        logger.error("notification dead-lettered", metadata: [
                            "notification": "\(notification.id)", "event_type": "\(notification.eventType)", "sink": "\(name)",
                            "attempts": "\(attempts)", "error": "\(message)",
                        ])
                        continue
                    }
                    let next = Date().addingTimeInterval(policy.backoff(afterAttempts: attempts))
                    do {
                        switch item {
                        case .event:
                            cursor?.attempts = attempts
                            cursor?.nextAttempt = next
                            cursor?.lastError = message
                            await save()
                        case .row(let row):
                            try await store.failedNotificationAttempt(
                                sequence: row.sequence ?? -1, attempts: attempts, next: next, error: message)
                            // What follows the row waits with it.
                            if var current = cursor {
                                current.nextAttempt = max(current.nextAttempt, next)
                                cursor = current
                                await save()
                            }
                        }
                    } catch {
                        logger.warning("cannot record a failed delivery", metadata: ["error": "\(error)"])
                    }
                    metrics.retried(sink: name)
                    logger.info("notification delivery failed, will retry", metadata: [
                        "notification": "\(notification.id)", "sink": "\(name)", "attempt": "\(attempts)", "error": "\(message)",
                    ])
                    return
                }
            }
        }
        await save()
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

    func delivered(sink: String, seconds: Double) {
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
