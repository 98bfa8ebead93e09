import Foundation
import KilnClient
import KilnEmulator
import KilnModel
import KilnStore
import Logging
import Metrics

/// Runs the emulated Aodh's evaluator inside `kiln serve`: one round every `interval`
/// seconds (one loop, so an alarm is never evaluated twice at once), and the actions a round
/// fires delivered off the loop, so a slow or dead receiver never delays the next round.
/// `trust+http(s)://` actions are posted to the plain URL with a token acting for the
/// alarm's project (the built-in identity's `trustToken`), as Aodh's trust notifier does.
public final class AlarmRunner: Sendable {
    let evaluator: AlarmEvaluator
    let interval: Double
    let identity: IdentityService?
    let logger: Logger
    let transport = HTTPTransport(timeout: 10)
    /// Deliveries under way; beyond `maxInFlight` new actions are dropped with a warning
    /// (the alarm fires again on its next transition, or next round with repeat_actions).
    let inFlight = Locked(0)
    let maxInFlight = 512
    let roundTimer = Metrics.Timer(label: "kiln_alarm_evaluation_round_seconds")
    let actionCounter = Counter(label: "kiln_alarm_actions_total")
    /// Alarms evaluated, state transitions and failed rounds (through the global metrics
    /// system, which `kiln serve` bootstraps into `/metrics`).
    let evaluatedCounter = Counter(label: "kiln_alarms_evaluated_total")
    let transitionCounter = Counter(label: "kiln_alarm_transitions_total")
    let failedRoundCounter = Counter(label: "kiln_alarm_rounds_failed_total")
    /// Whether the last round saw enabled event alarms: events are fed to them only then.
    let hasEventAlarms = Locked(false)
    /// With several engines on one database: each round reads the heartbeat table and
    /// evaluates only the alarms rendezvous hashing gives this engine among the live ones, so
    /// each alarm is evaluated by one engine per round and the share moves when one joins or
    /// dies. Nil: every alarm.
    let membership: EngineMembership?

    public init(evaluator: AlarmEvaluator, interval: Double, identity: IdentityService?, logger: Logger,
                membership: EngineMembership? = nil) {
        self.membership = membership
        self.evaluator = evaluator
        self.interval = max(0.05, interval)
        self.identity = identity
        self.logger = logger
    }

    /// Evaluates until cancelled.
    public func run() async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            _ = await round()
            let elapsed = started.duration(to: .now)
            let wait = Duration.seconds(interval) - elapsed
            if wait > .zero { try? await Task.sleep(for: wait) }
        }
    }

    /// One round: evaluates every alarm and starts delivering what fired (without waiting).
    public func round() async -> AlarmRound? {
        let started = ContinuousClock.now
        do {
            let round: AlarmRound
            if let membership {
                try await membership.refresh()
                round = try await evaluator.evaluate(owning: { membership.owns("alarm:" + $0) })
            } else {
                round = try await evaluator.evaluate()
            }
            hasEventAlarms.withLock { $0 = round.eventAlarms > 0 }
            roundTimer.record(duration: started.duration(to: .now))
            evaluatedCounter.increment(by: round.evaluated)
            transitionCounter.increment(by: round.transitions)
            if round.transitions > 0 || !round.actions.isEmpty {
                logger.debug("alarm round", metadata: [
                    "evaluated": "\(round.evaluated)", "transitions": "\(round.transitions)", "actions": "\(round.actions.count)",
                ])
            }
            for action in round.actions { deliver(action) }
            return round
        } catch {
            failedRoundCounter.increment()
            logger.warning("alarm evaluation round failed: \(error)")
            return nil
        }
    }

    /// Feeds one of the server's stack or resource events to the event alarms of its stack's
    /// project, as Ceilometer would publish Heat's notifications to Aodh:
    /// `orchestration.stack.ACTION.start|end|error` for the stack,
    /// `orchestration.resource.ACTION.start|end|error` for a resource, with the traits
    /// `stack_id`, `stack_name`, `resource_name`, `resource_type`, `state`. Off the operation's path.
    public func observe(_ event: EventRecord, store: any Store) {
        guard hasEventAlarms.withLock({ $0 }) else { return }
        Task { [self] in
            guard let stack = try? await store.stack(id: event.stackID) else { return }
            let phase = event.status == .inProgress ? "start" : event.status == .failed ? "error" : "end"
            let kind = event.resourceType == "OS::Heat::Stack" && event.resourceName == stack.name ? "stack" : "resource"
            let type = "orchestration.\(kind).\(event.action.rawValue.lowercased()).\(phase)"
            let traits = [
                "stack_id": stack.id, "stack_name": stack.name, "resource_name": event.resourceName,
                "resource_type": event.resourceType, "state": "\(event.action.rawValue)_\(event.status.rawValue)",
            ]
            do {
                for action in try await evaluator.observe(eventType: type, traits: traits, projectID: stack.projectID) { deliver(action) }
            } catch {
                logger.warning("event alarm evaluation failed: \(error)")
            }
        }
    }

    /// Posts one action in its own task.
    func deliver(_ action: AlarmAction) {
        let admitted = inFlight.withLock { count -> Bool in
            guard count < maxInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else {
            logger.warning("alarm action dropped: too many deliveries under way", metadata: ["alarm": "\(action.alarmID)"])
            return
        }
        actionCounter.increment()
        Task { [self] in
            defer { inFlight.withLock { $0 -= 1 } }
            await post(action)
        }
    }

    func post(_ action: AlarmAction) async {
        var url = action.url
        var headers = ["Content-Type": "application/json"]
        let lower = url.lowercased()
        if lower.hasPrefix("log://") {
            logger.info("alarm action", metadata: ["alarm": "\(action.alarmID)", "body": "\(action.body.jsonText())"])
            return
        }
        if lower.hasPrefix("trust+") {
            url = String(url.dropFirst("trust+".count))
            if let token = await identity?.trustToken(projectID: action.projectID, userID: action.userID) {
                headers["X-Auth-Token"] = token
            } else {
                logger.warning("trust+ action without a token: no member of the alarm's project", metadata: ["alarm": "\(action.alarmID)"])
            }
        }
        do {
            let answer = try await transport.send("POST", url, headers: headers, body: action.body)
            if answer.status >= 400 {
                logger.warning("alarm action refused", metadata: [
                    "alarm": "\(action.alarmID)", "status": "\(answer.status)", "url": "\(Self.redacted(url))",
                ])
            }
        } catch {
            logger.warning("alarm action failed: \(error)", metadata: ["alarm": "\(action.alarmID)", "url": "\(Self.redacted(url))"])
        }
    }

    /// A URL for the log without its query (a pre-signed URL's signature stays out of logs).
    static func redacted(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}
