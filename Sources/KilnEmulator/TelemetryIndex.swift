import Crypto
import Foundation
import KilnCloud
import KilnModel
import KilnStore

/// A server as telemetry sees it: what Gnocchi's `instance` resource shows and what its
/// measures are computed from. Kept for a deleted server too (kind `instance.ended`), with
/// `endedAt`, for one to two days (pruned by the day it ended when another server ends), so its
/// measures stay readable a while.
struct InstanceRecord: Codable, Sendable {
    var id: String
    var projectID: String
    var name: String
    var flavorID: String
    var flavorName: String
    var vcpus: Int
    var ramMB: Int
    var diskGB: Int
    var imageID: String?
    var host: String
    var serverGroup: String?
    var status: String
    var pendingStatus: String?
    var readyAt: Date?
    var launchedAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var endedAt: Date?

    static let endedKind = "instance.ended"
    /// A deleted server's resource (and its load history) is kept until the day after the next.
    static let endedRetention: Double = 86_400
    static let running: Set<String> = ["ACTIVE", "REBOOT", "HARD_REBOOT", "RESIZE", "VERIFY_RESIZE", "REBUILD", "MIGRATING"]

    init(_ server: Server, flavor: Flavor?) {
        id = server.id
        projectID = server.projectID
        name = server.name
        flavorID = server.flavorID
        flavorName = flavor?.name ?? server.flavorID
        vcpus = flavor?.vcpus ?? 1
        ramMB = flavor?.ramMB ?? 0
        diskGB = flavor?.diskGB ?? 0
        imageID = server.imageID
        host = "kiln-compute-" + String(server.hostID.prefix(8))
        serverGroup = server.metadata["metering.server_group"]
        status = server.status
        pendingStatus = server.pendingStatus
        readyAt = server.readyAt
        launchedAt = server.launchedAt
        createdAt = server.createdAt
        updatedAt = server.updatedAt
    }

    /// When samples exist: from its launch (BUILD -> ACTIVE) until it was deleted, stopped
    /// (SHUTOFF, SUSPENDED, ... since its last change) or now. nil: never launched.
    func sampled(now: Date) -> (from: Double, to: Double)? {
        var status = self.status, launched = launchedAt
        if let pending = pendingStatus, let ready = readyAt, ready <= now {
            status = pending
            if pending == "ACTIVE", launched == nil { launched = ready }
        }
        guard let launched else { return nil }
        var end = now
        if let endedAt { end = min(end, endedAt) } else if !Self.running.contains(status) { end = min(end, max(updatedAt, launched)) }
        return (launched.timeIntervalSince1970, end.timeIntervalSince1970)
    }
}

/// What telemetry reads, built once per change of the servers or the load (the generation
/// row `meta/telemetry.generation` changes with each) and shared by every read until the
/// next change: the alarm evaluator's searches cost no JSON decoding.
final class TelemetrySnapshot: Sendable {
    struct Entry: Sendable {
        let record: InstanceRecord
        /// Load pieces `(from, cpu %, memory MB)` and the CPU time used (ns) before each since launch.
        let load: [(from: Double, cpu: Double, memory: Double)]
        let metricIDs: [String: String]
    }

    let generation: String
    /// Seconds between samples: the process's own option, else the one stored in the home, else 10.
    let interval: Double
    /// Each server's stored body and what was read from it: the next build decodes only changed ones.
    let decoded: [String: (body: String, record: InstanceRecord)]
    let entries: [Entry]
    let byID: [String: Int]
    let byProject: [String: [Int]]
    /// `project/server_group` -> entries, for the evaluator's usual search.
    let byGroup: [String: [Int]]
    let byMetric: [String: (entry: Int, name: String)]

    init(generation: String, interval: Double, records: [InstanceRecord], book: LoadBook,
         decoded: [String: (body: String, record: InstanceRecord)] = [:], previous: TelemetrySnapshot? = nil) {
        self.generation = generation
        self.interval = interval
        self.decoded = decoded
        var entries: [Entry] = [], byID: [String: Int] = [:], byProject: [String: [Int]] = [:], byGroup: [String: [Int]] = [:]
        var byMetric: [String: (entry: Int, name: String)] = [:]
        for record in records where byID[record.id] == nil {
            let index = entries.count
            let ids = previous?.byID[record.id].map { previous!.entries[$0].metricIDs }
                ?? Dictionary(uniqueKeysWithValues: TelemetryMetrics.names.map { ($0, TelemetryMetrics.metricID(resource: record.id, name: $0)) })
            entries.append(Entry(
                record: record, load: book.timeline(server: record.id, group: record.serverGroup, project: record.projectID, ramMB: Double(record.ramMB)),
                metricIDs: ids))
            byID[record.id] = index
            byProject[record.projectID, default: []].append(index)
            if let group = record.serverGroup { byGroup["\(record.projectID)/\(group)", default: []].append(index) }
            for (name, id) in ids { byMetric[id] = (index, name) }
        }
        self.entries = entries
        self.byID = byID
        self.byProject = byProject
        self.byGroup = byGroup
        self.byMetric = byMetric
    }
}

