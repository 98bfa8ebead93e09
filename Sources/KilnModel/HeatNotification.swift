import Foundation

/// Heat's notifications (oslo's envelope: `message_id`, `publisher_id`, `event_type`, `priority`,
/// `payload`, `timestamp`), made from the records that caused them:
/// `orchestration.stack.<action>.<start|end|error>` for a stack's events (Heat's payload:
/// tenant_id, stack_identity, stack_name, state, state_reason, create_at, updated_at, tags),
/// `orchestration.resource.<action>.<start|end|error>` for a resource's (the same plus Heat's
/// event fields), `orchestration.autoscaling.<start|end|error>` for a group's resize. An
/// event's notification has the event's id, so it is the same for every sink and retry.
public enum HeatNotification {
    /// Heat's `start` / `end` / `error` for a status.
    public static func suffix(_ status: Status) -> String {
        switch status {
        case .inProgress: "start"
        case .complete: "end"
        case .failed: "error"
        }
    }

    public static func isStackEvent(_ event: EventRecord) -> Bool {
        event.resourceType == "OS::Heat::Stack" && event.physicalResourceID == event.stackID
    }

    public static func eventType(of event: EventRecord) -> String {
        "orchestration.\(isStackEvent(event) ? "stack" : "resource").\(event.action.rawValue.lowercased()).\(suffix(event.status))"
    }

    /// Heat's notification body of a stack (`format_notification_body`). Kiln keeps no user on
    /// a stack, so the user fields are null.
    public static func stackBody(_ stack: StackRecord, state: String? = nil, reason: String? = nil) -> [String: Value] {
        [
            "tenant_id": .string(stack.projectID),
            "user_id": .null, "user_identity": .null, "username": .null,
            "stack_identity": .string(stack.id),
            "stack_name": .string(stack.name),
            "state": .string(state ?? stack.statusText),
            "state_reason": .string(reason ?? stack.statusReason),
            "create_at": .string(HeatTime.iso(stack.createdAt)),
            "updated_at": stack.updatedAt.map { .string(HeatTime.iso($0)) } ?? .null,
            "tags": stack.tags.isEmpty ? .null : .list(stack.tags.map(Value.string)),
        ]
    }

    /// The notification of an event. `stackState` is the stack's state (and reason) when the
    /// event happened: the event's own for a stack event.
    public static func of(_ event: EventRecord, stack: StackRecord, stackState: (String, String)?, publisher: String)
        -> Value
    {
        var payload: [String: Value]
        if isStackEvent(event) {
            payload = stackBody(stack, state: event.statusText, reason: event.reason)
        } else {
            payload = stackBody(stack, state: stackState?.0, reason: stackState?.1)
            payload["resource_name"] = .string(event.resourceName)
            payload["physical_resource_id"] = .string(event.physicalResourceID)
            payload["resource_type"] = .string(event.resourceType)
            payload["resource_action"] = .string(event.action.rawValue)
            payload["resource_status"] = .string(event.status.rawValue)
            payload["resource_status_reason"] = .string(event.reason)
        }
        return envelope(id: event.id, type: eventType(of: event), priority: event.status == .failed ? "ERROR" : "INFO",
                        payload: payload, publisher: publisher, at: event.timestamp)
    }

    /// Heat's `orchestration.autoscaling.*` notification of a group's resize.
    public static func scaling(_ suffix: String, stack: StackRecord, group: String, adjustment: Value, adjustmentType: String,
                               capacity: Int, message: String, publisher: String) -> Value {
        var payload = stackBody(stack)
        payload["adjustment"] = adjustment
        payload["adjustment_type"] = .string(adjustmentType)
        payload["capacity"] = .int(capacity)
        payload["groupname"] = .string(group)
        payload["message"] = .string(message)
        return envelope(id: UUID().uuidString.lowercased(), type: "orchestration.autoscaling.\(suffix)",
                        priority: suffix == "error" ? "ERROR" : "INFO", payload: payload, publisher: publisher, at: Date())
    }

    static func envelope(id: String, type: String, priority: String, payload: [String: Value], publisher: String, at time: Date)
        -> Value
    {
        .map([
            "message_id": .string(id), "publisher_id": .string(publisher), "event_type": .string(type),
            "priority": .string(priority), "payload": .map(payload), "timestamp": .string(osloTime(time)),
        ])
    }

    /// This host's publisher id: `orchestration.HOST`.
    public static let publisher = "orchestration.\(ProcessInfo.processInfo.hostName)"

    /// oslo.messaging's notification time: `2026-12-05 14:22:01.123456`, UTC.
    public static func osloTime(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let micros = min(999_999, Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded(.down)))
        let whole = HeatTime.log(Date(timeIntervalSince1970: seconds)).dropLast()
        let digits = String(micros)
        return whole + "." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
