import Foundation
import KilnModel
import KilnStore

/// Every commit that records events goes through here: the notifications those events cause
/// (for the stack's environment `event_sinks` and the server's sinks) join the same batch, so
/// a state change and its notifications are committed together or not at all.
extension Engine {
    /// The sinks a stack's notifications go to: its environment's, then the server's.
    func sinks(of loaded: LoadedTemplate?) -> [EventSink] {
        let own = loaded?.environment.eventSinks.compactMap(EventSink.init) ?? []
        return own + serverSinks
    }

    /// Commits the batch with the notifications of its events (and `extra` ones). `loaded`, the
    /// stack's template (for its sinks and description), is loaded (cached) when not given.
    func commit(_ batch: StoreBatch, stack: StackRecord, loaded: LoadedTemplate? = nil, extra: [OutboxNotification] = [])
        async throws
    {
        var batch = batch
        if !batch.events.isEmpty || !extra.isEmpty {
            var template = loaded
            if template == nil { template = try? await load(stack) }
            let sinks = sinks(of: template)
            if !sinks.isEmpty {
                var stacks: [String: StackRecord] = [stack.id: stack]
                for record in batch.stacks { stacks[record.id] = record }
                let builder = NotificationBuilder(sinks: sinks, publisher: publisherID)
                batch.notifications += builder.notifications(
                    for: batch.events, stacks: stacks, description: template?.template.description)
                batch.notifications += extra
                batch.sinks = sinks
            }
        }
        try await store.commit(batch)
        if !batch.notifications.isEmpty { outboxBell.ring() }
    }

    /// The notifications of a new stack's first event, for `createStack`.
    func notifications(of event: EventRecord, stack: StackRecord, loaded: LoadedTemplate) -> NotificationBatch {
        let sinks = sinks(of: loaded)
        guard !sinks.isEmpty else { return NotificationBatch() }
        let builder = NotificationBuilder(sinks: sinks, publisher: publisherID)
        return NotificationBatch(
            notifications: builder.notifications(
                for: [event], stacks: [stack.id: stack], description: loaded.template.description),
            sinks: sinks)
    }

    /// Heat's autoscaling notification for a resize of `group` in the run's stack.
    func scalingNotification(_ suffix: String, run: StackRun, group: String, adjustment: Value, adjustmentType: String,
                             capacity: Int, message: String) -> [OutboxNotification] {
        let sinks = sinks(of: run.loaded)
        guard !sinks.isEmpty else { return [] }
        return NotificationBuilder(sinks: sinks, publisher: publisherID).scaling(
            suffix, stack: run.stack, description: run.loaded.template.description, group: group, adjustment: adjustment,
            adjustmentType: adjustmentType, capacity: capacity, message: message)
    }
}
