import Foundation
import KilnCloud
import KilnModel

/// An action an alarm fires: Aodh's notification body for a URL (`http(s)://`,
/// `trust+http(s)://`, `log://`). The server delivers it; the evaluator never waits for it.
public struct AlarmAction: Sendable {
    public let url: String
    public let body: Value
    public let alarmID: String
    public let projectID: String
    /// The alarm's owner, for `trust+` URLs (posted with a token of this user).
    public let userID: String?
}

/// What one evaluation round did.
public struct AlarmRound: Sendable {
    public var evaluated = 0
    public var transitions = 0
    public var actions: [AlarmAction] = []
    /// Enabled event alarms seen (they are fed events, not evaluated in rounds).
    public var eventAlarms = 0
}

/// Aodh's evaluator over the emulated cloud: each round reads every enabled alarm, reads the
/// series its rule names through the project's `MetricService` (each distinct query once per
/// round), judges it, commits the state changes with their history in one transaction and
/// returns the actions to fire. One round at a time per evaluator (the caller's loop), so an
/// alarm is never evaluated twice at once in a process; a change committed meanwhile (an
/// update or a manual state) wins over the round's stale verdict.
public struct AlarmEvaluator: Sendable {
    let cloud: EmulatedCloud

    public init(cloud: EmulatedCloud) { self.cloud = cloud }

    private struct QueryKey: Hashable {
        var project: String
        var source: ThresholdRule.Source
        var granularity: Double
        var start: Date
        var stop: Date
    }

    private struct Verdict {
        var alarm: StoredAlarm
        var state: String
        var reason: String
        var data: Value
    }

