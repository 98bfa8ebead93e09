import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// Heat's abandon: returns everything needed to adopt the stack elsewhere, then forgets
    /// the stack without deleting its resources.
    public func abandon(_ nameOrID: String, projectID: String = "default") async throws -> Value {
        let stack = try await self.stack(nameOrID, projectID: projectID)
        try ensureIdle(stack, for: "abandon")
        let data = try await abandonData(stack)
        // As Heat's abandon (a delete that keeps the resources): the stack's DELETE events,
        // so sinks hear of it, committed with its final state; then it is purged (once its
        // notifications are delivered).
        var gone = stack
        gone.action = .delete
        gone.status = .complete
        gone.statusReason = "Stack DELETE completed successfully (abandoned: its resources are kept)"
        gone.updatedAt = Date()
        let events = [
            EventRecord.ofStack(stack, .delete, .inProgress, reason: "Stack DELETE started (abandon)"),
            EventRecord.ofStack(stack, .delete, .complete, reason: gone.statusReason),
        ]
        try await commit(StoreBatch(stacks: [gone], events: events), stack: gone)
        try await store.purgeStack(id: stack.id)
        return data
    }

    /// Heat's export: the abandon data of a stack that stays managed (nothing changes).
    public func export(_ nameOrID: String, projectID: String = "default") async throws -> Value {
        try await abandonData(try await self.stack(nameOrID, projectID: projectID))
    }

    private func abandonData(_ stack: StackRecord) async throws -> Value {
        let template = try await template(of: stack)
        var resources: [String: Value] = [:]
        for record in try await store.resources(stackID: stack.id) {
            resources[record.name] = [
                "name": .string(record.name), "type": .string(record.type),
                "resource_id": record.physicalID.map(Value.string) ?? .null,
                "action": .string(record.action.rawValue), "status": .string(record.status.rawValue),
                "metadata": record.metadata, "resource_data": record.data,
                // Not in Heat's format: lets an adopting Kiln keep attribute values exactly.
                "attributes": record.attributes,
            ]
        }
        let data: Value = [
            "id": .string(stack.id), "name": .string(stack.name), "project_id": .string(stack.projectID),
            "action": .string(stack.action.rawValue), "status": .string(stack.status.rawValue),
            "template": (try? YAMLReader().read(template.content, file: template.name).value) ?? .string(template.content),
            "environment": environmentValue(template),
            "parameters": .map(stack.parameters.mapValues(Value.string)),
            "resources": .map(resources),
        ]
        return data
    }

    private func environmentValue(_ template: TemplateRecord) -> Value {
        var merged: [String: Value] = [:]
        for environment in template.environments {
            guard let value = try? YAMLReader().read(environment.text, file: environment.name).value.mapValue else { continue }
            merged.merge(value) { _, new in new }
        }
        return .map(merged)
    }

    /// Heat's adopt: creates a stack whose resources already exist, taking each one's id
    /// and data from abandon data instead of making it.
    @discardableResult
    public func adopt(_ request: StackRequest, data: Value, observer: EngineObserver? = nil) async throws -> StackRecord {
        guard let resources = data.mapValue?["resources"]?.mapValue else {
            throw EngineError.refused("adopt data has no 'resources' map")
        }
        if try await store.stack(named: request.name, projectID: request.projectID) != nil {
            throw EngineError.conflict("stack '\(request.name)' already exists")
        }
        let (stack, loaded) = try await store(request, action: .adopt, observer: observer)
        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: [], observer: observer)
        return try await withLease(run) {
            let failure = try await run.createResources(action: .adopt, adopting: resources)
            run.setStack(.adopt, failure == nil ? .complete : .failed, reason: failure ?? "Stack ADOPT completed successfully")
            try await run.flush()
            return run.stack
        }
    }
}
