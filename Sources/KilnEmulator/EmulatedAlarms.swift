import Foundation
import KilnCloud
import KilnModel

/// An Aodh alarm as the emulator keeps it. The rule and the time constraints stay Aodh's
/// JSON (text here, since `Value` is not Codable), so every alarm type is kept alike.
struct StoredAlarm: Codable, Sendable {
    var id: String
    var name: String
    var type: String
    var description: String
    var enabled: Bool
    var severity: String
    var rule: String
    var alarmActions: [String]
    var okActions: [String]
    var insufficientDataActions: [String]
    var repeatActions: Bool
    var timeConstraints: String
    var projectID: String
    var userID: String?
    var state: String
    var stateReason: String
    var stateTimestamp: Date
    var timestamp: Date
    var createdAt: Date
    var clientToken: String?

    var ruleValue: Value { (try? Value.parseJSON(rule)) ?? .map([:]) }
    var constraintsValue: Value { (try? Value.parseJSON(timeConstraints)) ?? .list([]) }

    /// The actions of a state.
    func actions(for state: String) -> [String] {
        switch state {
        case AlarmState.alarm: alarmActions
        case AlarmState.ok: okActions
        default: insufficientDataActions
        }
    }

    /// Aodh's JSON for the alarm.
    var json: Value {
        var body: [String: Value] = [
            "alarm_id": .string(id), "name": .string(name), "type": .string(type), "description": .string(description),
            "enabled": .bool(enabled), "severity": .string(severity), "state": .string(state), "state_reason": .string(stateReason),
            "state_timestamp": AlarmTime.value(stateTimestamp), "timestamp": AlarmTime.value(timestamp),
            "alarm_actions": .list(alarmActions.map(Value.string)), "ok_actions": .list(okActions.map(Value.string)),
            "insufficient_data_actions": .list(insufficientDataActions.map(Value.string)),
            "repeat_actions": .bool(repeatActions), "time_constraints": constraintsValue,
            "project_id": .string(projectID), "user_id": userID.map(Value.string) ?? .null,
        ]
        body[AlarmRequest.ruleKey(of: type)] = ruleValue
        return .map(body)
    }
}

/// Aodh's three states.
public enum AlarmState {
    public static let ok = "ok"
    public static let alarm = "alarm"
    public static let insufficientData = "insufficient data"
    public static let all: Set<String> = [ok, alarm, insufficientData]
}

/// Aodh's times: `2026-12-05T10:00:00.000000`, UTC without a zone.
enum AlarmTime {
    static func value(_ date: Date) -> Value {
        let whole = HeatTime.iso(date).dropLast()
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        return .string(whole + "." + String(format: "%06d", micros))
    }
}

/// Aodh, emulated: alarms of the project in the store, their history as rows under them.
/// The evaluator (`AlarmEvaluator`) moves their states.
extension EmulatedSession: AlarmService {
    static let alarmTypes: Set<String> = [
        "gnocchi_aggregation_by_resources_threshold", "gnocchi_resources_threshold", "gnocchi_aggregation_by_metrics_threshold",
        "threshold", "composite", "event",
    ]
    static let severities: Set<String> = ["low", "moderate", "critical"]
    /// History entries kept per alarm; older ones are dropped.
    static let historyLimit = 200

    func createAlarm(_ request: AlarmRequest) async throws -> String {
        try cloud.injectFault("alarm.create")
        try Self.check(request)
        let project = projectID
        return try await write { tables in
            if let token = request.clientToken, let row = try tables.raw.row(kind: EmulatedKind.token.rawValue, id: "alarm/\(token)") {
                return row.body
            }
            let id = UUID().uuidString.lowercased()
            let alarm = StoredAlarm(
                id: id, name: request.name, type: request.type, description: request.description, enabled: request.enabled,
                severity: request.severity, rule: request.rule.jsonText(), alarmActions: request.alarmActions,
                okActions: request.okActions, insufficientDataActions: request.insufficientDataActions,
                repeatActions: request.repeatActions, timeConstraints: request.timeConstraints.jsonText(), projectID: project,
                userID: request.userID, state: AlarmState.insufficientData, stateReason: "Not evaluated yet",
                stateTimestamp: tables.now, timestamp: tables.now, createdAt: tables.now, clientToken: request.clientToken)
            let existing: [StoredAlarm] = try tables.all(.alarm, project: project)
            if existing.contains(where: { $0.name == request.name }) {
                throw CloudError(.conflict, "Alarm with name='\(request.name)' exists")
            }
            try tables.put(.alarm, id, alarm, project: project, name: alarm.name)
            if let token = request.clientToken {
                try tables.raw.put(.init(kind: EmulatedKind.token.rawValue, id: "alarm/\(token)", projectID: project, body: id, createdAt: tables.now))
            }
            try Self.record(alarm, type: "creation", detail: alarm.json, in: tables)
            return id
        }
    }

