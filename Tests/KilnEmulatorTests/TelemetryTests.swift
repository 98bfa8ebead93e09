import Foundation
import KilnCloud
import KilnEmulator
import KilnModel
import KilnStore
import Testing

/// A cloud on a clock the test moves, sampling every 10 s; t0 is a multiple of 300 s.
private func telemetryCloud(store: (any Store)? = nil, clock: TestClock = TestClock()) async throws -> (EmulatedCloud, CloudSession, any TelemetryService) {
    var options = EmulatorOptions()
    options.telemetryInterval = 10
    let cloud = try await EmulatedCloud(store: try store ?? SQLiteStore.inMemory(), options: options, clock: { clock.now })
    let session = cloud.session(projectID: "demo")
    let telemetry = try #require(session.metrics as? any TelemetryService)
    return (cloud, session, telemetry)
}

private func boot(_ session: CloudSession, _ name: String, flavor: String = "m1.small", group: String? = nil) async throws -> Server {
    try await session.compute.createServer(ServerRequest(
        name: name, flavorID: flavor, imageID: "cirros-0.6.2-x86_64-disk", metadata: group.map { ["metering.server_group": $0] } ?? [:],
        autoNetwork: false))
}

private func values(_ measures: [Measure]) -> [Double] { measures.map(\.value) }

@Suite("Emulated telemetry: Gnocchi resources, the load model, aggregation")
struct TelemetryTests {
    @Test func everyServerIsAnInstanceResourceWithItsGroupFlavorAndStableMetricIDs() async throws {
        let (cloud, session, telemetry) = try await telemetryCloud()
        let server = try await boot(session, "web-1", group: "g1")
        let resources = try await telemetry.resources(type: "instance", filter: nil)
        let resource = try #require(resources.first)
        #expect(resources.count == 1 && resource.id == server.id && resource.type == "instance" && resource.projectID == "demo")
        #expect(resource.attributes["server_group"] == "g1")
        #expect(resource.attributes["display_name"] == "web-1")
        #expect(resource.attributes["flavor_name"] == "m1.small" && resource.attributes["flavor_id"] == "2")
        #expect(resource.attributes["image_ref"] == .string(server.imageID ?? ""))
        #expect(resource.endedAt == nil)
        #expect(Set(resource.metrics.keys) == ["cpu", "vcpus", "memory", "memory.usage", "disk.root.size"])
        let again = try #require(try await telemetry.resources(type: "generic", filter: nil).first)
        #expect(again.metrics == resource.metrics)
        let cpu = try #require(try await telemetry.metric(id: resource.metrics["cpu"]!))
        #expect(cpu.name == "cpu" && cpu.unit == "ns" && cpu.resourceID == server.id && cpu.archivePolicy == "kiln-instance")
        // Another project sees none of it.
        let other = try #require(cloud.session(projectID: "elsewhere").metrics as? any TelemetryService)
        #expect(try await other.resources(type: "instance", filter: nil).isEmpty)
    }