    /// One round over the alarms `owns` accepts (by alarm id): with several engines, each
    /// evaluates its share (see `EngineMembership`); alone, every alarm.
    public func evaluate(owning owns: @Sendable (String) -> Bool = { _ in true }) async throws -> AlarmRound {
        let now = cloud.clock()
        let alarms: [StoredAlarm] = try await cloud.read { try $0.all(.alarm) }
        var cache: [QueryKey: [Measure]] = [:]
        var failures: [QueryKey: String] = [:]
        var verdicts: [Verdict] = []
        var round = AlarmRound()
        round.eventAlarms = alarms.filter { $0.enabled && $0.type == "event" }.count
        for alarm in alarms where alarm.enabled && alarm.type != "event" && owns(alarm.id) {
            guard TimeConstraints.allow(Self.constraints(alarm.constraintsValue), at: now) else { continue }
            round.evaluated += 1
            let metrics = cloud.session(projectID: alarm.projectID).metrics
            // Reads (and caches) one rule's points.
            func points(_ rule: ThresholdRule) async -> Result<[Measure], CloudError> {
                let window = rule.window(at: now)
                let key = QueryKey(project: alarm.projectID, source: rule.source, granularity: rule.granularity, start: window.start, stop: window.stop)
                if let cached = cache[key] { return .success(cached) }
                if let failure = failures[key] { return .failure(CloudError(.badRequest, failure)) }
                do {
                    guard let metrics else { throw CloudError(.serverError, "the cloud has no metric service") }
                    let measures: [Measure]
                    switch rule.source {
                    case .aggregate(let metric, let aggregation, let type, let search, let ids):
                        let filter = try search.map { try Value.parseJSON($0) }
                        measures = try await metrics.aggregate(AggregateQuery(
                            metric: metric, aggregation: aggregation, granularity: rule.granularity, resourceType: type, search: filter,
                            metricIDs: ids, start: window.start, stop: window.stop))
                    case .resource(let type, let id, let metric, let aggregation):
                        measures = try await metrics.measures(
                            resourceType: type, resourceID: id, metric: metric, aggregation: aggregation, granularity: rule.granularity,
                            start: window.start, stop: window.stop)
                    }
                    let complete = measures.filter { $0.timestamp.addingTimeInterval($0.granularity) <= window.stop }
                    cache[key] = complete
                    return .success(complete)
                } catch {
                    let message = (error as? CloudError)?.message ?? "\(error)"
                    failures[key] = message
                    return .failure(CloudError(.badRequest, message))
                }
            }
            // Judges a rule (a threshold rule, or a composite tree of them).
            func judge(_ type: String, _ rule: Value) async -> (state: String?, data: Value, failure: String?) {
                if type == "composite" || rule["or"] != .null || rule["and"] != .null {
                    let isOr = rule["or"] != .null
                    var states: [String?] = []
                    for child in (isOr ? rule["or"] : rule["and"]).listValue ?? [] {
                        let childType = child["type"].stringValue ?? "composite"
                        states.append(await judge(childType, child).state)
                    }
                    let target = isOr ? AlarmState.alarm : AlarmState.ok
                    let state: String?
                    if states.contains(target) {
                        state = target
                    } else if states.allSatisfy({ $0 != nil && $0 != AlarmState.insufficientData }) {
                        state = isOr ? AlarmState.ok : AlarmState.alarm
                    } else {
                        state = states.contains(where: { $0 == nil }) ? nil : AlarmState.insufficientData
                    }
                    return (state, ["type": "composite", "rules": .list(states.map { $0.map(Value.string) ?? "unknown" })], nil)
                }
                guard let threshold = ThresholdRule(type: type, rule: rule) else {
                    return (AlarmState.insufficientData, ["type": "threshold", "disposition": "unknown", "count": 0], "unknown rule type \(type)")
                }
                switch await points(threshold) {
                case .success(let measures):
                    let verdict = threshold.judge(measures, current: alarm.state)
                    return (verdict.state, verdict.data, nil)
                case .failure(let error):
                    return (AlarmState.insufficientData, ["type": "threshold", "disposition": "unknown", "count": .int(threshold.periods)],
                            error.message)
                }
            }
            let verdict = await judge(alarm.type, alarm.ruleValue)
            let state = verdict.state ?? alarm.state
            let reason: String
            if let failure = verdict.failure {
                reason = "Alarm evaluation failed: \(failure)"
            } else if alarm.type == "composite" {
                let verb = state == alarm.state ? "remaining as" : "transition to"
                reason = "Composite rule alarm with composition form: \(Self.form(alarm.ruleValue)) \(verb) \(state)"
            } else {
                reason = ThresholdRule.reason(verdict.data, state: state, previous: alarm.state)
            }
            guard state != alarm.state || alarm.repeatActions else { continue }
            verdicts.append(Verdict(alarm: alarm, state: state, reason: reason, data: verdict.data))
        }
        guard !verdicts.isEmpty else { return round }
        // (round.eventAlarms is kept whatever the verdicts.)
        let committed = verdicts
        let changes = try await write { tables -> [(StoredAlarm, String)] in
            var fired: [(StoredAlarm, String)] = []
            for verdict in committed {
                // Skipped when the alarm went or changed since it was read.
                guard var alarm: StoredAlarm = try tables.get(.alarm, verdict.alarm.id), alarm.timestamp == verdict.alarm.timestamp,
                      alarm.state == verdict.alarm.state, alarm.enabled else { continue }
                let previous = alarm.state
                if previous != verdict.state {
                    alarm.state = verdict.state
                    alarm.stateReason = verdict.reason
                    alarm.stateTimestamp = tables.now
                    try tables.put(.alarm, alarm.id, alarm, project: alarm.projectID, name: alarm.name, createdAt: alarm.createdAt)
                    try EmulatedSession.record(
                        alarm, type: "state transition",
                        detail: ["state": .string(alarm.state), "transition_reason": .string(verdict.reason)], in: tables)
                }
                fired.append((alarm, previous))
            }
            return fired
        }
        for (alarm, previous) in changes {
            if previous != alarm.state { round.transitions += 1 }
            let verdict = verdicts.first { $0.alarm.id == alarm.id }!
            round.actions += Self.actions(of: alarm, previous: previous, reason: verdict.reason, data: verdict.data)
        }
        return round
    }

