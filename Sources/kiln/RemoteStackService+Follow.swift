import Foundation
import KilnClient
import KilnEngine
import KilnModel

/// Following a running operation on the server. Kiln's server pushes the events as it commits
/// them (`events/stream`), so they are shown as they happen without a request every half
/// second; a server without the stream (stock Heat answers 404) is polled as the openstack
/// client does. Either way the same events are shown, in order, each once.
extension RemoteStackService {
    /// Shows the events after `marker` as they come until the stack leaves IN_PROGRESS; the
    /// stack then.
    func follow(_ stack: StackRecord, after marker: String?, observer: EngineObserver?) async throws -> StackRecord {
        var newest: EventRecord?
        do {
            try await client.followEvents(stack, after: marker) { event in
                observer?(event)
                newest = event
            }
        } catch let error as KilnClientError where error.isMissingStream {
            return try await poll(stack, after: newest?.id ?? marker, newest: newest, observer: observer)
        }
        // The server ended the stream: the stack is in a final state, or was deleted.
        guard let now = try await refreshed(stack) else { return gone(stack, newest: newest, observer: observer) }
        if now.status == .inProgress {
            // Another operation started as this one ended: follow it too, as polling would.
            return try await poll(stack, after: newest?.id ?? marker, newest: newest, observer: observer)
        }
        return finished(stack, now, newest: newest, observer: observer)
    }

    /// `kiln stack event list --follow`: the events after `after` (of `resource` only) as they
    /// come, until the stack is final or gone; polled when the server has no stream.
    func followEvents(_ stack: StackRecord, resource: String?, after: EventRecord?, observer: EngineObserver) async throws {
        var shown = after
        do {
            try await client.followEvents(stack, after: after?.id) { event in
                guard resource == nil || event.resourceName == resource else { return }
                observer(event)
                shown = event
            }
        } catch let error as KilnClientError where error.isMissingStream {
            try await pollEvents(stack, resource: resource, after: shown, observer: observer)
        }
    }

    /// Polls the events after `marker` until the stack leaves IN_PROGRESS; the stack then. A
    /// stack that disappears was deleted: its events went with it, so the final one is shown
    /// from what is known (the server removes a stack only when its delete completed).
    private func poll(
        _ stack: StackRecord, after marker: String?, newest: EventRecord?, observer: EngineObserver?
    ) async throws -> StackRecord {
        var marker = marker
        var newest = newest
        var last = stack
        while true {
            guard let fresh = try await newEvents(stack, after: marker) else { break }
            for event in fresh { observer?(event) }
            if let event = fresh.last {
                marker = event.id
                newest = event
            }
            guard let now = try await refreshed(stack) else { break }
            last = now
            if now.status != .inProgress {
                let final = try await newEvents(stack, after: marker) ?? []
                for event in final { observer?(event) }
                return finished(stack, now, newest: final.last ?? newest, observer: observer)
            }
            try await Task.sleep(nanoseconds: pollInterval)
        }
        return gone(last, newest: newest, observer: observer)
    }

    /// The stack in its final state. A delete can complete and purge the stack, events and
    /// all, between reading its events and its state: its final line is then shown from the
    /// state read.
    private func finished(_ stack: StackRecord, _ now: StackRecord, newest: EventRecord?, observer: EngineObserver?) -> StackRecord {
        if let event = newest, event.resourceName == stack.name, event.statusText == now.statusText { return now }
        observer?(EventRecord(
            stackID: stack.id, resourceName: stack.name, physicalResourceID: stack.id, resourceType: "OS::Heat::Stack",
            action: now.action, status: now.status, reason: now.statusReason))
        return now
    }

    /// The stack after the server removed it: its delete completed.
    private func gone(_ last: StackRecord, newest: EventRecord?, observer: EngineObserver?) -> StackRecord {
        var gone = last
        gone.action = .delete
        gone.status = .complete
        gone.statusReason = "Stack DELETE completed successfully"
        if newest.map({ $0.resourceName == last.name && $0.statusText == "DELETE_COMPLETE" }) != true {
            // Purged, events and all, before the first read: the delete that was asked for
            // started and ended; show both, as the server recorded them.
            if newest == nil {
                observer?(EventRecord(
                    stackID: last.id, resourceName: last.name, physicalResourceID: last.id, resourceType: "OS::Heat::Stack",
                    action: .delete, status: .inProgress, reason: "Stack DELETE started"))
            }
            observer?(EventRecord(
                stackID: last.id, resourceName: last.name, physicalResourceID: last.id, resourceType: "OS::Heat::Stack",
                action: .delete, status: .complete, reason: gone.statusReason))
        }
        return gone
    }

    /// The events after `marker`, or nil when the stack is gone.
    private func newEvents(_ stack: StackRecord, after marker: String?) async throws -> [EventRecord]? {
        do {
            return try await client.events(stack, marker: marker)
        } catch where error.isNotFound {
            return nil
        }
    }
}
