import Foundation
import KilnCloud
import KilnEmulator
import KilnModel
import KilnStore
import Testing

/// The emulated Aodh evaluated against the emulated Gnocchi on a clock the test moves
/// (samples every 10 s): states, reasons, actions, the alarm types, time constraints.
@Suite("Emulated Aodh: the alarm evaluator")
struct AlarmEvaluatorTests {
    struct Fixture {
        let clock = TestClock()
        let cloud: EmulatedCloud
        let session: CloudSession
        var alarms: any AlarmService { session.alarms! }
        var telemetry: any TelemetryService { session.metrics as! any TelemetryService }
        var evaluator: AlarmEvaluator { AlarmEvaluator(cloud: cloud) }

        init() async throws {
            var options = EmulatorOptions()
            options.telemetryInterval = 10
            let clock = self.clock
            cloud = try await EmulatedCloud(store: try SQLiteStore.inMemory(), options: options, clock: { clock.now })
            session = cloud.session(projectID: "demo")
        }

        func boot(_ name: String, group: String = "g") async throws {
            _ = try await session.compute.createServer(ServerRequest(
                name: name, flavorID: "m1.small", imageID: "cirros-0.6.2-x86_64-disk", metadata: ["metering.server_group": group],
                autoNetwork: false))
        }

        func load(_ group: String, cpu: Double, memory: Double? = nil) async throws {
            _ = try await telemetry.setLoad(LoadSetting(target: .group(group), cpuPercent: cpu, memoryMB: memory))
        }

        func state(_ id: String) async throws -> String? { try await alarms.alarm(id: id)?.mapValue?["state"]?.stringValue }
    }

