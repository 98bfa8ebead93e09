import Foundation
import KilnCloud
import KilnEmulator
import KilnModel
import KilnStore

/// `kiln-bench telemetry`: what one alarm evaluation round costs the emulated Gnocchi. N
/// groups of M servers (each group's `metering.server_group`, its own load) on a durable
/// SQLite file, an hour after they booted; a round asks, for every group, what Aodh's
/// GnocchiAggregationByResourcesAlarm asks: `(aggregate rate:mean (metric cpu mean))` at a
/// granularity over the last evaluation periods. Prints each round's time (best, median,
/// worst), the first round's, which builds the snapshot, and a round's right after a server
/// changed (the snapshot is rebuilt, reusing every unchanged server).
func telemetryBenchmark(_ arguments: [String]) async -> Int32 {
    let given = options(arguments, allowed: ["--groups", "--servers", "--rounds", "--interval", "--granularity", "--format"])
    guard let groups = Int(given["--groups"] ?? "100"), groups > 0,
          let perGroup = Int(given["--servers"] ?? "10"), perGroup > 0,
          let rounds = Int(given["--rounds"] ?? "20"), rounds > 0,
          let interval = Double(given["--interval"] ?? "1"), interval >= 1,
          let granularity = Double(given["--granularity"] ?? "60"), granularity >= interval else {
        fail("--groups, --servers, --rounds take positive numbers; --interval and --granularity seconds (granularity >= interval)")
    }
    let json = (given["--format"] ?? "text") == "json"
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let time = Locked(Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600))
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var emulator = EmulatorOptions()
        emulator.telemetryInterval = interval
        let cloud = try await EmulatedCloud(
            store: try SQLiteStore(path: directory.appendingPathComponent("kiln.db").path), options: emulator,
            clock: { time.withLock { $0 } })
        try await cloud.setQuotas(Dictionary(uniqueKeysWithValues: Quotas.names.map { ($0, -1) }), projectID: "default")
        let session = cloud.session(projectID: "default")
        guard let telemetry = session.metrics as? any TelemetryService else { fail("the emulated cloud has no telemetry") }
        for group in 0..<groups {
            for index in 0..<perGroup {
                _ = try await session.compute.createServer(ServerRequest(
                    name: "g\(group)-\(index)", flavorID: "m1.small", imageID: "cirros-0.6.2-x86_64-disk",
                    metadata: ["metering.server_group": "g\(group)"], autoNetwork: false))
            }
            _ = try await telemetry.setLoad(LoadSetting(target: .group("g\(group)"), cpuPercent: Double(group % 100)))
        }
        time.withLock { $0 = $0.addingTimeInterval(3600) }
        var times: [Double] = []
        var changed: [Double] = []
        var points = 0
        let someServer = try await session.compute.servers().first?.id ?? ""
        for round in 0..<rounds * 2 {
            // Every other round follows a change (a server's name), which makes the snapshot rebuild.
            let afterChange = round % 2 == 1
            if afterChange { _ = try await session.compute.updateServer(id: someServer, ServerUpdate(name: "renamed-\(round)")) }
            let now = time.withLock { $0 }
            let start = ContinuousClock.now
            for group in 0..<groups {
                points += try await telemetry.aggregate(AggregateQuery(
                    metric: "cpu", aggregation: "rate:mean", granularity: granularity, search: ["=": ["server_group": .string("g\(group)")]],
                    start: now.addingTimeInterval(-granularity * 3))).count
            }
            if afterChange { changed.append(seconds(since: start) * 1000) } else { times.append(seconds(since: start) * 1000) }
            time.withLock { $0 = $0.addingTimeInterval(interval) }
        }
        let first = times[0]
        let rest = (times.count > 1 ? Array(times.dropFirst()) : times).sorted()
        let median = rest[rest.count / 2]
        let afterChanges = changed.sorted()
        let changedMedian = afterChanges[afterChanges.count / 2]
        if json {
            print(Value.map([
                "groups": .int(groups), "servers_per_group": .int(perGroup), "interval": .double(interval), "granularity": .double(granularity),
                "first_round_ms": .double(first), "best_round_ms": .double(rest[0]), "median_round_ms": .double(median),
                "worst_round_ms": .double(rest[rest.count - 1]), "median_round_after_a_change_ms": .double(changedMedian), "points": .int(points),
            ]).jsonText())
        } else {
            print(String(format: "%d groups x %d servers, sampled every %.0f s, rate:mean at %.0f s over 3 periods:", groups, perGroup, interval, granularity))
            print(String(format: "  round (%d aggregates): best %.1f ms, median %.1f ms, worst %.1f ms; first (builds the snapshot) %.1f ms",
                         groups, rest[0], median, rest[rest.count - 1], first))
            print(String(format: "  round right after a server changed (the snapshot rebuilds, decoding only that server): median %.1f ms", changedMedian))
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8))
        return 1
    }
}
