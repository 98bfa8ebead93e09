import Foundation
import KilnModel
import Testing

/// `kiln cloud load set` and `kiln cloud metrics` on an embedded home: a stack's servers get a
/// load, their metrics show it.
@Suite("kiln cloud load set / kiln cloud metrics")
struct TelemetryCLITests {
    static let template = """
        heat_template_version: 2018-08-31
        resources:
          web:
            type: OS::Nova::Server
            properties:
              flavor: m1.small
              image: cirros-0.6.2-x86_64-disk
              metadata: {"metering.server_group": "shop"}
        """

    @Test func aLoadSetOnAGroupShowsInItsServersMetrics() async throws {
        let home = try KilnHome()
        let created = try await home.kiln(["stack", "create", "app", "-t", try home.write("t.yaml", Self.template), "--telemetry-interval", "1s"])
        #expect(created.status == 0, "\(created.stderr)")
        let set = try await home.kiln(["cloud", "load", "set", "shop", "--cpu", "40", "--memory", "700"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout == "load cpu 40.0%, memory 700.0 MB for shop: 1 server now\n")
        let defaults = try await home.kiln(["cloud", "load", "set", "--default", "--cpu", "5"])
        #expect(defaults.stdout.contains("for the default: 1 server now"), "\(defaults.stdout)")
        try await Task.sleep(for: .seconds(2.2))

        let listed = try await home.kiln(["cloud", "list", "server", "--format", "json"])
        let server = try #require(try Value.parseJSON(listed.stdout).listValue?.first?.mapValue?["id"]?.stringValue)
        let metrics = try await home.kiln(["cloud", "metrics", server, "--format", "json", "--telemetry-interval", "1s"])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        let rows = try #require(try Value.parseJSON(metrics.stdout).listValue)
        let byName = Dictionary(uniqueKeysWithValues: rows.compactMap { row in row.mapValue.flatMap { map in map["metric"]?.stringValue.map { ($0, map) } } })
        #expect(Set(byName.keys) == ["cpu", "vcpus", "memory", "memory.usage", "disk.root.size"])
        #expect(byName["memory.usage"]?["value"]?.numberValue == 700)
        #expect(byName["memory"]?["value"]?.numberValue == 2048)
        #expect(byName["cpu"]?["unit"] == "ns")

        let byID = try await home.kiln(["cloud", "metrics", server, "--metric", "cpu", "--aggregation", "rate:mean", "--format", "json",
                                        "--telemetry-interval", "1s"])
        let points = try #require(try Value.parseJSON(byID.stdout).listValue)
        let last = try #require(points.last?.mapValue?["value"]?.numberValue)
        #expect(abs(last - 4e8) < 1, "\(byID.stdout)")  // 40 % of one vcpu, per 1 s sample

        let unknown = try await home.kiln(["cloud", "load", "set", "nobody", "--cpu", "10"])
        #expect(unknown.status == 1 && unknown.stderr.contains("No server or metering.server_group 'nobody'"), "\(unknown.stderr)")
        let usage = try await home.kiln(["cloud", "load", "set", "shop"])
        #expect(usage.status == 64 || usage.status == 2, "\(usage.status)")
    }
    @Test func loadSetThroughTheMetricAPIAndOnTheServersHomeAlike() async throws {
        let served = try await ServedKiln()
        let created = try await served.client(["stack", "create", "app", "-t", try served.home.write("t.yaml", Self.template), "--wait"])
        #expect(created.status == 0, "\(created.stderr)")
        let remote = try await served.client(["cloud", "load", "set", "shop", "--cpu", "30"])
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout == "load cpu 30.0% for shop: 1 server now\n")
        // The same home from another process: the stack's project is found without --project.
        let local = try await ServedKiln.embedded(["cloud", "load", "set", "shop", "--memory", "900"], home: served.home)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stdout == "load memory 900.0 MB for shop: 1 server now\n")
        let listed = try await served.client(["stack", "resource", "list", "app", "--format", "json"])
        let server = try #require(try Value.parseJSON(listed.stdout).listValue?.first?.mapValue?["physical_resource_id"]?.stringValue, "\(listed.stdout)")
        let metrics = try await served.client(["cloud", "metrics", server, "--format", "json"])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        let rows = try #require(try Value.parseJSON(metrics.stdout).listValue, "\(metrics.stdout)")
        #expect(rows.compactMap { $0.mapValue?["metric"]?.stringValue } == ["cpu", "disk.root.size", "memory", "memory.usage", "vcpus"])
        // The server samples every 10 s here: a value may not be due yet, its unit is.
        #expect(rows.first { $0.mapValue?["metric"] == "memory" }?.mapValue?["unit"] == "MB")
        let unknown = try await served.client(["cloud", "load", "set", "nobody", "--cpu", "10"])
        #expect(unknown.status == 1 && unknown.stderr.contains("No server or metering.server_group 'nobody'"), "\(unknown.stderr)")
    }
}