    /// Feeds one of Kiln's own events to the event alarms of its project: an enabled alarm
    /// whose `event_type` pattern (`*` wildcards) and query (`traits.NAME` eq VALUE) match goes
    /// to alarm and fires.
    public func observe(eventType: String, traits: [String: String], projectID: String) async throws -> [AlarmAction] {
        let alarms: [StoredAlarm] = try await cloud.read { try $0.all(.alarm, project: projectID) }
        let matching = alarms.filter { alarm in
            guard alarm.enabled, alarm.type == "event" else { return false }
            let rule = alarm.ruleValue
            guard Self.glob(rule["event_type"].stringValue ?? "*", eventType) else { return false }
            return (rule["query"].listValue ?? []).allSatisfy { term in
                let field = (term["field"].stringValue ?? "").replacingOccurrences(of: "traits.", with: "")
                let value = term["value"].stringValue ?? term["value"].plainText
                let op = term["op"].stringValue ?? "eq"
                return op == "ne" ? traits[field] != value : traits[field] == value
            }
        }
        guard !matching.isEmpty else { return [] }
        let ids = matching.map(\.id)
        return try await write { tables in
            var actions: [AlarmAction] = []
            for id in ids {
                guard var alarm: StoredAlarm = try tables.get(.alarm, id) else { continue }
                let previous = alarm.state
                guard previous != AlarmState.alarm || alarm.repeatActions else { continue }
                let reason = "Event hits the query <\(alarm.ruleValue["query"].jsonText())>: \(eventType)"
                alarm.state = AlarmState.alarm
                alarm.stateReason = reason
                alarm.stateTimestamp = tables.now
                try tables.put(.alarm, alarm.id, alarm, project: alarm.projectID, name: alarm.name, createdAt: alarm.createdAt)
                try EmulatedSession.record(alarm, type: "state transition",
                                           detail: ["state": .string(alarm.state), "transition_reason": .string(reason)], in: tables)
                actions += Self.actions(
                    of: alarm, previous: previous, reason: reason,
                    data: ["type": "event", "event": ["event_type": .string(eventType), "traits": .map(traits.mapValues(Value.string))]])
            }
            return actions
        }
    }

    /// The actions of the alarm's (new) state, each with Aodh's notification body.
    static func actions(of alarm: StoredAlarm, previous: String, reason: String, data: Value) -> [AlarmAction] {
        let body: Value = [
            "alarm_name": .string(alarm.name), "alarm_id": .string(alarm.id), "severity": .string(alarm.severity),
            "previous": .string(previous), "current": .string(alarm.state), "reason": .string(reason), "reason_data": data,
        ]
        return alarm.actions(for: alarm.state).map {
            AlarmAction(url: $0, body: body, alarmID: alarm.id, projectID: alarm.projectID, userID: alarm.userID)
        }
    }

    /// One transaction over every project's alarms.
    private func write<T: Sendable>(_ body: @escaping @Sendable (Tables) throws -> T) async throws -> T {
        let now = cloud.clock(), quotas = cloud.options.quotas
        return try await cloud.store.cloudWrite { raw in try body(Tables(raw: raw, now: now, defaultQuotas: quotas)) }
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts.last!)
    }

    static func constraints(_ value: Value) -> [(start: String, duration: Double, timeZone: String?)] {
        (value.listValue ?? []).compactMap { item in
            guard let start = item["start"].stringValue else { return nil }
            return (start, item["duration"].numberValue ?? 0, item["timezone"].stringValue)
        }
    }

    /// `(rule1 or (rule2 and rule3))`, naming leaves by position.
    static func form(_ rule: Value) -> String {
        var counter = 0
        func walk(_ node: Value) -> String {
            for op in ["or", "and"] {
                if let children = node[op].listValue { return "(" + children.map(walk).joined(separator: " \(op) ") + ")" }
            }
            counter += 1
            return "rule\(counter)"
        }
        return walk(rule)
    }
}
