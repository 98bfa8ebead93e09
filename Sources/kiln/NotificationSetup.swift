import KilnModel
import ArgumentParser
import Foundation
import KilnStore
import KilnEngine
import KilnNotify
import Logging
import Metrics

/// `kiln serve`'s delivery settings for the notification outbox.
struct NotificationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Delivery attempts of a notification before it is dead-lettered.", valueName: "N"))
    var notificationAttempts: Int = 10

    @Option(help: ArgumentHelp(
        "Seconds before the first retry of a failed delivery; doubled after each further failure (up to 300 s), with jitter.",
        valueName: "SECONDS"))
    var notificationBackoff: Double = 1

    @Option(help: ArgumentHelp("Stacks' notification queues delivered at once to one sink.", valueName: "N"))
    var notificationConcurrency: Int = 4

    @Option(help: ArgumentHelp("Seconds one delivery may take before it counts as failed.", valueName: "SECONDS"))
    var notificationTimeout: Double = 10

    func validate() throws {
        if notificationAttempts < 1 { throw ValidationError("--notification-attempts must be at least 1") }
        if !(notificationBackoff >= 0 && notificationBackoff.isFinite) {
            throw ValidationError("--notification-backoff must be a non-negative number of seconds")
        }
        if notificationConcurrency < 1 { throw ValidationError("--notification-concurrency must be at least 1") }
        if !(notificationTimeout > 0 && notificationTimeout.isFinite) {
            throw ValidationError("--notification-timeout must be a positive number of seconds")
        }
    }

    var policy: DeliveryPolicy {
        DeliveryPolicy(
            maxAttempts: notificationAttempts, baseBackoff: notificationBackoff, concurrencyPerSink: notificationConcurrency,
            timeout: notificationTimeout)
    }
}

extension Engine {
    /// A dispatcher for this engine's outbox, woken by its commits.
    /// With `membership` (`kiln serve`), it delivers only this engine's share of the queues.
    func notificationDispatcher(policy: DeliveryPolicy, logger: Logger, metrics: (any MetricsFactory)? = nil,
                                membership: EngineMembership? = nil) -> NotificationDispatcher
    {
        NotificationDispatcher(
            store: store, transport: SinkTransport(cloud: cloud, timeout: policy.timeout), policy: policy, bell: outboxBell,
            logger: logger, metricsFactory: metrics, membership: membership)
    }
}

/// The embedded CLI's delivery: a dispatcher runs beside the command's operation, and before
/// the process exits it delivers what is due, for up to `KILN_NOTIFICATION_WAIT` seconds
/// (default 10); queues waiting for a retry (a receiver down) are not waited for. What is left
/// is delivered by the next kiln command or `kiln serve`.
enum EmbeddedNotifications {
    private static let running = Locked<(NotificationDispatcher, Task<Void, Never>)?>(nil)

    static func start(_ engine: Engine) {
        // Not an engine of the service list (no heartbeat): it delivers every queue, but under
        // work claims, so never a queue a `kiln serve` on the same database is delivering.
        let claims = EngineMembership(store: engine.store, id: engine.owner, name: "kiln", version: ServeCommand.version, ttl: 30)
        let dispatcher = engine.notificationDispatcher(
            policy: DeliveryPolicy(),
            logger: Logger(label: "kiln.notifications", factory: { label in
                // Quiet unless asked: the command's output is the user's.
                ProcessInfo.processInfo.environment["KILN_NOTIFICATION_LOG"] == nil
                    ? SwiftLogNoOpLogHandler() as any LogHandler : StreamLogHandler.standardError(label: label)
            }), membership: claims)
        running.withLock { state in
            guard state == nil else { return }
            state = (dispatcher, Task { await dispatcher.run() })
        }
    }

    static func finish() async {
        guard let (dispatcher, task) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        // Deliveries under way finish (the running loop keeps its queues); this waits for them
        // and for what is still due, then stops the loop.
        let wait = ProcessInfo.processInfo.environment["KILN_NOTIFICATION_WAIT"].flatMap(Double.init) ?? 10
        let left = await dispatcher.deliverPending(until: Date().addingTimeInterval(max(0, wait)))
        task.cancel()
        if left > 0 {
            standardError(
                "kiln: \(left) notification\(left == 1 ? "" : "s") not delivered yet (kiln notification list); "
                    + "the next kiln command or kiln serve retries them")
        }
    }
}
