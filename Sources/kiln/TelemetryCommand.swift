import ArgumentParser
import Foundation
import KilnClient
import KilnCloud
import KilnEmulator
import KilnModel

/// `kiln cloud load set ...` and `kiln cloud metrics SERVER`: the emulated cloud's load model
/// and the telemetry Gnocchi shows for it.
extension CloudCommand {
    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load", abstract: "Drive the emulated servers' load (CPU percent, memory MB) that their telemetry reports.", subcommands: [Set.self])
    }

    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "metrics", abstract: "Show a server's Gnocchi metrics with their latest measures, or one metric's series (--metric).")
        @Argument(help: "The server's id or name.") var server: String
        @Option(help: "One metric's series: cpu, vcpus, memory, memory.usage or disk.root.size.") var metric: String?
        @Option(help: "The series' aggregation (mean, max, min, sum, count, last, first, median, std, rate:mean, ...).")
        var aggregation: String = "mean"
        @Option(help: "The series' granularity in seconds (default: the sampling interval).") var granularity: Double?
        @OptionGroup var cloud: CloudOptions
        @OptionGroup var output: FormatOptions
        @Option(name: .customLong("os-cloud"), help: ArgumentHelp("Read them through this cloud's metric API (client mode; default: $OS_CLOUD).", valueName: "NAME"))
        var osCloud: String?

        func run() async throws {
            let resolver = CloudConfigResolver()
            if resolver.wantsRemote(cloud: osCloud) {
                do {
                    try await remote(try await MetricClient.connect(try resolver.resolve(cloud: osCloud)))
                } catch let error as KilnClientError {
                    standardError("kiln: \(error)")
                    throw ExitCode(1)
                }
                return
            }
            let (emulator, defaultSession) = try await cloud.session()
            let session = try await projectSession(emulator, defaultSession, target: server, given: cloud.project)
            guard let telemetry = session.metrics as? any TelemetryService else { throw ExitCode(1) }
            let filter: Value = ["or": [["=": ["id": .string(server)]], ["=": ["display_name": .string(server)]]]]
            let found = try await cloudCall { try await telemetry.resources(type: "instance", filter: filter) }
            guard let resource = found.first(where: { $0.id == server }) ?? found.first else {
                standardError("kiln: no server '\(server)' in project \(cloud.project)")
                throw ExitCode(1)
            }
            if found.count > 1, resource.id != server {
                standardError("kiln: more than one server is named '\(server)'; use its id")
                throw ExitCode(1)
            }
            let interval = try await cloudCall { try await emulator.telemetryInterval() }
            if let metric {
                guard let id = resource.metrics[metric] else {
                    standardError("kiln: server \(resource.id) has no metric '\(metric)' (\(resource.metrics.keys.sorted().joined(separator: ", ")))")
                    throw ExitCode(1)
                }
                let points = try await cloudCall {
                    try await telemetry.measures(metricID: id, aggregation: aggregation, granularity: granularity ?? interval, start: nil, stop: nil)
                }
                let rows: [Value] = points.map {
                    ["timestamp": .string(GnocchiTime.text($0.timestamp)), "granularity": .double($0.granularity), "value": .double($0.value)]
                }
                emit(.list(rows), output.format) { StackFormat.rowsTable(["timestamp", "granularity", "value"], rows) }
                return
            }
            var rows: [Value] = []
            for name in resource.metrics.keys.sorted() {
                let id = resource.metrics[name]!
                let info = try await cloudCall { try await telemetry.metric(id: id) }
                let last = try await cloudCall {
                    try await telemetry.measures(metricID: id, aggregation: "last", granularity: interval, start: nil, stop: nil).last
                }
                rows.append([
                    "metric": .string(name), "id": .string(id), "unit": .string(info?.unit ?? ""),
                    "timestamp": last.map { .string(GnocchiTime.text($0.timestamp)) } ?? .null, "value": last.map { .double($0.value) } ?? .null,
                ])
            }
            emit(.list(rows), output.format) { StackFormat.rowsTable(["metric", "id", "unit", "timestamp", "value"], rows) }
        }
    }
}

extension CloudCommand.Metrics {
    /// The same through Gnocchi's API: the resource by id or name, each metric's measures at the finest granularity.
    func remote(_ client: MetricClient) async throws {
        let filter: Value = ["or": [["=": ["id": .string(server)]], ["=": ["display_name": .string(server)]]]]
        let found = try await client.call("POST", "v1/search/resource/instance", body: filter).listValue ?? []
        guard let resource = found.first(where: { $0.mapValue?["id"]?.stringValue == server }) ?? found.first,
              let id = resource.mapValue?["id"]?.stringValue, let metrics = resource.mapValue?["metrics"]?.mapValue else {
            standardError("kiln: no server '\(server)'")
            throw ExitCode(1)
        }
        /// The points of the granularity asked, else the finest the series has.
        func points(_ metricID: String, _ method: String) async throws -> [Value] {
            var query = "v1/metric/\(metricID)/measures?aggregation=\(method.replacingOccurrences(of: ":", with: "%3A"))"
            if let granularity { query += "&granularity=\(Value.double(granularity).plainText)" }
            let all = try await client.call("GET", query).listValue ?? []
            let finest = all.compactMap { $0.listValue?[1].numberValue }.min()
            return all.filter { $0.listValue?[1].numberValue == finest }
        }
        if let metric {
            guard let metricID = metrics[metric]?.stringValue else {
                standardError("kiln: server \(id) has no metric '\(metric)' (\(metrics.keys.sorted().joined(separator: ", ")))")
                throw ExitCode(1)
            }
            let rows: [Value] = try await points(metricID, aggregation).map { point in
                let items = point.listValue ?? []
                return ["timestamp": items[0], "granularity": items[1], "value": items[2]]
            }
            emit(.list(rows), output.format) { StackFormat.rowsTable(["timestamp", "granularity", "value"], rows) }
            return
        }
        var rows: [Value] = []
        for name in metrics.keys.sorted() {
            guard let metricID = metrics[name]?.stringValue else { continue }
            let info = try await client.call("GET", "v1/metric/\(metricID)")
            let last = try await points(metricID, "last").last?.listValue
            rows.append([
                "metric": .string(name), "id": .string(metricID), "unit": info.mapValue?["unit"] ?? "",
                "timestamp": last?[0] ?? .null, "value": last?[2] ?? .null,
            ])
        }
        emit(.list(rows), output.format) { StackFormat.rowsTable(["metric", "id", "unit", "timestamp", "value"], rows) }
    }
}

