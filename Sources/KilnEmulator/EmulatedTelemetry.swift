import Foundation
import KilnCloud
import KilnModel
import KilnStore

/// Gnocchi, emulated: every server of the project is an `instance` resource whose measures
/// are computed on read from the load model, sampled every `telemetryInterval` seconds at
/// multiples of it (as a Ceilometer agent polling all servers at once would): `cpu` is the
/// CPU time used since launch (ns: the integral of CPU % x vcpus x 1e9 over time),
/// `memory.usage` the load's memory, `vcpus`, `memory` and `disk.root.size` the flavor's.
/// Only the points an archive level keeps exist (its last `points` periods before now).
struct EmulatedTelemetry: TelemetryService {
    let cloud: EmulatedCloud
    let projectID: String
    func snapshot() async throws -> (TelemetrySnapshot, Date) {
        let cache = cloud.telemetry, explicit = cloud.options.telemetryInterval
        return try await cloud.read { tables in (try tables.telemetrySnapshot(cache, interval: explicit), tables.now) }
    }

    // MARK: MetricService

    /// The alarm evaluator's call. The last point is the period in progress, as Gnocchi's:
    /// with samples faster than the granularity its mean is that of the samples so far, so a
    /// rate taken from it reads low early in the period; `stop` at the period's start asks
    /// for whole periods only.
    func aggregate(_ query: AggregateQuery) async throws -> [Measure] {
        let (snapshot, now) = try await snapshot()
        let all = try computed(query, snapshot, now)
        // As Aodh asks Gnocchi: `(aggregate rate:mean (metric cpu mean))`, or `(aggregate M (metric NAME M))`, with
        // needed_overlap 0 and both bounds (Aodh always gives them), so a server deleted or booted inside the window
        // does not cut the others' points.
        return try GnocchiAggregation.across(all.map(\.measures), method: query.aggregation, granularity: query.granularity,
                                             bounded: (true, true))
    }

    func measures(resourceType: String, resourceID: String, metric: String, aggregation: String, granularity: Double,
                  start: Date?, stop: Date?) async throws -> [Measure] {
        let (snapshot, now) = try await snapshot()
        guard let index = snapshot.byID[resourceID], snapshot.entries[index].record.projectID == projectID else {
            throw CloudError(.notFound, "Resource \(resourceID) does not exist")
        }
        let entry = snapshot.entries[index]
        guard entry.metricIDs[metric] != nil else { throw CloudError(.notFound, "Metric \(metric) does not exist") }
        return try points(entry, metric: metric, aggregation: aggregation, granularity: granularity, start: start, stop: stop, now: now, interval: snapshot.interval)
    }

    // MARK: TelemetryService

    func archivePolicies() async throws -> [ArchivePolicy] { ArchivePolicies.all(interval: try await snapshot().0.interval) }

    func resources(type: String, filter: Value?) async throws -> [MetricResource] {
        guard type == "generic" || type == "instance" else { throw CloudError(.notFound, "Resource type \(type) does not exist") }
        let parsed = try ResourceFilter(filter)
        let (snapshot, _) = try await snapshot()
        return matching(snapshot, parsed).map { resource(snapshot.entries[$0]) }
    }

    func metrics() async throws -> [MetricInfo] {
        let (snapshot, _) = try await snapshot()
        return (snapshot.byProject[projectID] ?? []).flatMap { index in
            TelemetryMetrics.names.map { info(snapshot.entries[index], $0) }
        }
    }

    func metric(id: String) async throws -> MetricInfo? {
        let (snapshot, _) = try await snapshot()
        guard let (index, name) = snapshot.byMetric[id], snapshot.entries[index].record.projectID == projectID else { return nil }
        return info(snapshot.entries[index], name)
    }

