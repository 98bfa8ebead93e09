import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// Marks a resource unhealthy (CHECK_FAILED with `reason`, so the next update replaces it) or,
    /// when `unhealthy` is false and it is CHECK_FAILED, healthy again (CHECK_COMPLETE); anything
    /// else is left as it is, as in Heat. A resource being deleted is never marked. The resource is
    /// named by its logical name or its physical id. The state change is committed with its event.
    @discardableResult
    public func markUnhealthy(
        _ stackNameOrID: String, resource nameOrPhysicalID: String, unhealthy: Bool, reason: String?,
        projectID: String = "default"
    ) async throws -> ResourceRecord {
        let stack = try await self.stack(stackNameOrID, projectID: projectID)
        var record = try await resource(in: stack, named: nameOrPhysicalID)
        // The stack's lease keeps a running operation from writing the resource meanwhile.
        if stack.status == .inProgress, !(try leaseLapsed(stack)) {
            throw EngineError.conflict("Stack \(stack.name) already has an action (\(stack.action.rawValue)) in progress.")
        }
        var claimed = stack
        guard try await claimOperation(&claimed) else {
            throw EngineError.conflict("Stack \(stack.name) already has an action (\(stack.action.rawValue)) in progress.")
        }
        guard let operation = claimed.owner else { return record }
        operations.ended(operation)

        let newStatus: Status
        if unhealthy, record.action != .delete {
            newStatus = .failed
        } else if !unhealthy, record.action == .check, record.status == .failed {
            newStatus = .complete
        } else {
            try await store.release(stackID: stack.id, owner: operation)
            return record
        }
        let text = reason.flatMap { $0.isEmpty ? nil : $0 } ?? "state changed by resource_mark_unhealthy api"
        record.action = .check
        record.status = newStatus
        record.statusReason = text
        record.updatedAt = Date()
        let event = EventRecord(
            stackID: stack.id, resourceName: record.name, physicalResourceID: record.physicalID ?? "",
            resourceType: record.type, action: .check, status: newStatus, reason: text)
        // Fenced by the claim, which the same commit gives up.
        var batch = StoreBatch(resources: [record], events: [event])
        batch.lease = (stack.id, operation)
        batch.releasesLease = true
        try await commit(batch, stack: stack)
        return record
    }

    /// A resource of the stack by logical name, else by physical id (Heat accepts either).
    func resource(in stack: StackRecord, named nameOrPhysicalID: String) async throws -> ResourceRecord {
        if let found = try await store.resource(stackID: stack.id, name: nameOrPhysicalID) { return found }
        let matches = try await store.resources(stackID: stack.id).filter { $0.physicalID == nameOrPhysicalID }
        guard let found = matches.first else {
            throw EngineError.notFound("The Resource (\(nameOrPhysicalID)) could not be found.")
        }
        if matches.count > 1 {
            throw EngineError.refused("Multiple resources were found with the physical ID (\(nameOrPhysicalID)).")
        }
        return found
    }
}
