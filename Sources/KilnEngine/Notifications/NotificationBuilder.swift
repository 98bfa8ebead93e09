import Foundation
import KilnModel
import KilnStore

/// Turns the events of a commit into Heat's notifications for the outbox, one row per sink
/// that wants each: `orchestration.stack.<action>.<start|end|error>` for stack events (Heat's
/// payload: tenant_id, stack_identity, stack_name, state, state_reason, create_at, updated_at,
/// tags, description), `orchestration.resource.<action>.<start|end|error>` for resource events
/// (the same plus Heat's event fields), and `orchestration.autoscaling.<start|end|error>` for
/// group resizes. A notification's id is its event's id, stable across sinks and retries.
struct NotificationBuilder {
    let sinks: [EventSink]
    let publisher: String

    /// Heat's `start` / `end` / `error` for a status.
    static func suffix(_ status: Status) -> String {
        switch status {
        case .inProgress: "start"
        case .complete: "end"
        case .failed: "error"
        }
    }

    /// Heat's notification body of a stack (`format_notification_body`). Kiln keeps no user on
    /// a stack, so the user fields are null.
    static func stackBody(_ stack: StackRecord, description: String?) -> [String: Value] {
        var body: [String: Value] = [
            "tenant_id": .string(stack.projectID),
            "user_id": .null, "user_identity": .null, "username": .null,
            "stack_identity": .string(stack.id),
            "stack_name": .string(stack.name),
            "state": .string(stack.statusText),
            "state_reason": .string(stack.statusReason),
            "create_at": .string(HeatTime.iso(stack.createdAt)),
            "updated_at": stack.updatedAt.map { .string(HeatTime.iso($0)) } ?? .null,
            "tags": stack.tags.isEmpty ? .null : .list(stack.tags.map(Value.string)),
        ]
        if let description { body["description"] = .string(description) }
        return body
    }

    /// The notifications of `events`; `stacks` gives each stack's state as of the commit.
    func notifications(for events: [EventRecord], stacks: [String: StackRecord], description: String?) -> [OutboxNotification] {
        var out: [OutboxNotification] = []
        for event in events {
            guard let stack = stacks[event.stackID] else { continue }
            var payload = Self.stackBody(stack, description: description)
            let kind: String
            if event.resourceType == "OS::Heat::Stack" && event.physicalResourceID == event.stackID {
                kind = "stack"
                // The stack's state at this event (a batch may hold several of its steps).
                payload["state"] = .string(event.statusText)
                payload["state_reason"] = .string(event.reason)
            } else {
                kind = "resource"
                payload["resource_name"] = .string(event.resourceName)
                payload["physical_resource_id"] = .string(event.physicalResourceID)
                payload["resource_type"] = .string(event.resourceType)
                payload["resource_action"] = .string(event.action.rawValue)
                payload["resource_status"] = .string(event.status.rawValue)
                payload["resource_status_reason"] = .string(event.reason)
            }
            let type = "orchestration.\(kind).\(event.action.rawValue.lowercased()).\(Self.suffix(event.status))"
            add(id: event.id, type: type, priority: event.status == .failed ? "ERROR" : "INFO", payload: payload,
                stack: stack, at: event.timestamp, to: &out)
        }
        return out
    }

    /// Heat's `orchestration.autoscaling.*` notification of a group resize.
    func scaling(_ suffix: String, stack: StackRecord, description: String?, group: String, adjustment: Value,
                 adjustmentType: String, capacity: Int, message: String) -> [OutboxNotification] {
        var payload = Self.stackBody(stack, description: description)
        payload["adjustment"] = adjustment
        payload["adjustment_type"] = .string(adjustmentType)
        payload["capacity"] = .int(capacity)
        payload["groupname"] = .string(group)
        payload["message"] = .string(message)
        var out: [OutboxNotification] = []
        add(id: UUID().uuidString.lowercased(), type: "orchestration.autoscaling.\(suffix)",
            priority: suffix == "error" ? "ERROR" : "INFO", payload: payload, stack: stack, at: Date(), to: &out)
        return out
    }

    private func add(id: String, type: String, priority: String, payload: [String: Value], stack: StackRecord, at time: Date,
                     to out: inout [OutboxNotification]) {
        let wanting = sinks.filter { $0.accepts(type) }
        guard !wanting.isEmpty else { return }
        let body: Value = .map([
            "message_id": .string(id), "publisher_id": .string(publisher), "event_type": .string(type),
            "priority": .string(priority), "payload": .map(payload), "timestamp": .string(Self.osloTime(time)),
        ])
        for sink in wanting {
            out.append(OutboxNotification(
                id: id, sinkID: sink.id, stackID: stack.id, projectID: stack.projectID, eventType: type, body: body,
                createdAt: time))
        }
    }

    /// oslo.messaging's notification time: `2026-12-05 14:22:01.123456`, UTC.
    static func osloTime(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let micros = min(999_999, Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded(.down)))
        let whole = HeatTime.log(Date(timeIntervalSince1970: seconds)).dropLast()
        let digits = String(micros)
        return whole + "." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