/// The last snapshot, per emulated cloud.
final class TelemetryCache: Sendable {
    let latest = Locked<TelemetrySnapshot?>(nil)
    static let generationID = "telemetry.generation"
    /// The sampling interval the last process given one stored, so every process on a home computes the same measures.
    static let intervalID = "telemetry.interval"
}

/// The instance metrics Ceilometer's compute pollsters publish, with their units.
enum TelemetryMetrics {
    static let names = ["cpu", "vcpus", "memory", "memory.usage", "disk.root.size"]
    static let units = ["cpu": "ns", "vcpus": "vcpu", "memory": "MB", "memory.usage": "MB", "disk.root.size": "GB"]

    /// A stable UUID per resource and metric name (SHA-256 of both, as a version 4 layout).
    static func metricID(resource: String, name: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("kiln-metric/\(resource)/\(name)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        // By hand: String(format:) costs microseconds a call on Linux, and a snapshot makes 5 ids a server.
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0x0f)]) }
        let hex = String(decoding: out, as: UTF8.self)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

extension Tables {
    /// Marks telemetry's snapshot stale (a server or a load changed), in the same transaction.
    func telemetryChanged() throws {
        try raw.put(CloudRow(kind: EmulatedKind.meta.rawValue, id: TelemetryCache.generationID, projectID: "", body: newID(), createdAt: now))
    }

    /// Stores the interval this process was given (a change makes every snapshot stale).
    func rememberTelemetryInterval(_ interval: Double?) throws {
        guard let interval, try raw.row(kind: EmulatedKind.meta.rawValue, id: TelemetryCache.intervalID)?.body != String(interval) else { return }
        try raw.put(CloudRow(kind: EmulatedKind.meta.rawValue, id: TelemetryCache.intervalID, projectID: "", body: String(interval), createdAt: now))
        try telemetryChanged()
    }

    /// A server is going: its resource stays as ended; those that ended two days or more ago go, with their load history.
    func instanceEnded(_ serverID: String) throws {
        guard let server: Server = try get(.server, serverID) else { return }
        var record = InstanceRecord(settle(server), flavor: try flavor(server.flavorID))
        record.endedAt = now
        let body = String(decoding: try JSONEncoder.telemetry.encode(record), as: UTF8.self)
        // Filed under the day it ended (its parent), so pruning reads ids of old days, not every body.
        let day = Int(now.timeIntervalSince1970 / InstanceRecord.endedRetention)
        try raw.put(CloudRow(kind: InstanceRecord.endedKind, id: server.id, projectID: server.projectID, parentID: "ended:\(day)",
                             name: server.name, body: body, createdAt: now))
        for old in (day - 9)...(day - 2) {
            for id in try raw.ids(kind: InstanceRecord.endedKind, parentID: "ended:\(old)") {
                try raw.delete(kind: InstanceRecord.endedKind, id: id)
                try raw.deleteRows(kind: LoadChange.kind, parentID: "server:\(id)")
            }
        }
        try telemetryChanged()
    }

    /// Builds the snapshot, or returns the cached one when nothing changed since.
    func telemetrySnapshot(_ cache: TelemetryCache, interval explicit: Double?) throws -> TelemetrySnapshot {
        let generation = try raw.row(kind: EmulatedKind.meta.rawValue, id: TelemetryCache.generationID)?.body ?? ""
        let cached = cache.latest.withLock { $0 }
        if let cached, cached.generation == generation { return cached }
        let flavors = Dictionary((try all(.flavor) as [Flavor]).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var records: [InstanceRecord] = []
        var decoded: [String: (body: String, record: InstanceRecord)] = [:]
        for row in try raw.rows(kind: EmulatedKind.server.rawValue, projectID: nil, parentID: nil) {
            let record: InstanceRecord
            if let known = cached?.decoded[row.id], known.body == row.body {
                record = known.record
            } else {
                let server = try decode(row, as: Server.self)
                record = InstanceRecord(server, flavor: flavors[server.flavorID])
            }
            records.append(record)
            decoded[row.id] = (row.body, record)
        }
        let decoder = JSONDecoder.telemetry
        for row in try raw.rows(kind: InstanceRecord.endedKind, projectID: nil, parentID: nil) {
            if let record = try? decoder.decode(InstanceRecord.self, from: Data(row.body.utf8)) { records.append(record) }
        }
        let book = LoadBook(rows: try raw.rows(kind: LoadChange.kind, projectID: nil, parentID: nil), decoder: decoder)
        let stored = try raw.row(kind: EmulatedKind.meta.rawValue, id: TelemetryCache.intervalID).flatMap { Double($0.body) }
        let snapshot = TelemetrySnapshot(generation: generation, interval: explicit ?? stored ?? 10, records: records, book: book, decoded: decoded, previous: cached)
        cache.latest.withLock { $0 = snapshot }
        return snapshot
    }
}

extension JSONEncoder {
    static var telemetry: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

extension JSONDecoder {
    static var telemetry: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
