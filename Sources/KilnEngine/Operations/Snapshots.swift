import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// Takes a snapshot: each resource's data as its plugin wants it kept, and the template.
    public func snapshot(_ nameOrID: String, name: String?, projectID: String = "default") async throws -> SnapshotRecord {
        var taken: [String: Value] = [:]
        let stack = try await runStackAction(nameOrID, projectID: projectID, action: .snapshot, observer: nil) { run in
            let context = run.resourceContext()
            for (resourceName, record) in run.records {
                guard let plugin = run.plugin(type: record.type, resource: resourceName) else { continue }
                do {
                    taken[resourceName] = try await plugin.snapshot(run.liveResource(from: record), context)
                } catch {
                    return "Resource SNAPSHOT failed: \(resourceName): \(Engine.reason(for: error))"
                }
            }
            return nil
        }
        let snapshot = SnapshotRecord(
            stackID: stack.id, name: name ?? "snapshot-\(ISO8601DateFormatter().string(from: Date()))",
            status: stack.status, statusReason: stack.statusReason, templateID: stack.templateID,
            data: ["resources": .map(taken), "parameters": .map(stack.parameters.mapValues(Value.string))])
        try await store.saveSnapshot(snapshot)
        return snapshot
    }

    public func snapshots(of stack: StackRecord) async throws -> [SnapshotRecord] { try await store.snapshots(stackID: stack.id) }

    public func deleteSnapshot(_ nameOrID: String, snapshotID: String, projectID: String = "default") async throws {
        let stack = try await self.stack(nameOrID, projectID: projectID)
        guard let snapshot = try await store.snapshot(id: snapshotID), snapshot.stackID == stack.id else {
            throw EngineError.notFound("snapshot '\(snapshotID)' not found for stack '\(stack.name)'")
        }
        try await store.deleteSnapshot(id: snapshotID)
    }

    /// Restores a snapshot: the stack goes back to the snapshot's template and parameters,
    /// then each resource takes back its snapshot data.
    @discardableResult
    public func restore(_ nameOrID: String, snapshotID: String, projectID: String = "default", observer: EngineObserver? = nil) async throws -> StackRecord {
        let current = try await self.stack(nameOrID, projectID: projectID)
        guard let snapshot = try await store.snapshot(id: snapshotID), snapshot.stackID == current.id else {
            throw EngineError.notFound("snapshot '\(snapshotID)' not found for stack '\(current.name)'")
        }
        guard let templateID = snapshot.templateID, let template = try await store.template(id: templateID) else {
            throw EngineError.notFound("the template of snapshot '\(snapshotID)' is gone")
        }
        let parameters = (snapshot.data.mapValue?["parameters"]?.mapValue ?? [:]).compactMapValues(\.stringValue)
        let saved = snapshot.data.mapValue?["resources"]?.mapValue ?? [:]
        return try await runStackAction(nameOrID, projectID: projectID, action: .restore, observer: observer) { run in
            var stack = run.stack
            stack.previousTemplateID = stack.templateID
            stack.templateID = templateID
            stack.parameters = parameters
            run.stack = stack
            let loaded = try await load(stack, template: template)
            let back = StackRun(engine: self, stack: stack, loaded: loaded, records: Array(run.records.values), observer: observer)
            back.leaseOwner = run.leaseOwner
            if let failure = try await back.updateResources(action: .restore) { return failure }
            let context = back.resourceContext()
            for (name, data) in saved {
                guard let resolved = back.live[name] else { continue }
                var live = resolved.live
                do {
                    try await resolved.plugin.restore(&live, from: data, context)
                } catch {
                    return "Resource RESTORE failed: \(name): \(Engine.reason(for: error))"
                }
                back.transition(name, type: live.type, .update, .complete, reason: "Restored from snapshot", live: live)
            }
            try await back.flush()
            run.records = back.records
            return nil
        }
    }
}