extension CloudCommand.Load {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Set the load of a server (id or name), of every server of a metering.server_group, or the default (--default).")
        @Argument(help: "A server's id or name, or a metering.server_group value.") var target: String?
        @Flag(help: "Set the project's default load, for servers with no load of their own or of their group.") var `default` = false
        @Flag(help: "TARGET is a metering.server_group even if a server has that name.") var group = false
        @Option(help: "CPU load in percent of the server's vcpus (0-100).") var cpu: Double?
        @Option(help: "Memory in use, in MB (at most the flavor's RAM).") var memory: Double?
        @Flag(help: "Remove the target's own load (it falls back to its group's, then the default).") var clear = false
        @OptionGroup var cloud: CloudOptions
        @Option(name: .customLong("os-cloud"), help: ArgumentHelp("Set it through this cloud's metric API (client mode; default: $OS_CLOUD).", valueName: "NAME"))
        var osCloud: String?

        func validate() throws {
            if `default` == (target != nil) { throw ValidationError("give a TARGET (server or server group) or --default, not both") }
            if cpu == nil, memory == nil, !clear { throw ValidationError("give --cpu, --memory or --clear") }
            if let cpu, !(0...100).contains(cpu) { throw ValidationError("--cpu must be a percent from 0 to 100") }
            if let memory, memory < 0 { throw ValidationError("--memory must be 0 MB or more") }
        }

        func run() async throws {
            let resolver = CloudConfigResolver()
            let servers: [String]
            if resolver.wantsRemote(cloud: osCloud) {
                var body: [String: Value] = ["default": .bool(`default`), "group": .bool(group), "clear": .bool(clear)]
                if let target { body["target"] = .string(target) }
                if let cpu { body["cpu"] = .double(cpu) }
                if let memory { body["memory"] = .double(memory) }
                do {
                    let client = try await MetricClient.connect(try resolver.resolve(cloud: osCloud))
                    let answer = try await client.call("POST", "v1/kiln/load", body: .map(body))
                    servers = (answer.mapValue?["servers"]?.listValue ?? []).compactMap(\.stringValue)
                } catch {
                    standardError("kiln: \(error)")
                    throw ExitCode(1)
                }
            } else {
                let (emulator, defaultSession) = try await cloud.session()
                let session = `default` ? defaultSession : try await projectSession(emulator, defaultSession, target: target!, given: cloud.project)
                guard let telemetry = session.metrics as? any TelemetryService else { throw ExitCode(1) }
                let loadTarget: LoadTarget = `default` ? .projectDefault : group ? .group(target!) : .server(target!)
                servers = try await cloudCall {
                    try await telemetry.setLoad(LoadSetting(target: loadTarget, cpuPercent: cpu, memoryMB: memory, clear: clear))
                }
            }
            var parts: [String] = []
            if let cpu { parts.append("cpu \(Value.double(cpu).plainText)%") }
            if let memory { parts.append("memory \(Value.double(memory).plainText) MB") }
            if clear { parts.append("cleared") }
            print("load \(parts.joined(separator: ", ")) for \(`default` ? "the default" : target!): \(servers.count) server\(servers.count == 1 ? "" : "s") now")
        }
    }
}

/// `--telemetry-interval 1s`: whole seconds, at least 1 (`500ms` is refused).
func telemetrySeconds(_ text: String) throws -> Double {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
    var seconds = Double(text)
    for (suffix, scale) in units where seconds == nil && text.hasSuffix(suffix) { seconds = Double(text.dropLast(suffix.count)).map { $0 * scale } }
    guard let seconds, seconds >= 1, seconds == seconds.rounded() else {
        throw CloudError(.badRequest, "--telemetry-interval '\(text)': expected whole seconds of at least 1, e.g. 1s or 10s")
    }
    return seconds
}

/// The session of the project that holds `target` when `--project` was left at `default` and
/// `default` has no such server or group, but exactly one other project has (a `kiln serve`
/// home's stacks live in the token's project).
func projectSession(_ cloud: EmulatedCloud, _ session: CloudSession, target: String, given: String) async throws -> CloudSession {
    guard given == "default" else { return session }
    let projects = try await cloudCall { try await cloud.projects(holding: target) }
    guard !projects.contains("default"), projects.count == 1 else { return session }
    return cloud.session(projectID: projects[0])
}
