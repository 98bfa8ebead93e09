import Foundation
import KilnCloud
import KilnStore

/// The load users drive: each `kiln cloud load set` is one row of `cloud_objects` (kind
/// `load`, parent the target: `server:ID`, `group:NAME` or `default`), so a change made by
/// another process on the same home is seen at the next read, and the whole history is there
/// to compute past measures from. Nothing is sampled in the background: a server's load at
/// any time is the latest change at or before it, looked up per field (CPU, memory) in its
/// own settings, then its `metering.server_group`'s, then the project's default; with none,
/// a server idles at 0 % CPU using a quarter of its flavor's RAM.
struct LoadChange: Codable, Sendable, Equatable {
    var at: Date
    var cpu: Double?
    var memory: Double?
    /// Removes the target's own setting from `at` on.
    var clear: Bool = false

    static let kind = "load"
    /// The newest changes kept per target; before the oldest kept one the target reads as unset.
    static let keptPerTarget = 1000

    static func parent(_ target: LoadTarget, project: String) -> String {
        switch target {
        case .server(let id): "server:\(id)"
        case .group(let name): "group:\(project)/\(name)"
        case .projectDefault: "default:\(project)"
        }
    }
}

/// Every load change, by target, oldest first.
struct LoadBook: Sendable {
    var byParent: [String: [LoadChange]] = [:]

    init(rows: [CloudRow], decoder: JSONDecoder) {
        for row in rows {
            guard let parent = row.parentID, let change = try? decoder.decode(LoadChange.self, from: Data(row.body.utf8)) else { continue }
            byParent[parent, default: []].append(change)
        }
        for key in byParent.keys { byParent[key]!.sort { $0.at < $1.at } }
    }

    /// One server's load as constant pieces: `(from, cpu percent, memory MB)`, oldest first,
    /// the first from the distant past.
    func timeline(server: String, group: String?, project: String, ramMB: Double) -> [(from: Double, cpu: Double, memory: Double)] {
        let layers: [[LoadChange]] = [
            byParent["server:\(server)"] ?? [],
            group.map { byParent["group:\(project)/\($0)"] ?? [] } ?? [],
            byParent["default:\(project)"] ?? [],
        ]
        let idleMemory = ramMB / 4
        var times = Set<Double>()
        for layer in layers { for change in layer { times.insert(change.at.timeIntervalSince1970) } }
        let starts = [-Double.infinity] + times.sorted()
        func value(at time: Double, _ field: KeyPath<LoadChange, Double?>, idle: Double) -> Double {
            for layer in layers {
                guard let latest = layer.last(where: { $0.at.timeIntervalSince1970 <= time && ($0.clear || $0[keyPath: field] != nil) }) else {
                    continue
                }
                if latest.clear { continue }
                return latest[keyPath: field]!
            }
            return idle
        }
        return starts.map { start in
            (start, min(100, max(0, value(at: start, \.cpu, idle: 0))), min(ramMB, max(0, value(at: start, \.memory, idle: idleMemory))))
        }
    }
}