    func measures(metricID: String, aggregation: String, granularity: Double?, start: Date?, stop: Date?) async throws -> [Measure] {
        let (snapshot, now) = try await snapshot()
        guard let (index, name) = snapshot.byMetric[metricID], snapshot.entries[index].record.projectID == projectID else {
            throw CloudError(.notFound, "Metric \(metricID) does not exist")
        }
        let levels = granularity.map { [$0] } ?? ArchivePolicies.instance(interval: snapshot.interval).definition.map(\.granularity).reversed()
        return try levels.flatMap { try points(snapshot.entries[index], metric: name, aggregation: aggregation, granularity: $0, start: start, stop: stop, now: now, interval: snapshot.interval) }
    }

    func series(_ query: AggregateQuery) async throws -> [(resource: MetricResource, metricID: String, measures: [Measure])] {
        let (snapshot, now) = try await snapshot()
        return try computed(query, snapshot, now).map { (resource(snapshot.entries[$0.index]), $0.metricID, $0.measures) }
    }

    /// The series of each resource the query matches (by index in the snapshot): the alarm
    /// evaluator's path, so no resource is described.
    func computed(_ query: AggregateQuery, _ snapshot: TelemetrySnapshot, _ now: Date) throws -> [(index: Int, metricID: String, measures: [Measure])] {
        let inner = query.aggregation.hasPrefix("rate:") ? String(query.aggregation.dropFirst(5)) : query.aggregation
        var indexes: [Int]
        if let ids = query.metricIDs {
            indexes = ids.compactMap { snapshot.byMetric[$0]?.entry }.filter { snapshot.entries[$0].record.projectID == projectID }
        } else {
            guard query.resourceType == "generic" || query.resourceType == "instance" else {
                throw CloudError(.notFound, "Resource type \(query.resourceType) does not exist")
            }
            indexes = matching(snapshot, try ResourceFilter(query.search))
        }
        return try indexes.map { index in
            let entry = snapshot.entries[index]
            guard let metricID = entry.metricIDs[query.metric] else { throw CloudError(.notFound, "Metric \(query.metric) does not exist") }
            let measures = try points(entry, metric: query.metric, aggregation: inner, granularity: query.granularity, start: query.start,
                                      stop: query.stop, now: now, interval: snapshot.interval)
            return (index, metricID, measures)
        }
    }

    func setLoad(_ setting: LoadSetting) async throws -> [String] {
        if let cpu = setting.cpuPercent, !(0...100).contains(cpu) { throw CloudError(.badRequest, "cpu must be a percent from 0 to 100, not \(cpu)") }
        if let memory = setting.memoryMB, memory < 0 || !memory.isFinite { throw CloudError(.badRequest, "memory must be 0 MB or more, not \(memory)") }
        guard setting.clear || setting.cpuPercent != nil || setting.memoryMB != nil else {
            throw CloudError(.badRequest, "Nothing to set: give cpu, memory or clear")
        }
        let project = projectID
        return try await cloud.write(projectID: project) { tables in
            var target = setting.target
            var affected: [String]
            let servers = try tables.all(.server, project: project) as [Server]
            switch target {
            case .server(let idOrName):
                let found = servers.filter { $0.id == idOrName }.isEmpty ? servers.filter { $0.name == idOrName } : servers.filter { $0.id == idOrName }
                if found.isEmpty {
                    let inGroup = servers.filter { $0.metadata["metering.server_group"] == idOrName }
                    guard !inGroup.isEmpty else {
                        throw CloudError(.notFound, "No server or metering.server_group '\(idOrName)' in project \(project)")
                    }
                    target = .group(idOrName)
                    affected = inGroup.map(\.id)
                } else {
                    guard found.count == 1 else { throw CloudError(.conflict, "More than one server is named '\(idOrName)': use its id") }
                    target = .server(found[0].id)
                    affected = [found[0].id]
                }
            case .group(let name):
                affected = servers.filter { $0.metadata["metering.server_group"] == name }.map(\.id)
            case .projectDefault:
                affected = servers.map(\.id)
            }
            let change = LoadChange(at: tables.now, cpu: setting.cpuPercent, memory: setting.memoryMB, clear: setting.clear)
            let body = String(decoding: try JSONEncoder.telemetry.encode(change), as: UTF8.self)
            let parent = LoadChange.parent(target, project: project)
            try tables.raw.put(CloudRow(kind: LoadChange.kind, id: newID(), projectID: project, parentID: parent, body: body, createdAt: tables.now))
            // Bounded: a target keeps its newest changes (a ramp script setting the load every second stays cheap to read).
            let ids = try tables.raw.ids(kind: LoadChange.kind, parentID: parent)
            if ids.count > LoadChange.keptPerTarget {
                let rows = try tables.raw.rows(kind: LoadChange.kind, projectID: nil, parentID: parent).sorted { $0.createdAt < $1.createdAt }
                for row in rows.prefix(rows.count - LoadChange.keptPerTarget) { try tables.raw.delete(kind: LoadChange.kind, id: row.id) }
            }
            try tables.telemetryChanged()
            return affected
        }
    }

