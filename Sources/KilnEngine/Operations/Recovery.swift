import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// Finds stacks whose operation was interrupted (the process running it died) and
    /// carries each to a final state: creates, deletes, updates and rollbacks resume where
    /// they stopped; other operations (suspend, resume, check, ...) are marked FAILED with the reason. Run at start-up,
    /// and by `kiln serve` every lease TTL (taking over from engines that died), so no stack
    /// stays IN_PROGRESS forever.
    @discardableResult
    public func recover(observer: EngineObserver? = nil) async -> [StackRecord] {
        guard let candidates = try? await store.stacks(StackQuery(projectID: nil, statuses: ["IN_PROGRESS"], showNested: true))
        else { return [] }
        var recovered: [StackRecord] = [], claimed: [StackRecord] = []
        // A nested stack whose parent is IN_PROGRESS too is carried on by the parent's
        // operation (its resource applies the child again): resumed on its own first, it
        // would run twice, with twice the events.
        let interrupted = Set(candidates.map(\.id))
        for var stack in candidates where !(stack.parentID.map(interrupted.contains) ?? false) {
            // One waiting for a hook to be cleared stays as it is: resuming it here would hold
            // this process (every command, a server's start) until someone clears the hook.
            // Clearing it resumes it (`resumeAfterHookCleared`).
            if (try? await waitsOnHook(stack)) == true { continue }
            guard (try? leaseLapsed(stack)) == true, await (try? claimOperation(&stack, takingOver: true)) == true else { continue }
            // The list was read before the claim: the operation may have ended since (its final
            // state committed with its release, so the claim found the stack free). Holding the
            // claim now, read the stack again; only one still in the same operation is resumed.
            guard let current = try? await store.stack(id: stack.id), current.status == .inProgress,
                  current.action == stack.action
            else {
                await endOperation(stack)
                continue
            }
            let claimedBy = stack.owner, claimedUntil = stack.leaseExpiry
            stack = current
            stack.owner = claimedBy
            stack.leaseExpiry = claimedUntil
            LeaseMetrics.takeover()
            claimed.append(stack)
        }
        // All claimed first, then carried on side by side: an engine that died with ten
        // operations leaves ten to take over at once, not one after another (each holds only
        // its own stack; the scheduler bounds the work inside each).
        recovered = await withTaskGroup(of: StackRecord?.self) { group in
            for stack in claimed {
                group.addTask {
                    self.logger.notice("resuming an interrupted operation", metadata: [
                        "stack": .string(stack.id), "stack_name": .string(stack.name), "action": .string(stack.action.rawValue),
                    ])
                    return try? await self.resume(stack, observer: observer)
                }
            }
            var finished: [StackRecord] = []
            for await stack in group { if let stack { finished.append(stack) } }
            return finished
        }
        // A child whose parent's operation was not resumed (marked FAILED) is left to itself
        // now: one more pass carries it on.
        let skipped = candidates.contains { $0.parentID.map(interrupted.contains) ?? false }
        if skipped && !recovered.isEmpty { recovered += await recover(observer: observer) }
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
        case .update:
            // Beyond Heat (which marks it FAILED): the update is carried on to the template it
            // was bringing the stack to. What was done is unchanged now, what was under way is
            // done again (a half-made create finishes by its client token), and replaced
            // objects kept on record are deleted at the end. A failure ends it UPDATE_FAILED
            // (the parameters to roll back to were the dead engine's), to be retried.
            return try await withLease(run) {
                if let failure = try await run.updateResources(action: .update) {
                    run.setStack(.update, .failed, reason: failure)
                } else {
                    run.setStack(.update, .complete, reason: "Stack UPDATE completed successfully")
                }
                try await run.flush()
                return run.stack
            }
        case .rollback:
            // An update's rollback: carried on back to the previous template.
            guard let previousID = stack.previousTemplateID, let previous = try await store.template(id: previousID) else {
                return try await fail(stack, records: records, reason: "Engine stopped during ROLLBACK and the previous template is gone", observer: observer)
            }
            var target = stack
            target.templateID = previousID
            let back = StackRun(engine: self, stack: target, loaded: try await load(target, template: previous), records: records, observer: observer)
            return try await withLease(back) {
                if let failure = try await back.updateResources(action: .rollback) {
                    back.setStack(.rollback, .failed, reason: failure)
                } else {
                    back.setStack(.rollback, .complete, reason: "Stack ROLLBACK completed successfully")
                }
                try await back.flush()
                return back.stack
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
