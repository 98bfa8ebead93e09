import Foundation
import KilnModel
import KilnStore
import Testing

/// The autoscaling example end to end in a real `kiln serve`: the emulated servers' CPU
/// load, Gnocchi's aggregates, Aodh's evaluator and its trust+ / pre-signed actions, the
/// scaling policies and the group's pool members, with no person in the loop but the load.
@Suite("Auto-scaling on alarms", .serialized)
struct AutoscalingTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    /// Fast clocks: samples every second, evaluation rounds every 0.3 s.
    static let serve = ["--evaluation-interval", "0.3", "--telemetry-interval", "1s"]

    func count(_ kind: String, in store: any Store) async throws -> Int {
        try await store.cloudRead { tables in try tables.rows(kind: kind, projectID: nil, parentID: nil).count }
    }

    /// The stack's `size` output.
    func size(_ served: ServedKiln) async throws -> Int? {
        let shown = try await served.client(["stack", "output", "show", "web", "size", "--format", "json"])
        return try? Value.parseJSON(shown.stdout).numberValue.map { Int($0) }
    }

    /// Polls until `condition` holds (the evaluator and the resizes run on their own time).
    func waitFor(_ what: String, seconds: Double = 90, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    @Test func cpuLoadScalesTheGroupOutToMaxAndInToMinWithItsPoolMembers() async throws {
        let served = try await ServedKiln(Self.serve)
        for name in ["autoscaling-web.yaml", "lb-server.yaml"] {
            _ = try served.home.write(name, try String(contentsOf: Self.examples.appendingPathComponent(name), encoding: .utf8))
        }
        let template = served.home.directory.appendingPathComponent("autoscaling-web.yaml").path
        // 50% of a vCPU over 2 s is 1e9 ns; 15% is 3e8.
        let created = try await served.client([
            "stack", "create", "web", "-t", template, "--wait", "--parameter", "granularity=2", "--parameter", "cooldown=1",
            "--parameter", "max_size=3", "--parameter", "cpu_high=1000000000", "--parameter", "cpu_low=300000000",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let store = try SQLiteStore(path: served.databasePath)
        #expect(try await size(served) == 1)
        let stackID = try #require(try Value.parseJSON(
            try await served.client(["stack", "show", "web", "--format", "json"]).stdout)["id"].stringValue)

        // High load on the group: the alarm fires through its trust+ signal_url, one step per
        // cooldown, up to max_size and never beyond.
        let high = try await served.client(["cloud", "load", "set", stackID, "--cpu", "90"])
        #expect(high.status == 0, "\(high.stderr)")
        try await waitFor("three servers") { try await size(served) == 3 }
        try await waitFor("three members") { try await count("member", in: store) == 3 }
        try await Task.sleep(for: .seconds(3))
        #expect(try await size(served) == 3)
        #expect(try await count("server", in: store) == 3)
        let events = try await served.client(["stack", "event", "list", "web", "--format", "json"])
        let reasons = (try Value.parseJSON(events.stdout).listValue ?? []).compactMap { $0["resource_status_reason"].stringValue }
        #expect(reasons.contains { $0.contains("scaling from 1 to 2") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("to alarm (Transition to alarm due to 1 samples outside threshold") },
                "\(reasons)")
        #expect(reasons.contains { $0.contains("scaling from 2 to 3") }, "\(reasons)")
        #expect(!reasons.contains { $0.contains("scaling from 3 to 4") }, "\(reasons)")

        // Low load: the scale-down alarm posts to the policy's pre-signed alarm_url (no token),
        // members leave with their servers, down to min_size.
        let low = try await served.client(["cloud", "load", "set", stackID, "--cpu", "2"])
        #expect(low.status == 0, "\(low.stderr)")
        try await waitFor("one server") { try await size(served) == 1 }
        try await waitFor("one member") { try await count("member", in: store) == 1 }
        #expect(try await count("server", in: store) == 1)

        let deleted = try await served.client(["stack", "delete", "web", "--yes", "--wait"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        for kind in ["server", "member", "alarm", "loadbalancer", "port"] {
            #expect(try await count(kind, in: store) == 0, "\(kind) left after the delete")
        }
    }
}

/// `kill -9` of `kiln serve` while an alarm's scale-out builds its new server: the restarted
/// server finishes the resize (no second new server, no orphaned server or member), and the
/// alarm goes on driving the group.
@Suite("Auto-scaling survives kill -9 of kiln serve", .serialized)
struct AutoscalingCrashTests {
    @Test func aScaleOutInterruptedByKillIsFinishedByTheRestartedServer() async throws {
        let arguments = AutoscalingTests.serve + ["--cloud-latency", "server=4s,others=10ms"]
        var served: ServedKiln? = try await ServedKiln(arguments)
        let home = served!.home, port = served!.port
        for name in ["autoscaling-web.yaml", "lb-server.yaml"] {
            _ = try home.write(name, try String(contentsOf: AutoscalingTests.examples.appendingPathComponent(name), encoding: .utf8))
        }
        let template = home.directory.appendingPathComponent("autoscaling-web.yaml").path
        let created = try await served!.client([
            "stack", "create", "web", "-t", template, "--wait", "--parameter", "granularity=2", "--parameter", "cooldown=600",
            "--parameter", "max_size=3", "--parameter", "cpu_high=1000000000", "--parameter", "cpu_low=1",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let store = try SQLiteStore(path: served!.databasePath)
        let stackID = try #require(try Value.parseJSON(
            try await served!.client(["stack", "show", "web", "--format", "json"]).stdout).mapValue?["id"]?.stringValue)
        _ = try await served!.client(["cloud", "load", "set", stackID, "--cpu", "90"])
        // The scale-out has begun once a second server exists (it builds for 4 s).
        try await AutoscalingTests().waitFor("the second server") {
            try await AutoscalingTests().count("server", in: store) == 2
        }
        kill(served!.process.processIdentifier, SIGKILL)
        served!.process.waitUntilExit()
        served = nil

        let restarted = try await ServedKiln(arguments, home: home, port: port)
        try await AutoscalingTests().waitFor("the resize finished") {
            let shown = try await restarted.client(["stack", "resource", "show", "web", "web", "--format", "json"])
            let size = try await AutoscalingTests().size(restarted)
            return shown.stdout.contains("UPDATE_COMPLETE") && size == 2
        }
        // The cooldown (600 s) holds: no third server, and the interrupted one was not made twice.
        try await Task.sleep(for: .seconds(2))
        #expect(try await AutoscalingTests().count("server", in: store) == 2)
        #expect(try await AutoscalingTests().count("member", in: store) == 2)
        let deleted = try await restarted.client(["stack", "delete", "web", "--yes", "--wait"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        for kind in ["server", "member", "alarm", "port"] {
            #expect(try await AutoscalingTests().count(kind, in: store) == 0, "\(kind) left after the delete")
        }
    }
}

/// An OS::Aodh::EventAlarm in `kiln serve` is fed the server's own stack events.
@Suite("Event alarms on Kiln's events")
struct EventAlarmServeTests {
    @Test func anotherStacksCreateEndFiresTheEventAlarm() async throws {
        let served = try await ServedKiln(["--evaluation-interval", "0.2"])
        let watcher = """
            heat_template_version: 2021-04-16
            resources:
              watch:
                type: OS::Aodh::EventAlarm
                properties:
                  event_type: orchestration.stack.create.end
                  query: [{field: traits.stack_name, op: eq, value: other}]
                  alarm_actions: ["log://"]
            """
        let created = try await served.client(["stack", "create", "watcher", "-t", try served.home.write("w.yaml", watcher), "--wait"])
        #expect(created.status == 0, "\(created.stderr)")
        let store = try SQLiteStore(path: served.databasePath)
        func state() async throws -> String? {
            try await store.cloudRead { tables in try tables.rows(kind: "alarm", projectID: nil, parentID: nil) }
                .first.flatMap { try? Value.parseJSON($0.body).mapValue?["state"]?.stringValue }
        }
        #expect(try await state() == "insufficient data")
        // A round sees the event alarm before events are fed to it.
        try await Task.sleep(for: .seconds(1))
        let none = "heat_template_version: 2021-04-16\nresources:\n  r: {type: OS::Heat::None}\n"
        let unrelated = try await served.client(["stack", "create", "unrelated", "-t", try served.home.write("n.yaml", none), "--wait"])
        #expect(unrelated.status == 0, "\(unrelated.stderr)")
        try await Task.sleep(for: .seconds(1))
        #expect(try await state() == "insufficient data")
        let other = try await served.client(["stack", "create", "other", "-t", try served.home.write("o.yaml", none), "--wait"])
        #expect(other.status == 0, "\(other.stderr)")
        try await AutoscalingTests().waitFor("the event alarm", seconds: 30) { try await state() == "alarm" }
    }
}
