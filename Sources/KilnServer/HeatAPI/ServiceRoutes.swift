import Crypto
import Foundation
import Hummingbird
import KilnModel
import KilnStore
import KilnTemplate

/// `GET /services`: the engines serving this API, as Heat lists its heat-engine processes.
/// With several engines on one database, every engine in the heartbeat table: `up` while its
/// heartbeat is within the lease TTL, `down` after (a clean shutdown removes its row, as a
/// heat-engine that stops deletes its service record). `host` is the engine's name
/// (`--engine-name`, as Heat's `host` option names an engine), `hostname` its machine.
extension HeatAPI {
    func services(_ call: HeatRequest) async -> Response {
        guard let membership else { return .json(["services": [lone()]]) }
        var rows = (try? await membership.store.engines()) ?? []
        if !rows.contains(where: { $0.id == membership.engine.id }) { rows.append(membership.engine) }
        let now = Date()
        let entries: [Value] = rows.map { row in
            [
                "id": .string(EngineService.uuid(row.id, "service")), "engine_id": .string(EngineService.uuid(row.id, "engine")),
                "host": .string(row.name), "hostname": .string(row.host), "binary": "heat-engine", "topic": "engine",
                "status": .string(row.id == membership.engine.id || row.isAlive(ttl: membership.ttl, now: now) ? "up" : "down"),
                "report_interval": .int(max(1, Int(membership.ttl / 3))),
                "created_at": .string(HeatTime.iso(row.startedAt)), "updated_at": .string(HeatTime.iso(row.heartbeatAt)),
                "deleted_at": .null,
            ]
        }
        return .json(["services": .list(entries)])
    }

    /// A lone engine (no heartbeat table in use): this process, always up while it answers.
    private func lone() -> Value {
        let host = ProcessInfo.processInfo.hostName
        return [
            "id": .string(EngineService.id), "engine_id": .string(EngineService.engineID),
            "host": .string(host), "hostname": .string(host), "binary": "heat-engine", "topic": "engine",
            "status": "up", "report_interval": .int(EngineService.reportInterval),
            "created_at": .string(HeatTime.iso(EngineService.startedAt)), "updated_at": .string(HeatTime.iso(Date())),
            "deleted_at": .null,
        ]
    }
}

/// This process's engine as a service: ids and start time fixed for the life of the process.
enum EngineService {
    static let id = UUID().uuidString.lowercased()
    static let engineID = UUID().uuidString.lowercased()
    static let startedAt = Date()
    /// Seconds between an engine's reports in Heat (its periodic_interval default).
    static let reportInterval = 60

    /// A UUID-shaped id derived from an engine's id (Heat's ids are UUIDs; ours is
    /// `kiln:HOST:PID:UUID`), the same on every engine that lists it.
    static func uuid(_ engineID: String, _ kind: String) -> String {
        let bytes = Array(SHA256.hash(data: Data("\(kind):\(engineID)".utf8)).prefix(16))
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.map(String.init).joined(separator: "-")
    }
}