    func updateAlarm(id: String, _ request: AlarmRequest) async throws {
        try Self.check(request)
        let project = projectID
        try await write { tables in
            guard var alarm: StoredAlarm = try tables.get(.alarm, id), alarm.projectID == project else {
                throw CloudError(.notFound, "Alarm \(id) not found in project \(project)")
            }
            alarm.name = request.name
            alarm.type = request.type
            alarm.description = request.description
            alarm.enabled = request.enabled
            alarm.severity = request.severity
            alarm.rule = request.rule.jsonText()
            alarm.alarmActions = request.alarmActions
            alarm.okActions = request.okActions
            alarm.insufficientDataActions = request.insufficientDataActions
            alarm.repeatActions = request.repeatActions
            alarm.timeConstraints = request.timeConstraints.jsonText()
            alarm.timestamp = tables.now
            try tables.put(.alarm, id, alarm, project: project, name: alarm.name, createdAt: alarm.createdAt)
            try Self.record(alarm, type: "rule change", detail: alarm.json, in: tables)
        }
    }

    func deleteAlarm(id: String) async throws {
        try cloud.injectFault("alarm.delete")
        let project = projectID
        try await write { tables in
            guard let alarm: StoredAlarm = try tables.get(.alarm, id), alarm.projectID == project else { return }
            try tables.raw.deleteRows(kind: EmulatedKind.alarmhistory.rawValue, parentID: id)
            try tables.delete(.alarm, id)
        }
    }

    func alarm(id: String) async throws -> Value? {
        let project = projectID
        return try await read { tables in
            guard let alarm: StoredAlarm = try tables.get(.alarm, id), alarm.projectID == project else { return nil }
            return alarm.json
        }
    }

    func alarms() async throws -> [Value] {
        let project = projectID
        return try await read { tables in
            let all: [StoredAlarm] = try tables.all(.alarm, project: project)
            return all.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map(\.json)
        }
    }

    func setAlarmState(id: String, state: String) async throws {
        guard AlarmState.all.contains(state) else {
            throw CloudError(.badRequest, "state invalid: \(state) (one of ok, alarm, insufficient data)")
        }
        let project = projectID
        try await write { tables in
            guard var alarm: StoredAlarm = try tables.get(.alarm, id), alarm.projectID == project else {
                throw CloudError(.notFound, "Alarm \(id) not found in project \(project)")
            }
            let previous = alarm.state
            alarm.state = state
            alarm.stateReason = "Manually set via API"
            alarm.stateTimestamp = tables.now
            try tables.put(.alarm, id, alarm, project: project, name: alarm.name, createdAt: alarm.createdAt)
            try Self.record(alarm, type: "state transition", detail: ["state": .string(state), "previous": .string(previous)], in: tables)
        }
    }

    func alarmHistory(id: String) async throws -> [Value] {
        let project = projectID
        return try await read { tables in
            guard let alarm: StoredAlarm = try tables.get(.alarm, id), alarm.projectID == project else {
                throw CloudError(.notFound, "Alarm \(id) not found in project \(project)")
            }
            let rows = try tables.raw.rows(kind: EmulatedKind.alarmhistory.rawValue, projectID: nil, parentID: alarm.id)
            return rows.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.compactMap { try? Value.parseJSON($0.body) }
        }
    }

    /// Refuses what Aodh's API refuses.
    static func check(_ request: AlarmRequest) throws {
        guard alarmTypes.contains(request.type) else {
            throw CloudError(.badRequest, "Invalid input for field/attribute type. Value: '\(request.type)'.")
        }
        guard severities.contains(request.severity) else {
            throw CloudError(.badRequest, "Invalid input for field/attribute severity. Value: '\(request.severity)'.")
        }
        guard !request.name.isEmpty else { throw CloudError(.badRequest, "Invalid input for field/attribute name.") }
        for action in request.alarmActions + request.okActions + request.insufficientDataActions {
            let scheme = action.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            guard ["http", "https", "trust+http", "trust+https", "log", "test"].contains(scheme.lowercased()) else {
                throw CloudError(.badRequest, "Unsupported action \(action)")
            }
        }
    }

    /// Adds a history entry (Aodh's shape) and drops the oldest beyond the limit.
    static func record(_ alarm: StoredAlarm, type: String, detail: Value, in tables: Tables) throws {
        let id = UUID().uuidString.lowercased()
        let entry: Value = [
            "event_id": .string(id), "alarm_id": .string(alarm.id), "type": .string(type), "detail": .string(detail.jsonText()),
            "timestamp": AlarmTime.value(tables.now), "on_behalf_of": .string(alarm.projectID), "project_id": .string(alarm.projectID),
            "user_id": alarm.userID.map(Value.string) ?? .null, "severity": .string(alarm.severity),
        ]
        try tables.raw.put(.init(
            kind: EmulatedKind.alarmhistory.rawValue, id: id, projectID: alarm.projectID, parentID: alarm.id, body: entry.jsonText(),
            createdAt: tables.now))
        let rows = try tables.raw.rows(kind: EmulatedKind.alarmhistory.rawValue, projectID: nil, parentID: alarm.id)
        if rows.count > historyLimit {
            for row in rows.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }).prefix(rows.count - historyLimit) {
                try tables.raw.delete(kind: row.kind, id: row.id)
            }
        }
    }
}
