import Foundation
import Hummingbird
import KilnModel
import KilnTemplate

/// `GET /services`: the engines serving this API, as Heat lists its heat-engine processes.
/// Kiln runs one engine in the server's process, always up while it answers.
extension HeatAPI {
    func services(_ call: HeatRequest) -> Response {
        let now = HeatTime.iso(Date())
        let host = ProcessInfo.processInfo.hostName
        let entry: Value = [
            "id": .string(EngineService.id), "engine_id": .string(EngineService.engineID),
            "host": .string(host), "hostname": .string(host), "binary": "heat-engine", "topic": "engine",
            "status": "up", "report_interval": .int(EngineService.reportInterval),
            "created_at": .string(HeatTime.iso(EngineService.startedAt)), "updated_at": .string(now),
            "deleted_at": .null,
        ]
        return .json(["services": [entry]])
    }
}

/// This process's engine as a service: ids and start time fixed for the life of the process.
enum EngineService {
    static let id = UUID().uuidString.lowercased()
    static let engineID = UUID().uuidString.lowercased()
    static let startedAt = Date()
    /// Seconds between an engine's reports in Heat (its periodic_interval default).
    static let reportInterval = 60
}
