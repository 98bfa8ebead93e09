import Foundation
import KilnModel
import KilnStore

/// Every commit that records events goes through here. An event is its own notification: the
/// batch only carries the stack's sinks, so each gets a cursor on the stack's events if it has
/// none (in the same transaction), and the dispatcher delivers from the events. Notifications
/// that are no event (autoscaling) join the batch as outbox rows. Nothing per event is written
/// beyond the event itself, so sinks cost a commit almost nothing.
extension Engine {
    /// The sinks a stack's notifications go to: its environment's, then the server's.
    func sinks(of loaded: LoadedTemplate?) -> [EventSink] {
        let own = loaded?.environment.eventSinks.compactMap(EventSink.init) ?? []
        return own + serverSinks
    }

    /// Commits the batch with the stack's sinks (and `extra` notifications). `loaded`, the
    /// stack's template (for its sinks), is loaded (cached) when not given; `sinks`, when given,
    /// are the stack's already worked out. `subscribe: false` when the stack's cursors are known
    /// to exist (a run's later commits), so the commit adds nothing for notifications at all.
    func commit(_ batch: StoreBatch, stack: StackRecord, loaded: LoadedTemplate? = nil, extra: [OutboxNotification] = [],
                sinks known: [EventSink]? = nil, subscribe: Bool = true) async throws
    {
        var batch = batch
        var notifying = false
        if !batch.events.isEmpty || !extra.isEmpty {
            var template = loaded
            if template == nil, known == nil { template = try? await load(stack) }
            let sinks = known ?? sinks(of: template)
            notifying = !sinks.isEmpty
            if notifying, subscribe {
                batch.subscription = NotificationSubscription(stackID: stack.id, projectID: stack.projectID, sinks: sinks)
            }
            if notifying { batch.notifications += extra }
        }
        try await store.commit(batch)
        if notifying { outboxBell.ring() }
    }

    /// A new stack's sinks, for `createStack`.
    func subscription(of stack: StackRecord, loaded: LoadedTemplate) -> NotificationSubscription? {
        let sinks = sinks(of: loaded)
        return sinks.isEmpty ? nil : NotificationSubscription(stackID: stack.id, projectID: stack.projectID, sinks: sinks)
    }

    /// Heat's autoscaling notification for a resize of `group` in the run's stack, one outbox
    /// row per sink that wants it.
    func scalingNotification(_ suffix: String, run: StackRun, group: String, adjustment: Value, adjustmentType: String,
                             capacity: Int, message: String) -> [OutboxNotification] {
        let sinks = sinks(of: run.loaded)
        let type = "orchestration.autoscaling.\(suffix)"
        let wanting = sinks.filter { $0.accepts(type) }
        guard !wanting.isEmpty else { return [] }
        let body = HeatNotification.scaling(
            suffix, stack: run.stack, group: group, adjustment: adjustment, adjustmentType: adjustmentType, capacity: capacity,
            message: message, publisher: HeatNotification.publisher)
        let id = body["message_id"].stringValue ?? UUID().uuidString.lowercased()
        return wanting.map {
            OutboxNotification(id: id, sinkID: $0.id, stackID: run.stack.id, projectID: run.stack.projectID, eventType: type, body: body)
        }
    }
}
