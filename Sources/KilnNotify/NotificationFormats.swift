import Foundation
import KilnModel

/// What a sink receives for an outbox notification (stored as Heat's notification).
public enum NotificationFormats {
    /// The body a sink gets: Heat's notification (`heat`), a CloudEvents 1.0 structured event
    /// (`cloudevents`), or for a `zaqar-queue` Heat's own event document.
    public static func render(_ notification: OutboxNotification, for sink: EventSink) -> Value {
        switch sink.kind {
        case .zaqarQueue: heatEvent(notification)
        case .webhook:
            switch sink.format {
            case .heat: notification.body
            case .cloudevents: cloudEvent(notification)
            }
        }
    }

    /// CloudEvents 1.0: the notification's id, its stack as source and subject, Heat's event
    /// type under `org.openstack.`, its payload as data.
    static func cloudEvent(_ notification: OutboxNotification) -> Value {
        let fields = notification.body.mapValue ?? [:]
        let payload = fields["payload"]?.mapValue ?? [:]
        var subject = notification.stackID
        if let resource = payload["resource_name"]?.stringValue { subject += "/resources/\(resource)" }
        return .map([
            "specversion": "1.0",
            "id": .string(notification.id),
            "source": .string("/v1/\(notification.projectID)/stacks/\(payload["stack_name"]?.stringValue ?? "")/\(notification.stackID)"),
            "type": .string("org.openstack.\(notification.eventType)"),
            "subject": .string(subject),
            "time": .string(HeatTime.iso(notification.createdAt)),
            "datacontenttype": "application/json",
            "data": fields["payload"] ?? .map([:]),
        ])
    }

    /// Heat's event document (`os.heat.event`), as Heat posts each event to a Zaqar sink; an
    /// autoscaling notification, which is no event, goes as Heat's notification.
    static func heatEvent(_ notification: OutboxNotification) -> Value {
        let fields = notification.body.mapValue ?? [:]
        let payload = fields["payload"]?.mapValue ?? [:]
        guard !notification.eventType.hasPrefix("orchestration.autoscaling.") else { return notification.body }
        let isStack = notification.eventType.hasPrefix("orchestration.stack.")
        let state = payload["state"]?.stringValue ?? ""
        let (action, status): (String, String) = {
            guard isStack else {
                return (payload["resource_action"]?.stringValue ?? "", payload["resource_status"]?.stringValue ?? "")
            }
            for suffix in ["_IN_PROGRESS", "_COMPLETE", "_FAILED"] where state.hasSuffix(suffix) {
                return (String(state.dropLast(suffix.count)), String(suffix.dropFirst()))
            }
            return (state, "")
        }()
        // Typed apart: `Value.map` is overloaded (a ValueMap or a dictionary), too much for one expression.
        let body: [String: Value] = [
            "resource_name": isStack ? payload["stack_name"] ?? .null : payload["resource_name"] ?? .null,
            "physical_resource_id": isStack ? .string(notification.stackID) : payload["physical_resource_id"] ?? .null,
            "stack_id": .string(notification.stackID),
            "resource_action": .string(action),
            "resource_status": .string(status),
            "resource_status_reason": isStack ? payload["state_reason"] ?? .null : payload["resource_status_reason"] ?? .null,
            "resource_type": isStack ? "OS::Heat::Stack" : payload["resource_type"] ?? .null,
            "resource_properties": Value.map([String: Value]()),
            "version": "0.1",
        ]
        return .map([
            "id": .string(notification.id),
            "timestamp": .string(HeatTime.iso(notification.createdAt)),
            "version": "0.1",
            "type": "os.heat.event",
            "payload": .map(body),
        ])
    }
}
