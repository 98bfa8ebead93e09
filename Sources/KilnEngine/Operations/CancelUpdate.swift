import Foundation
import KilnStore

extension Engine {
    /// The reason of the stack event that asks a running update to stop.
    static let cancelRequest = "Stack UPDATE cancel requested"

    /// Asks the process running the stack's update to stop and roll back (Heat's
    /// cancel_update). Resources in flight are interrupted, none is started, and the stack
    /// rolls back to its previous template.
    ///
    /// The request is an appended event, not a change to the stack's row: it can never
    /// overwrite what the update itself commits (a late request is only a stray event).
    public func cancelUpdate(_ nameOrID: String, projectID: String = "default") throws {
        let stack = try self.stack(nameOrID, projectID: projectID)
        guard stack.action == .update, stack.status == .inProgress else {
            throw EngineError.refused("cannot cancel stack '\(stack.name)': it is \(stack.statusText), not UPDATE_IN_PROGRESS")
        }
        try store.commit(StoreBatch(events: [EventRecord(
            stackID: stack.id, resourceName: stack.name, physicalResourceID: stack.id, resourceType: "OS::Heat::Stack",
            action: .update, status: .inProgress, reason: Engine.cancelRequest)]))
    }

    /// Runs the update's resource walk while watching the store for a cancel request (from
    /// this process or another); a request cancels the walk's task, which interrupts the
    /// resources in flight. Returns the failure, and whether it was a cancel.
    func updateWatchingForCancel(_ run: StackRun) async throws -> (failure: String?, cancelled: Bool) {
        let store = self.store, id = run.stack.id, name = run.stack.name
        // From the update's start event on: a request can only follow it (it needs UPDATE_IN_PROGRESS).
        let since = try store.events(stackID: id, resourceName: name, after: nil, limit: nil)
            .last { $0.reason == "Stack UPDATE started" }?.sequence
        let requested = CancelFlag()
        let walk = Task { try await run.updateResources(action: .update) }
        let watcher = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 200_000_000)
                let events = (try? store.events(stackID: id, resourceName: name, after: since, limit: nil)) ?? []
                if events.contains(where: { $0.reason == Engine.cancelRequest }) {
                    requested.set()
                    walk.cancel()
                    return
                }
            }
        }
        defer { watcher.cancel() }
        let failure = try await withTaskCancellationHandler { try await walk.value } onCancel: { walk.cancel() }
        if requested.isSet { return ("Stack UPDATE cancelled", true) }
        return (failure, false)
    }
}

/// Set once, read by another task.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