    @Test func cpuIsTheIntegralOfTheLoadAndMemoryUsageFollowsIt() async throws {
        let clock = TestClock()
        let (_, session, telemetry) = try await telemetryCloud(clock: clock)
        let server = try await boot(session, "web-1")
        _ = try await telemetry.setLoad(LoadSetting(target: .server("web-1"), cpuPercent: 50, memoryMB: 1024))
        clock.advance(60)
        let cpu = try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "cpu", aggregation: "last",
                                               granularity: 10, start: nil, stop: nil)
        #expect(values(cpu) == [0, 5e9, 10e9, 15e9, 20e9, 25e9, 30e9])
        #expect(cpu.first?.timestamp == Date(timeIntervalSince1970: 1_800_000_000))
        _ = try await telemetry.setLoad(LoadSetting(target: .server(server.id), cpuPercent: 100))
        clock.advance(30)
        let rate = try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "cpu", aggregation: "rate:mean",
                                                granularity: 10, start: Date(timeIntervalSince1970: 1_800_000_050), stop: nil)
        #expect(values(rate) == [5e9, 5e9, 10e9, 10e9, 10e9])
        let memory = try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "memory.usage", aggregation: "max",
                                                  granularity: 60, start: nil, stop: nil)
        #expect(values(memory) == [1024, 1024])
        let flavor = try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "memory", aggregation: "mean",
                                                  granularity: 300, start: nil, stop: nil)
        #expect(values(flavor) == [2048])
        let vcpus = try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "vcpus", aggregation: "count",
                                                 granularity: 60, start: nil, stop: nil)
        #expect(values(vcpus) == [6, 4])
    }

    @Test func everyAggregationMethodAsGnocchiComputesIt() async throws {
        let clock = TestClock()
        let (_, session, telemetry) = try await telemetryCloud(clock: clock)
        let server = try await boot(session, "web-1")
        for (wait, memory) in [(0.0, 100.0), (20, 400), (20, 200)] {
            clock.advance(wait)
            _ = try await telemetry.setLoad(LoadSetting(target: .server(server.id), memoryMB: memory))
        }
        clock.advance(30)  // samples at 0..50 s: 100, 100, 400, 400, 200, 200; and 200 at 60 s, in the next period
        func one(_ method: String) async throws -> Double? {
            try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "memory.usage", aggregation: method,
                                         granularity: 60, start: nil, stop: Date(timeIntervalSince1970: 1_800_000_060)).first?.value
        }
        #expect(try await one("mean") == 1400.0 / 6)
        #expect(try await one("max") == 400)
        #expect(try await one("min") == 100)
        #expect(try await one("sum") == 1400)
        #expect(try await one("count") == 6)
        #expect(try await one("first") == 100)
        #expect(try await one("last") == 200)
        #expect(try await one("median") == 200)
        let std = try #require(try await one("std"))
        #expect(abs(std - (93333.333333 / 5).squareRoot()) < 1e-3)
        // Rates: the differences 0, 300, 0, -200, 0 (the first sample has none).
        #expect(try await one("rate:mean") == 20)
        #expect(try await one("rate:max") == 300)
        #expect(try await one("rate:min") == -200)
        #expect(try await one("rate:sum") == 100)
        #expect(try await one("rate:last") == 0)
        let refused = await cloudError { _ = try await one("p95") }
        #expect(refused?.httpStatus == 404)
        let badGranularity = await cloudError {
            _ = try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "cpu", aggregation: "mean",
                                             granularity: 15, start: nil, stop: nil)
        }
        #expect(badGranularity?.message.contains("granularity '15.0'") == true)
    }

    @Test func aggregatingAGroupAsAodhDoesGivesCPUTimePerGranularity() async throws {
        let clock = TestClock()
        let (_, session, telemetry) = try await telemetryCloud(clock: clock)
        let a = try await boot(session, "web-1", group: "g1")
        _ = try await boot(session, "web-2", group: "g1")
        _ = try await boot(session, "other", group: "g2")
        _ = try await telemetry.setLoad(LoadSetting(target: .group("g1"), cpuPercent: 100))
        _ = try await telemetry.setLoad(LoadSetting(target: .server(a.id), cpuPercent: 50))
        _ = try await telemetry.setLoad(LoadSetting(target: .projectDefault, cpuPercent: 5))
        clock.advance(180)
        let search: Value = ["=": ["server_group": "g1"]]
        // (aggregate rate:mean (metric cpu mean)): 30e9 and 60e9 ns per 60 s.
        let query = AggregateQuery(metric: "cpu", aggregation: "rate:mean", granularity: 60, search: search,
                                   stop: Date(timeIntervalSince1970: 1_800_000_180))
        let points = try await telemetry.aggregate(query)
        #expect(values(points) == [45e9, 45e9])
        #expect(points.map(\.timestamp) == [Date(timeIntervalSince1970: 1_800_000_060), Date(timeIntervalSince1970: 1_800_000_120)])
        var maxQuery = query
        maxQuery.aggregation = "rate:max"
        #expect(values(try await telemetry.aggregate(maxQuery)) == [60e9, 60e9])
        var other = query
        other.search = ["=": ["server_group": "g2"]]
        #expect(values(try await telemetry.aggregate(other)) == [3e9, 3e9])  // the default load
        var none = query
        none.search = ["=": ["server_group": "nobody"]]
        #expect(try await telemetry.aggregate(none).isEmpty)
        // Clearing the server's own load falls back to its group's.
        _ = try await telemetry.setLoad(LoadSetting(target: .server(a.id), clear: true))
        clock.advance(120)
        let later = try await telemetry.aggregate(AggregateQuery(
            metric: "cpu", aggregation: "rate:mean", granularity: 60, search: search, start: Date(timeIntervalSince1970: 1_800_000_180),
            stop: Date(timeIntervalSince1970: 1_800_000_300)))
        #expect(values(later) == [60e9])
    }

    @Test func searchFiltersAsGnocchis() async throws {
        let (_, session, telemetry) = try await telemetryCloud()
        _ = try await boot(session, "web-1", group: "g1")
        _ = try await boot(session, "web-2", flavor: "m1.tiny", group: "g1")
        _ = try await boot(session, "db", flavor: "m1.medium")
        func names(_ filter: Value) async throws -> [String] {
            try await telemetry.resources(type: "instance", filter: filter).compactMap { $0.attributes["display_name"]?.stringValue }.sorted()
        }
        #expect(try await names(["=": ["server_group": "g1"]]) == ["web-1", "web-2"])
        #expect(try await names(["==": ["flavor_name": "m1.tiny"]]) == ["web-2"])
        #expect(try await names(["!=": ["flavor_name": "m1.tiny"]]) == ["db", "web-1"])
        #expect(try await names(["=": ["server_group": .null]]) == ["db"])
        #expect(try await names(["!=": ["server_group": "g1"]]) == [])
        #expect(try await names(["in": ["display_name": ["db", "web-2", "nope"]]]) == ["db", "web-2"])
        #expect(try await names(["like": ["display_name": "web-%"]]) == ["web-1", "web-2"])
        #expect(try await names(["like": ["display_name": "_b"]]) == ["db"])
        #expect(try await names(["and": [["=": ["server_group": "g1"]], ["=": ["flavor_id": "1"]]]]) == ["web-2"])
        #expect(try await names(["or": [["=": ["display_name": "db"]], ["=": ["flavor_id": "1"]]]]) == ["db", "web-2"])
        #expect(try await names(["not": ["=": ["display_name": "db"]]]) == ["web-1", "web-2"])
        #expect(try await names([">=": ["started_at": "2027-01-15T08:00:00+00:00"]]) == ["db", "web-1", "web-2"])
        #expect(try await names(["<": ["started_at": "2027-01-15T08:00:00"]]) == [])
        #expect(try await names([">": ["display_name": "web-1"]]) == ["web-2"])
        #expect(try await names(["<=": ["display_name": "db"]]) == ["db"])
        let bad = await cloudError { _ = try await names(["~": ["display_name": "db"]]) }
        #expect(bad?.httpStatus == 400)
    }

    @Test func onlyTheLastPointsOfEachLevelAreKept() async throws {
        let clock = TestClock()
        let (_, session, telemetry) = try await telemetryCloud(clock: clock)
        let server = try await boot(session, "web-1")
        clock.advance(7200)
        func count(_ granularity: Double) async throws -> Int {
            try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "vcpus", aggregation: "mean",
                                         granularity: granularity, start: nil, stop: nil).count
        }
        #expect(try await count(10) == 360)  // an hour of 10 s points
        #expect(try await count(60) == 121)  // two hours and the period now
        #expect(try await count(20) == 361)  // a multiple of the interval, kept as long as the 60 s level: all two hours
        let policy = try #require(try await telemetry.archivePolicies().first { $0.name == "kiln-instance" })
        #expect(policy.definition == [ArchiveLevel(granularity: 10, points: 360), ArchiveLevel(granularity: 60, points: 1440),
                                      ArchiveLevel(granularity: 300, points: 8640), ArchiveLevel(granularity: 3600, points: 8760)])
        let names = Set(try await telemetry.archivePolicies().map(\.name))
        #expect(names.isSuperset(of: ["low", "medium", "high", "ceilometer-low", "ceilometer-high", "ceilometer-low-rate", "bool"]))
    }

    @Test func aDeletedServerKeepsItsResourceWithEndedAtOneToTwoDays() async throws {
        let clock = TestClock()
        let (_, session, telemetry) = try await telemetryCloud(clock: clock)
        let gone = try await boot(session, "web-1", group: "g1")
        _ = try await telemetry.setLoad(LoadSetting(target: .group("g1"), cpuPercent: 100))
        clock.advance(30)
        try await session.compute.deleteServer(id: gone.id)
        clock.advance(60)
        let resource = try #require(try await telemetry.resources(type: "instance", filter: ["=": ["server_group": "g1"]]).first)
        #expect(resource.id == gone.id && resource.endedAt == Date(timeIntervalSince1970: 1_800_000_030))
        let cpu = try await telemetry.measures(resourceType: "instance", resourceID: gone.id, metric: "cpu", aggregation: "last",
                                               granularity: 10, start: nil, stop: nil)
        #expect(values(cpu) == [0, 10e9, 20e9, 30e9])
        clock.advance(86_400)
        let kept = try await boot(session, "web-2")
        try await session.compute.deleteServer(id: kept.id)
        #expect(try await telemetry.resources(type: "instance", filter: ["=": ["id": .string(gone.id)]]).count == 1)  // a day on: kept
        clock.advance(86_400)
        let next = try await boot(session, "web-3")
        try await session.compute.deleteServer(id: next.id)
        #expect(try await telemetry.resources(type: "instance", filter: ["=": ["id": .string(gone.id)]]).isEmpty)
    }

    @Test func aLoadSetByAnotherProcessOnTheSameDatabaseIsSeen() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-telemetry-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = TestClock()
        let (_, session, first) = try await telemetryCloud(store: try SQLiteStore(path: path), clock: clock)
        let (_, _, second) = try await telemetryCloud(store: try SQLiteStore(path: path), clock: clock)
        let server = try await boot(session, "web-1", group: "g1")
        clock.advance(20)
        #expect(try await second.resources(type: "instance", filter: nil).map(\.id) == [server.id])
        _ = try await first.setLoad(LoadSetting(target: .group("g1"), memoryMB: 1500))
        clock.advance(10)
        let memory = try await second.measures(resourceType: "instance", resourceID: server.id, metric: "memory.usage", aggregation: "last",
                                               granularity: 10, start: nil, stop: nil)
        #expect(values(memory) == [512, 512, 1500, 1500])  // idle: a quarter of 2048 MB
        let missing = await cloudError { _ = try await first.setLoad(LoadSetting(target: .server("nobody"), cpuPercent: 10)) }
        #expect(missing?.httpStatus == 404)
    }
    @Test func aServerDeletedInsideTheWindowLeavesTheOthersPointsWhole() async throws {
        let clock = TestClock()
        let (_, session, telemetry) = try await telemetryCloud(clock: clock)
        _ = try await boot(session, "web-1", group: "g1")
        let leaving = try await boot(session, "web-2", group: "g1")
        _ = try await telemetry.setLoad(LoadSetting(target: .group("g1"), cpuPercent: 100))
        clock.advance(90)
        try await session.compute.deleteServer(id: leaving.id)
        clock.advance(150)
        let points = try await telemetry.aggregate(AggregateQuery(
            metric: "cpu", aggregation: "rate:mean", granularity: 60, search: ["=": ["server_group": "g1"]],
            start: Date(timeIntervalSince1970: 1_800_000_000), stop: Date(timeIntervalSince1970: 1_800_000_240)))
        // 60 s of one vcpu at 100 % per period; the deleted server's last period (samples at 60-90 s only) counts
        // 50e9 at 60 s, and it has no point from 120 s on, so the other server's 60e9 stand alone there.
        #expect(points.map(\.timestamp.timeIntervalSince1970) == [1_800_000_060, 1_800_000_120, 1_800_000_180])
        #expect(values(points) == [55e9, 60e9, 60e9])
    }
    @Test func aProcessGivenNoIntervalUsesTheOneStoredInTheHome() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-telemetry-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var fast = EmulatorOptions()
        fast.telemetryInterval = 2
        let serving = try await EmulatedCloud(store: try SQLiteStore(path: path), options: fast)
        let other = try await EmulatedCloud(store: try SQLiteStore(path: path))
        #expect(try await serving.telemetryInterval() == 2)
        #expect(try await other.telemetryInterval() == 2)
        let fresh = try await EmulatedCloud(store: try SQLiteStore.inMemory())
        #expect(try await fresh.telemetryInterval() == 10)
    }
    @Test func aTargetKeepsItsNewestThousandLoadChanges() async throws {
        let clock = TestClock()
        let (_, session, telemetry) = try await telemetryCloud(clock: clock)
        let server = try await boot(session, "web-1")
        for step in 0..<1005 {
            _ = try await telemetry.setLoad(LoadSetting(target: .server(server.id), memoryMB: Double(1000 + step % 2)))
            clock.advance(1)
        }
        let memory = try await telemetry.measures(resourceType: "instance", resourceID: server.id, metric: "memory.usage", aggregation: "last",
                                                  granularity: 10, start: nil, stop: nil)
        #expect(memory.first?.value == 512)  // the first five changes are gone: idle then
        #expect(memory.last?.value == 1000)  // the last change (step 1004) stands
    }
}
