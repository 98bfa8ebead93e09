import Foundation
import KilnModel
import KilnStore

/// What a cancel request asks of the running operation.
enum CancelRequest: Sendable {
    /// Heat's cancel_update: stop the update and roll back to the previous template.
    case rollBack
    /// Heat's cancel_without_rollback: stop the create or update where it is, leaving it FAILED.
    case stopHere
}

extension Engine {
    /// The reasons of the stack events that ask a running operation to stop.
    static let cancelRequest = "Stack UPDATE cancel requested"
    static let cancelWithoutRollbackRequest = "Stack cancel requested without rollback"

    /// Asks the process running the stack's operation to stop: with `rollback` (Heat's
    /// cancel_update) an update stops and rolls back to its previous template; without it
    /// (cancel_without_rollback) a create or an update stops where it is and ends FAILED.
    /// Resources in flight are interrupted, none is started.
    ///
    /// The request is an appended event, not a change to the stack's row: it can never
    /// overwrite what the operation itself commits (a late request is only a stray event).
    public func cancelUpdate(_ nameOrID: String, projectID: String = "default", rollback: Bool = true) async throws {
        let stack = try await self.stack(nameOrID, projectID: projectID)
        let cancellable: Set<Action> = rollback ? [.update] : [.update, .create]
        guard stack.status == .inProgress, cancellable.contains(stack.action) else {
            let expected = rollback ? "UPDATE_IN_PROGRESS" : "CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS"
            throw EngineError.refused("cannot cancel stack '\(stack.name)': it is \(stack.statusText), not \(expected)")
        }
        try await store.commit(StoreBatch(events: [EventRecord(
            stackID: stack.id, resourceName: stack.name, physicalResourceID: stack.id, resourceType: "OS::Heat::Stack",
            action: stack.action, status: .inProgress,
            reason: rollback ? Engine.cancelRequest : Engine.cancelWithoutRollbackRequest)]))
    }

    /// Runs an operation's resource walk while watching the store for a cancel request (from
    /// this process or another); a request cancels the walk's task, which interrupts the
    /// resources in flight. Returns the failure and the cancel request that stopped it, if any.
    func watchingForCancel(
        _ run: StackRun, startedBy startReason: String, _ walkResources: @escaping @Sendable () async throws -> String?
    ) async throws -> (failure: String?, cancel: CancelRequest?) {
        let store = self.store, id = run.stack.id, name = run.stack.name
        // From the operation's start event on: a request can only follow it (it needs *_IN_PROGRESS).
        let since = try await store.events(stackID: id, resourceName: name, after: nil, limit: nil)
            .last { $0.reason == startReason }?.sequence
        let requested = CancelBox()
        let walk = Task { try await walkResources() }
        let watcher = Task.detached {
            var seen = since
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 200_000_000)
                let events = await (try? store.events(stackID: id, resourceName: name, after: seen, limit: nil)) ?? []
                seen = events.last?.sequence ?? seen
                let request: CancelRequest? = events.lazy.compactMap { event in
                    switch event.reason {
                    case Engine.cancelRequest: .rollBack
                    case Engine.cancelWithoutRollbackRequest: .stopHere
                    default: nil
                    }
                }.first
                if let request {
                    requested.set(request)
                    walk.cancel()
                    return
                }
            }
        }
        defer { watcher.cancel() }
        let failure = try await withTaskCancellationHandler { try await walk.value } onCancel: { walk.cancel() }
        if let request = requested.value { return ("Stack \(run.stack.action.rawValue) cancelled", request) }
        return (failure, nil)
    }
}

/// Set once, read by another task.
final class CancelBox: @unchecked Sendable {
    private let lock = NSLock()
    private var request: CancelRequest?

    func set(_ value: CancelRequest) {
        lock.lock()
        request = value
        lock.unlock()
    }

    var value: CancelRequest? {
        lock.lock()
        defer { lock.unlock() }
        return request
    }
}
