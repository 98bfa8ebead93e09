import Foundation
import KilnModel
import KilnStore

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
        // The request is kept as the stack's state (and shown as an event); the process running
        // the operation sees it: at once if it is this one, else at its watcher's next look.
        let request: CancelRequest = rollback ? .rollBack : .stopHere
        var batch = StoreBatch(events: [EventRecord.ofStack(
            stack, stack.action, .inProgress, reason: rollback ? Engine.cancelRequest : Engine.cancelWithoutRollbackRequest)])
        batch.cancelRequest = (stack.id, request.rawValue)
        try await commit(batch, stack: stack)
        if let operation = stack.owner { operations.stop(operation)?.request(request) }
    }

    /// Runs an operation's main resource walk with `run.stop` set: a cancel request (from this
    /// process, or read from the store by a watcher for requests made elsewhere) stops the walk,
    /// which interrupts the resources in flight. Returns the failure and the request that
    /// stopped it, if any.
    func watchingForCancel(
        _ run: StackRun, _ walkResources: () async throws -> String?
    ) async throws -> (failure: String?, cancel: CancelRequest?) {
        guard let operation = run.leaseOwner, let stop = operations.stop(operation) else {
            return (try await walkResources(), nil)
        }
        let store = self.store, id = run.stack.id
        run.stop = stop
        // A nested stack's operation stops when its parent's does.
        let enclosing = OperationStop.enclosing
        let forwarding = enclosing?.onRequest { [stop] in stop.request(enclosing?.requested ?? .stopHere) }
        defer {
            run.stop = nil
            if let forwarding { enclosing?.remove(forwarding) }
        }
        let failure: String? = try await withThrowingTaskGroup(of: Void.self) { group in
            // Requests made in another process reach this one through the stack's state.
            group.addTask {
                while !Task.isCancelled, stop.requested == nil {
                    try? await Task.sleep(nanoseconds: 200_000_000)
                    if Task.isCancelled { break }
                    if let text = try? await store.cancelRequest(stackID: id), let request = CancelRequest(rawValue: text) {
                        stop.request(request)
                    }
                }
            }
            defer { group.cancelAll() }
            return try await walkResources()
        }
        if let request = stop.requested { return ("Stack \(run.stack.action.rawValue) cancelled", request) }
        return (failure, nil)
    }
}
