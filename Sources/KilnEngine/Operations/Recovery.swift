import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// Finds stacks whose operation was interrupted (the process running it died) and
    /// carries each to a final state: creates, deletes, updates and rollbacks resume where
    /// they stopped; other operations are marked FAILED with the reason. Run at start-up,
    /// and by `kiln serve` every lease TTL (taking over from engines that died), so no stack
    /// stays IN_PROGRESS forever.
    @discardableResult
    public func recover(observer: EngineObserver? = nil) async -> [StackRecord] {
        guard let candidates = try? await store.stacks(StackQuery(projectID: nil, statuses: ["IN_PROGRESS"], showNested: true))
        else { return [] }
        var recovered: [StackRecord] = []
        for var stack in candidates {
            // One waiting for a hook to be cleared stays as it is: resuming it here would hold
            // this process (every command, a server's start) until someone clears the hook.
            // Clearing it resumes it (`resumeAfterHookCleared`).
            if (try? await waitsOnHook(stack)) == true { continue }
            guard (try? leaseLapsed(stack)) == true, await (try? claimOperation(&stack)) == true else { continue }
            logger.notice("resuming an interrupted operation", metadata: [
                "stack": .string(stack.id), "stack_name": .string(stack.name), "action": .string(stack.action.rawValue),
            ])
            if let finished = try? await resume(stack, observer: observer) { recovered.append(finished) }
        }
        // A group killed while a signal resized it: its child stack was among the candidates.
        await resumeInterruptedScaling(children: candidates)
        // One killed before or after its child stack's update ran: its stack's claim is left behind.
        await resumeAbandonedScaling()
        return recovered
    }

    private func resume(_ stack: StackRecord, observer: EngineObserver?) async throws -> StackRecord {
        let records = try await store.resources(stackID: stack.id)
        let loaded: LoadedTemplate
        do {
            loaded = try await load(stack)
        } catch {
            return try await fail(stack, records: records, reason: "Engine stopped during \(stack.action.rawValue) and the stack's template could not be loaded again: \(error)", observer: observer)
        }
        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: records, observer: observer)
        switch stack.action {
        case .create:
            // Resources caught IN_PROGRESS are created again: native resources keep their
            // state only in the store, so nothing was half made outside it.
            return try await runCreate(stack, loaded: loaded, records: records, observer: observer)
        case .delete:
            return try await runDelete(run)
        case .rollback where stack.previousTemplateID == nil:
            return try await withLease(run) {
                if let failure = try await run.deleteResources() {
                    run.setStack(.rollback, .failed, reason: failure)
                } else {
                    run.setStack(.rollback, .complete, reason: "Stack ROLLBACK completed successfully")
                }
                try await run.flush()
                return run.stack
            }
        case .update, .rollback:
            // Beyond Heat (which marks them FAILED): an update carries on to the template it was
            // going to (stored on the stack with its start), an update's rollback to the
            // previous one (stored on the stack when the rollback began). The walk compares the
            // stored resources with the template, so what was done already is left as it is.
            // The parameters the update replaced are not kept, so a resumed update that fails
            // ends UPDATE_FAILED instead of rolling back.
            let action = stack.action
            return try await withLease(run) {
                if let failure = try await run.updateResources(action: action) {
                    run.setStack(action, .failed, reason: failure)
                } else {
                    run.setStack(action, .complete, reason: "Stack \(action.rawValue) completed successfully")
                }
                try await run.flush()
                return run.stack
            }
        default:
            return try await fail(stack, records: records, reason: "Engine stopped during \(stack.action.rawValue); the operation was not resumed", observer: observer)
        }
    }

    /// Marks the stack and its in-progress resources FAILED, with a FAILED event each.
    private func fail(_ stack: StackRecord, records: [ResourceRecord], reason: String, observer: EngineObserver?) async throws -> StackRecord {
        var batch = StoreBatch()
        var updated = stack
        updated.status = .failed
        updated.statusReason = reason
        updated.owner = nil
        updated.leaseExpiry = nil
        updated.updatedAt = Date()
        batch.stacks.append(updated)
        for var record in records where record.status == .inProgress {
            record.status = .failed
            record.statusReason = reason
            batch.resources.append(record)
            batch.events.append(EventRecord(
                stackID: stack.id, resourceName: record.name, physicalResourceID: record.physicalID ?? "",
                resourceType: record.type, action: record.action, status: .failed, reason: reason))
        }
        batch.events.append(EventRecord.ofStack(stack, stack.action, .failed, reason: reason))
        try await commit(batch, stack: updated)
        // The commit leaves the lease alone; give up the claim taken to recover.
        await endOperation(stack)
        if let observer { for event in batch.events { observer(event) } }
        return updated
    }
}
