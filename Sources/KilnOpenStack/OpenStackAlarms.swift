import Foundation
import KilnCloud
import KilnModel

/// Aodh over REST (v2, catalog type `alarming`). Aodh takes the alarm's user and project from
/// the token, so `AlarmRequest.userID` is not sent.
extension OpenStackServices: AlarmService {
    /// Aodh's JSON for a definition (`state` apart: a PUT carries the alarm's current one).
    static func alarmBody(_ request: AlarmRequest) -> [String: Value] {
        [
            "name": .string(request.name), "type": .string(request.type), "description": .string(request.description),
            "enabled": .bool(request.enabled), "severity": .string(request.severity),
            AlarmRequest.ruleKey(of: request.type): request.rule,
            "alarm_actions": .list(request.alarmActions.map(Value.string)), "ok_actions": .list(request.okActions.map(Value.string)),
            "insufficient_data_actions": .list(request.insufficientDataActions.map(Value.string)),
            "repeat_actions": .bool(request.repeatActions), "time_constraints": request.timeConstraints,
        ]
    }

    func createAlarm(_ request: AlarmRequest) async throws -> String {
        do {
            let made = try await api.call(.alarming, "POST", "/alarms", body: .map(Self.alarmBody(request)))
            guard let id = made["alarm_id"].stringValue else { throw CloudError(.serverError, "Aodh answered an alarm create without alarm_id") }
            return id
        } catch let error as CloudError where error.kind == .conflict && request.clientToken != nil {
            // A retried create whose first answer was lost: Aodh refuses the name twice, so the
            // alarm of that name and type is taken as the one the first try made.
            let named = try await api.call(.alarming, "GET", "/alarms" + query([("q.field", "name"), ("q.op", "eq"), ("q.value", request.name)]))
            if let same = (named.listValue ?? []).first(where: { $0["name"].stringValue == request.name && $0["type"].stringValue == request.type }),
               let id = same["alarm_id"].stringValue {
                return id
            }
            throw error
        }
    }

    func updateAlarm(id: String, _ request: AlarmRequest) async throws {
        // Aodh's PUT replaces the state too (its default is "insufficient data"): keep the current one.
        guard let current = try await alarm(id: id) else { throw CloudError(.notFound, "Alarm \(id) not found") }
        var body = Self.alarmBody(request)
        body["state"] = current["state"]
        try await api.call(.alarming, "PUT", "/alarms/\(segment(id))", body: .map(body))
    }

    func deleteAlarm(id: String) async throws {
        do {
            try await api.call(.alarming, "DELETE", "/alarms/\(segment(id))")
        } catch let error as CloudError where error.kind == .notFound {
            return
        }
    }

    func alarm(id: String) async throws -> Value? {
        do {
            return try await api.call(.alarming, "GET", "/alarms/\(segment(id))")
        } catch let error as CloudError where error.kind == .notFound {
            return nil
        }
    }

    func setAlarmState(id: String, state: String) async throws {
        try await api.call(.alarming, "PUT", "/alarms/\(segment(id))/state", body: .string(state))
    }

    func alarms() async throws -> [Value] {
        try await api.call(.alarming, "GET", "/alarms").listValue ?? []
    }

    func alarmHistory(id: String) async throws -> [Value] {
        try await api.call(.alarming, "GET", "/alarms/\(segment(id))/history").listValue ?? []
    }
}