    // MARK: Computing

    func matching(_ snapshot: TelemetrySnapshot, _ filter: ResourceFilter) -> [Int] {
        let candidates: [Int]
        if let group = filter.required("server_group") {
            candidates = snapshot.byGroup["\(projectID)/\(group)"] ?? []
        } else if let id = filter.required("id") {
            candidates = snapshot.byID[id].map { [$0] }?.filter { snapshot.entries[$0].record.projectID == projectID } ?? []
        } else {
            candidates = snapshot.byProject[projectID] ?? []
        }
        if case .all = filter { return candidates }
        return candidates.filter { index in filter.matches { attribute(snapshot.entries[index], $0) } }
    }

    func attribute(_ entry: TelemetrySnapshot.Entry, _ name: String) -> Value {
        let record = entry.record
        switch name {
        case "id", "original_resource_id": return .string(record.id)
        case "type": return "instance"
        case "project_id", "created_by_project_id": return .string(record.projectID)
        case "user_id", "created_by_user_id": return .null
        case "display_name": return .string(record.name)
        case "flavor_id": return .string(record.flavorID)
        case "flavor_name": return .string(record.flavorName)
        case "image_ref": return record.imageID.map(Value.string) ?? .null
        case "host": return .string(record.host)
        case "server_group": return record.serverGroup.map(Value.string) ?? .null
        case "started_at", "revision_start", "created_at": return .string(GnocchiTime.text(record.createdAt))
        case "launched_at": return record.launchedAt.map { .string(GnocchiTime.text($0)) } ?? .null
        case "ended_at", "deleted_at": return record.endedAt.map { .string(GnocchiTime.text($0)) } ?? .null
        default: return .null
        }
    }

    func resource(_ entry: TelemetrySnapshot.Entry) -> MetricResource {
        var attributes: [String: Value] = [:]
        for name in ["display_name", "flavor_id", "flavor_name", "image_ref", "host", "server_group", "launched_at", "created_at", "deleted_at"] {
            attributes[name] = attribute(entry, name)
        }
        let record = entry.record
        return MetricResource(
            id: record.id, type: "instance", projectID: record.projectID, userID: nil, startedAt: record.createdAt, endedAt: record.endedAt,
            revisionStart: record.createdAt, attributes: attributes, metrics: entry.metricIDs)
    }

    func info(_ entry: TelemetrySnapshot.Entry, _ name: String) -> MetricInfo {
        MetricInfo(id: entry.metricIDs[name] ?? "", name: name, unit: TelemetryMetrics.units[name] ?? "", resourceID: entry.record.id,
                   projectID: entry.record.projectID, archivePolicy: ArchivePolicies.instancePolicyName)
    }