    /// A group's mean CPU rate above `threshold` ns per 10 s.
    static func cpuRule(_ threshold: Double, _ op: String = "gt", group: String = "g", periods: Int = 1) -> Value {
        [
            "metric": "cpu", "aggregation_method": "rate:mean", "granularity": 10, "evaluation_periods": .int(periods),
            "threshold": .double(threshold), "comparison_operator": .string(op), "resource_type": "instance",
            "query": .string(#"{"=": {"server_group": "\#(group)"}}"#),
        ]
    }

    static func request(_ name: String, _ rule: Value, type: String = "gnocchi_aggregation_by_resources_threshold",
                        repeatActions: Bool = false, constraints: Value = .list([])) -> AlarmRequest {
        AlarmRequest(name: name, type: type, rule: rule, alarmActions: ["http://receiver/alarm"], okActions: ["http://receiver/ok"],
                     insufficientDataActions: ["log://"], repeatActions: repeatActions, timeConstraints: constraints)
    }

    @Test func cpuLoadMovesTheAlarmFromInsufficientDataToOkToAlarmAndFiresEachTransitionOnce() async throws {
        let fixture = try await Fixture()
        try await fixture.boot("web-1")
        try await fixture.boot("web-2")
        let id = try await fixture.alarms.createAlarm(Self.request("high", Self.cpuRule(5e9)))
        #expect(try await fixture.state(id) == "insufficient data")

        try await fixture.load("g", cpu: 10)
        fixture.clock.advance(30)
        var round = try await fixture.evaluator.evaluate()
        #expect(round.evaluated == 1 && round.transitions == 1)
        #expect(round.actions.map(\.url) == ["http://receiver/ok"])
        #expect(try await fixture.state(id) == "ok")
        let ok = try #require(round.actions.first?.body.mapValue)
        #expect(ok["previous"] == "insufficient data" && ok["current"] == "ok" && ok["alarm_id"] == .string(id) && ok["alarm_name"] == "high")
        #expect(ok["reason"] == "Transition to ok due to 1 samples inside threshold, most recent: 1000000000.0")

        try await fixture.load("g", cpu: 80)
        fixture.clock.advance(20)
        round = try await fixture.evaluator.evaluate()
        #expect(round.actions.map(\.url) == ["http://receiver/alarm"])
        let alarm = try #require(round.actions.first?.body.mapValue)
        #expect(alarm["previous"] == "ok" && alarm["current"] == "alarm")
        #expect(alarm["reason"] == "Transition to alarm due to 1 samples outside threshold, most recent: 8000000000.0")
        #expect(alarm["reason_data"]?.mapValue?["disposition"] == "outside")
        // Without repeat_actions, staying in alarm fires nothing.
        fixture.clock.advance(10)
        round = try await fixture.evaluator.evaluate()
        #expect(round.actions.isEmpty && round.transitions == 0)

        let history = try await fixture.alarms.alarmHistory(id: id)
        #expect(history.compactMap { $0.mapValue?["type"]?.stringValue } == ["state transition", "state transition", "creation"])
    }

    @Test func noMatchingResourceIsInsufficientDataAndRepeatActionsFireEveryRound() async throws {
        let fixture = try await Fixture()
        try await fixture.boot("web-1")
        let lonely = try await fixture.alarms.createAlarm(Self.request("lonely", Self.cpuRule(1, group: "nobody")))
        let repeating = try await fixture.alarms.createAlarm(Self.request("repeating", Self.cpuRule(0, "ge"), repeatActions: true))
        fixture.clock.advance(30)
        var round = try await fixture.evaluator.evaluate()
        #expect(try await fixture.state(lonely) == "insufficient data")
        #expect(try await fixture.state(repeating) == "alarm")
        #expect(round.actions.filter { $0.alarmID == repeating }.count == 1)
        fixture.clock.advance(10)
        round = try await fixture.evaluator.evaluate()
        let again = try #require(round.actions.first { $0.alarmID == repeating })
        #expect(again.body.mapValue?["reason"]?.stringValue?.hasPrefix("Remaining as alarm due to 1 samples outside threshold") == true)
    }

    @Test func everyComparisonOperatorAndEvaluationPeriods() async throws {
        let fixture = try await Fixture()
        try await fixture.boot("web-1")
        try await fixture.load("g", cpu: 50)  // 5e9 ns per 10 s
        var expected: [String: String] = [:]
        for (op, threshold, state) in [("gt", 4e9, "alarm"), ("gt", 5e9, "ok"), ("ge", 5e9, "alarm"), ("lt", 6e9, "alarm"),
                                       ("le", 4e9, "ok"), ("eq", 5e9, "alarm"), ("ne", 5e9, "ok")] {
            let id = try await fixture.alarms.createAlarm(Self.request("\(op)-\(threshold)", Self.cpuRule(threshold, op)))
            expected[id] = state
        }
        let threePeriods = try await fixture.alarms.createAlarm(Self.request("three", Self.cpuRule(4e9, periods: 3)))
        fixture.clock.advance(25)
        _ = try await fixture.evaluator.evaluate()
        for (id, state) in expected { #expect(try await fixture.state(id) == state, "\(id)") }
        // Two complete periods of three: not enough yet.
        #expect(try await fixture.state(threePeriods) == "insufficient data")
        fixture.clock.advance(20)
        _ = try await fixture.evaluator.evaluate()
        #expect(try await fixture.state(threePeriods) == "alarm")
    }

    @Test func memoryUsageAlarmAndACompositeOfCPUOrMemory() async throws {
        let fixture = try await Fixture()
        try await fixture.boot("db-1", group: "db")
        let memoryRule: Value = [
            "metric": "memory.usage", "aggregation_method": "mean", "granularity": 10, "evaluation_periods": 1, "threshold": 1500,
            "comparison_operator": "gt", "resource_type": "instance", "query": .string(#"{"=": {"server_group": "db"}}"#),
        ]
        let memory = try await fixture.alarms.createAlarm(Self.request("memory", memoryRule))
        var cpuLeaf = Self.cpuRule(9e9, group: "db").mapValue!
        cpuLeaf["type"] = "gnocchi_aggregation_by_resources_threshold"
        var memoryLeaf = memoryRule.mapValue!
        memoryLeaf["type"] = "gnocchi_aggregation_by_resources_threshold"
        let composite = try await fixture.alarms.createAlarm(Self.request(
            "either", ["or": [.map(cpuLeaf), .map(memoryLeaf)]], type: "composite"))

        try await fixture.load("db", cpu: 5, memory: 600)
        fixture.clock.advance(30)
        _ = try await fixture.evaluator.evaluate()
        #expect(try await fixture.state(memory) == "ok")
        #expect(try await fixture.state(composite) == "ok")

        try await fixture.load("db", cpu: 5, memory: 1900)
        fixture.clock.advance(20)
        let round = try await fixture.evaluator.evaluate()
        #expect(try await fixture.state(memory) == "alarm")
        #expect(try await fixture.state(composite) == "alarm")
        let reason = try #require(round.actions.first { $0.alarmID == composite }?.body.mapValue?["reason"]?.stringValue)
        #expect(reason == "Composite rule alarm with composition form: (rule1 or rule2) transition to alarm", "\(reason)")
    }

    @Test func timeConstraintsLimitEvaluationToTheirWindows() async throws {
        let fixture = try await Fixture()
        try await fixture.boot("web-1")
        // The test clock starts at 2027-01-15 08:00:00 UTC; a window from 09:00 for an hour is closed.
        let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: fixture.clock.now).hour!
        let closed: Value = [["name": "later", "start": .string("0 \((hour + 1) % 24) * * *"), "duration": 3600, "timezone": "UTC"]]
        let open: Value = [["name": "now", "start": .string("0 \(hour) * * *"), "duration": 7200, "timezone": "UTC"]]
        let outside = try await fixture.alarms.createAlarm(Self.request("outside", Self.cpuRule(-1, "gt"), constraints: closed))
        let inside = try await fixture.alarms.createAlarm(Self.request("inside", Self.cpuRule(-1, "gt"), constraints: open))
        fixture.clock.advance(30)
        let round = try await fixture.evaluator.evaluate()
        #expect(round.evaluated == 1)
        #expect(try await fixture.state(outside) == "insufficient data")
        #expect(try await fixture.state(inside) == "alarm")
    }

    @Test func eventAlarmsFireOnMatchingEventsOnly() async throws {
        let fixture = try await Fixture()
        let request = AlarmRequest(
            name: "failures", type: "event",
            rule: ["event_type": "orchestration.stack.*.error", "query": [["field": "traits.stack_name", "op": "eq", "value": "shop"]]],
            alarmActions: ["http://receiver/failed"])
        let id = try await fixture.alarms.createAlarm(request)
        #expect(try await fixture.evaluator.observe(eventType: "orchestration.stack.create.end", traits: ["stack_name": "shop"], projectID: "demo").isEmpty)
        #expect(try await fixture.evaluator.observe(eventType: "orchestration.stack.create.error", traits: ["stack_name": "other"], projectID: "demo").isEmpty)
        let fired = try await fixture.evaluator.observe(eventType: "orchestration.stack.update.error", traits: ["stack_name": "shop"], projectID: "demo")
        #expect(fired.map(\.url) == ["http://receiver/failed"])
        #expect(try await fixture.state(id) == "alarm")
        // Evaluation rounds leave event alarms alone.
        #expect(try await fixture.evaluator.evaluate().evaluated == 0)
    }

    @Test func aManualStateAndAnUpdateWinOverTheRoundsVerdictAndBadInputIsRefused() async throws {
        let fixture = try await Fixture()
        try await fixture.boot("web-1")
        let id = try await fixture.alarms.createAlarm(Self.request("manual", Self.cpuRule(-1)))
        try await fixture.alarms.setAlarmState(id: id, state: "ok")
        #expect(try await fixture.state(id) == "ok")
        await #expect(throws: CloudError.self) { try await fixture.alarms.setAlarmState(id: id, state: "broken") }
        await #expect(throws: CloudError.self) { _ = try await fixture.alarms.createAlarm(Self.request("manual", Self.cpuRule(1))) }
        var wrong = Self.request("wrong", Self.cpuRule(1))
        wrong.type = "prometheus"
        await #expect(throws: CloudError.self) { _ = try await fixture.alarms.createAlarm(wrong) }
        var disabled = Self.request("manual", Self.cpuRule(-1))
        disabled.enabled = false
        try await fixture.alarms.updateAlarm(id: id, disabled)
        fixture.clock.advance(30)
        #expect(try await fixture.evaluator.evaluate().evaluated == 0)
        try await fixture.alarms.deleteAlarm(id: id)
        #expect(try await fixture.alarms.alarm(id: id) == nil)
        #expect(try await fixture.cloud.session(projectID: "other").alarms!.alarms().isEmpty)
    }
}
