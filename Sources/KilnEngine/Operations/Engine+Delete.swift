import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// Deletes the stack's resources and then the stack; carried to a final state.
    @discardableResult
    public func delete(_ nameOrID: String, projectID: String = "default", observer: EngineObserver? = nil) async throws -> StackRecord {
        var stack = try await self.stack(nameOrID, projectID: projectID)
        // Busy even when this engine runs the operation: two walks must never share a stack.
        if stack.status == .inProgress, !(try leaseLapsed(stack)) {
            let holder = holderDescription(stack).map { " (\($0) is running it)" } ?? ""
            throw EngineError.conflict("stack '\(stack.name)' is busy: \(stack.statusText)\(holder)")
        }
        guard try await claimStackOperation(&stack) else {
            throw EngineError.conflict("stack '\(stack.name)' is busy: \(stack.statusText)")
        }
        let loaded = try await load(stack)
        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: try await store.resources(stackID: stack.id), observer: observer)
        run.setStack(.delete, .inProgress, reason: "Stack DELETE started")
        try await run.flush()
        return try await runDelete(run)
    }

    func runDelete(_ run: StackRun) async throws -> StackRecord {
        try await withLease(run) {
            if let failure = try await run.deleteResources() {
                run.setStack(.delete, .failed, reason: failure)
                try await run.flush()
                return run.stack
            }
            run.setStack(.delete, .complete, reason: "Stack DELETE completed successfully")
            try await run.flush()
            // Kept as Heat keeps it: readable by id with its events, hidden from lists, purged
            // by age (`kiln stack purge --age DAYS`).
            loadedTemplates.forget(stackID: run.stack.id)
            return run.stack
        }
    }
}