    /// One metric's points at one granularity: the samples of the window, then Gnocchi's reduction.
    func points(_ entry: TelemetrySnapshot.Entry, metric: String, aggregation: String, granularity: Double, start: Date?, stop: Date?,
                now: Date, interval: Double) throws -> [Measure] {
        guard ArchivePolicies.known(aggregation), let level = ArchivePolicies.level(granularity, interval: interval) else {
            throw CloudError(
                .notFound,
                "Aggregation method '\(aggregation)' at granularity '\(granularity)' for metric \(entry.metricIDs[metric] ?? metric) does not exist")
        }
        guard let span = entry.record.sampled(now: now) else { return [] }
        let g = level.granularity
        let nowBucket = (now.timeIntervalSince1970 / g).rounded(.down) * g
        var from = nowBucket - Double(level.points - 1) * g
        if let start { from = max(from, (start.timeIntervalSince1970 / g).rounded(.down) * g) }
        let rate = aggregation.hasPrefix("rate:")
        let first = max(span.from, from - (rate ? interval : 0))
        var last = span.to
        if let stop { last = min(last, stop.timeIntervalSince1970 + g) }
        guard first <= last else { return [] }
        let samples = Self.samples(entry, metric: metric, from: first, to: last, interval: interval, launch: span.from)
        var result = GnocchiAggregation.points(samples, method: aggregation, granularity: g, from: from)
        if let stop { result.removeAll { $0.timestamp >= stop } }
        return result
    }

    /// The values a poller would have read at each multiple of `interval` in `[from, to]`.
    static func samples(_ entry: TelemetrySnapshot.Entry, metric: String, from: Double, to: Double, interval: Double, launch: Double)
        -> [(time: Double, value: Double)] {
        var time = (from / interval).rounded(.up) * interval
        guard time <= to else { return [] }
        var result: [(time: Double, value: Double)] = []
        result.reserveCapacity(Int((to - time) / interval) + 1)
        let record = entry.record, load = entry.load
        switch metric {
        case "vcpus", "memory", "disk.root.size":
            let value = Double(metric == "vcpus" ? record.vcpus : metric == "memory" ? record.ramMB : record.diskGB)
            while time <= to { result.append((time, value)); time += interval }
        case "memory.usage":
            var piece = 0
            while time <= to {
                while piece + 1 < load.count, load[piece + 1].from <= time { piece += 1 }
                result.append((time, load[piece].memory))
                time += interval
            }
        default:  // cpu: ns used since launch
            let perSecond = Double(record.vcpus) * 1e9 / 100
            var piece = 0, used = 0.0, at = launch
            while piece + 1 < load.count, load[piece + 1].from <= at { piece += 1 }
            while time <= to {
                while piece + 1 < load.count, load[piece + 1].from <= time {
                    used += load[piece].cpu * perSecond * (load[piece + 1].from - at)
                    at = load[piece + 1].from
                    piece += 1
                }
                result.append((time, used + load[piece].cpu * perSecond * (time - at)))
                time += interval
            }
        }
        return result
    }
}

extension EmulatedCloud {
    /// The projects holding a server with this id or name, or servers of this
    /// `metering.server_group`: `kiln cloud load set` on a `kiln serve` home finds the
    /// project a stack's servers live in without `--project`.
    public func projects(holding target: String) async throws -> [String] {
        let cache = telemetry, explicit = options.telemetryInterval
        return try await read { tables in
            let snapshot = try tables.telemetrySnapshot(cache, interval: explicit)
            let found = snapshot.entries.filter { entry in
                entry.record.endedAt == nil && (entry.record.id == target || entry.record.name == target || entry.record.serverGroup == target)
            }
            return Array(Set(found.map(\.record.projectID))).sorted()
        }
    }
}

extension EmulatedCloud {
    /// Seconds between telemetry samples: this process's option, else the home's stored one, else 10.
    public func telemetryInterval() async throws -> Double {
        let cache = telemetry, explicit = options.telemetryInterval
        return try await read { tables in try tables.telemetrySnapshot(cache, interval: explicit).interval }
    }
}
