import Foundation
import KilnModel
import KilnTemplate

/// Heat's JSON objects read back into Kiln's records, so one set of formatters prints both
/// the embedded engine's state and a server's.
enum HeatRecords {
    /// `2026-11-26T05:50:18Z`, with or without the zone, fractions or a space for the `T`.
    static func time(_ value: Value?) -> Date? {
        guard var text = value?.stringValue, text.count >= 19 else { return nil }
        text = String(text.prefix(19)).replacingOccurrences(of: " ", with: "T") + "Z"
        return try? Date(text, strategy: .iso8601)
    }

    /// `CREATE_IN_PROGRESS` → (CREATE, IN_PROGRESS).
    static func state(_ value: Value?) -> (Action, Status) {
        let text = value?.stringValue ?? ""
        for action in Action.allCases where text.hasPrefix(action.rawValue + "_") {
            let rest = String(text.dropFirst(action.rawValue.count + 1))
            return (action, Status(rawValue: rest) ?? .complete)
        }
        return (.initial, .complete)
    }

    static func text(_ map: [String: Value], _ key: String) -> String {
        guard let value = map[key], value != .null else { return "" }
        return value.stringValue ?? value.plainText
    }

    static func stack(_ body: Value) -> StackRecord {
        let map = body.mapValue ?? [:]
        let (action, status) = state(map["stack_status"])
        var parameters: [String: String] = [:]
        for (name, value) in map["parameters"]?.mapValue ?? [:] where !name.hasPrefix("OS::") {
            parameters[name] = value.stringValue ?? value.jsonText()
        }
        let tags: [String]
        switch map["tags"] {
        case .list(let items)?: tags = items.compactMap(\.stringValue)
        case .string(let joined)?: tags = joined.split(separator: ",").map(String.init)
        default: tags = []
        }
        var timeout: Int?
        if case .int(let minutes)? = map["timeout_mins"] { timeout = minutes }
        var rollback = true
        if case .bool(let flag)? = map["disable_rollback"] { rollback = flag }
        let project = map["project"]?.stringValue ?? map["stack_user_project_id"]?.stringValue ?? ""
        return StackRecord(
            id: text(map, "id"), name: text(map, "stack_name"), projectID: project, action: action, status: status,
            statusReason: text(map, "stack_status_reason"), parameters: parameters, tags: tags, timeoutMinutes: timeout,
            disableRollback: rollback, parentID: map["parent"]?.stringValue,
            createdAt: time(map["creation_time"]) ?? Date(timeIntervalSince1970: 0), updatedAt: time(map["updated_time"]))
    }

    /// A list of resources; `requires` is rebuilt from each resource's `required_by`.
    static func resources(_ list: [Value], stackID: String) -> [ResourceRecord] {
        var records = list.map { resource($0, stackID: stackID) }
        var requires: [String: [String]] = [:]
        for item in list {
            let map = item.mapValue ?? [:]
            for dependent in map["required_by"]?.listValue?.compactMap(\.stringValue) ?? [] {
                requires[dependent, default: []].append(text(map, "resource_name"))
            }
        }
        for index in records.indices { records[index].requires = (requires[records[index].name] ?? []).sorted() }
        return records
    }

    static func resource(_ body: Value, stackID: String) -> ResourceRecord {
        let map = body.mapValue ?? [:]
        let (action, status) = state(map["resource_status"])
        let physical = text(map, "physical_resource_id")
        return ResourceRecord(
            stackID: stackID, name: text(map, "resource_name"), type: text(map, "resource_type"),
            physicalID: physical.isEmpty ? nil : physical, action: action, status: status,
            statusReason: text(map, "resource_status_reason"), properties: map["properties"] ?? .map([:]),
            attributes: map["attributes"] ?? .map([:]), metadata: map["metadata"] ?? .map([:]),
            createdAt: time(map["creation_time"]) ?? Date(timeIntervalSince1970: 0), updatedAt: time(map["updated_time"]))
    }

    static func event(_ body: Value, stackID: String) -> EventRecord {
        let map = body.mapValue ?? [:]
        let (action, status) = state(map["resource_status"])
        let stackLink = map["links"]?.listValue?.first { $0.mapValue?["rel"]?.stringValue == "stack" }
        let parts = stackLink?.mapValue?["href"]?.stringValue?.split(separator: "/").map(String.init) ?? []
        let owner = parts.last ?? stackID
        // A nested stack's event names its resource as Heat does (`x`); Kiln shows it as
        // `child-stack/x`, the child's name taken from its stack link.
        var name = text(map, "resource_name")
        if owner != stackID, parts.count >= 2, !name.contains("/"), name != parts[parts.count - 2] {
            name = "\(parts[parts.count - 2])/\(name)"
        }
        return EventRecord(
            id: text(map, "id"), stackID: owner, resourceName: name,
            physicalResourceID: text(map, "physical_resource_id"), resourceType: text(map, "resource_type"),
            action: action, status: status, reason: text(map, "resource_status_reason"),
            timestamp: time(map["event_time"]) ?? Date(timeIntervalSince1970: 0))
    }

    static func snapshot(_ body: Value, stackID: String) -> SnapshotRecord {
        let map = body.mapValue ?? [:]
        return SnapshotRecord(
            id: text(map, "id"), stackID: stackID, name: text(map, "name"),
            status: Status(rawValue: text(map, "status")) ?? state(map["status"]).1,
            statusReason: text(map, "status_reason"), templateID: nil, data: map["data"] ?? .map([:]),
            createdAt: time(map["creation_time"]) ?? Date(timeIntervalSince1970: 0))
    }
}
