import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension StackRun {
    /// Deletes every resource of the stack, dependents before what they depend on, in
    /// parallel. Resources with `deletion_policy: Retain` are forgotten, not deleted.
    /// Returns the first failure's reason.
    func deleteResources(only subset: Set<String>? = nil) async throws -> String? {
        let action = Action.delete
        let names = records.keys.sorted().filter { subset?.contains($0) ?? true }
        let retained = Set(loaded.template.resources.filter { definition in
            guard let policy = definition.deletionPolicy,
                  let value = try? loaded.scope(resources: [:]).value(of: policy).stringValue else { return false }
            return value.lowercased() == "retain"
        }.map(\.name))
        let context = resourceContext()
        // Resources that own a child stack (groups, provider templates) may have made it before failing.
        let owners = Set(try await engine.store.childStacks(of: stack.id).compactMap(\.parentResource))
        var firstFailure: String?

        // Dependents first: the stored graph (what each resource required when it was made), reversed.
        let walk = GraphWalk<Void>(graph: storedGraph.reversed(), nodes: names, maxParallel: engine.maxParallel)
        _ = try await walk.run(
            start: { names in
                var work: [String: GraphWalk<Void>.Work] = [:]
                for name in names {
                    guard let record = records[name] else { continue }
                    let plugin = self.plugin(type: record.type, resource: name)
                    // A failed create that recorded no physical id made nothing, unless it made
                    // a child stack (a group whose members failed): that is deleted too.
                    let exists = record.action != .initial
                        && !(record.action == .create && record.status == .failed && record.physicalID == nil && !owners.contains(name))
                    // What was taken in by external_id is left as it was found.
                    if let plugin, exists, !retained.contains(name), ExternalResource.id(of: record) == nil {
                        let resource = LiveResource(record, stackName: stack.name)
                        work[name] = { try await plugin.delete(resource, context) }
                    } else {
                        work[name] = {}  // never made, retained or external: forgotten
                    }
                    transition(name, type: record.type, action, .inProgress, reason: "state changed")
                }
                return work
            },
            finish: { results in
                for result in results {
                    switch result {
                    case .succeeded(let name, _):
                        remove(name)
                    case .failed(let name, let error as HookWaitFailure):
                        noteHookWaitFailure(name, error)
                        if firstFailure == nil { firstFailure = timedOut ? "Timed out" : "Resource \(action.rawValue) failed: \(error)" }
                    case .failed(let name, let error):
                        let reason = Engine.reason(for: error)
                        transition(name, type: records[name]?.type ?? "", action, .failed, reason: reason)
                        if firstFailure == nil { firstFailure = "Resource \(action.rawValue) failed: \(reason)" }
                    }
                }
            },
            commit: { try await flush() },
            missingWork: { ResourceFailure.failed("resource \($0) was not prepared") },
            gate: { name in
                guard let record = records[name] else { return nil }
                return try await hookGate(name, hook: "pre-delete", action: action, type: record.type)
            })
        return firstFailure
    }
}
