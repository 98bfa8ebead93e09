import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// How a resource of the new template was handled, for the cleanup that follows.
enum AppliedChange: Sendable {
    case kept(LiveResource)
    /// Replaced: the new resource, and the old one to delete once dependents moved on.
    case replaced(new: LiveResource, old: LiveResource)
}

extension StackRun {
    /// Brings the stack's resources to `loaded`'s definitions: creates new ones, updates in
    /// place what can be, replaces the rest (new before old), then deletes old replaced and
    /// removed resources, dependents first. Returns the first failure's reason.
    func updateResources(action: Action) async throws -> String? {
        let definitions = loaded.enabledResources
        let byName = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var waits: [String: [String]] = [:]
        for definition in definitions { waits[definition.name] = definition.dependencies }
        let inputs = PreparedInputs()
        let previous = records
        let context = resourceContext()
        var firstFailure: String?
        var replacedOld: [String: LiveResource] = [:]
        var keptAs: [String: String] = [:]
        let plan = PlanBox()

        let walk = GraphWalk<AppliedChange>(nodes: definitions.map(\.name), waitsFor: waits, maxParallel: engine.maxParallel)
        let (_, skipped) = try await walk.run(
            start: { names in
                for name in names {
                    guard let definition = byName[name], let plugin = self.plugin(type: definition.type, resource: name) else { continue }
                    let schema = type(of: plugin).schema
                    let record = previous[name]
                    let prepared = Result { () throws -> LiveResource in
                        LiveResource(
                            name: name, type: definition.type, stackID: stack.id, stackName: stack.name,
                            properties: try resolveProperties(of: definition, schema: schema),
                            physicalID: record?.physicalID, data: record?.data.mapValue ?? [:],
                            attributes: record?.attributes.mapValue ?? [:], metadata: try metadata(of: definition),
                            updatePolicy: try updatePolicy(of: definition))
                    }
                    let change: ResourceChange
                    switch prepared {
                    case .success(let resource):
                        change = UpdateClassifier.classify(
                            record: record, newType: definition.type, newProperties: resource.properties, schema: schema)
                    case .failure:
                        change = .updated(diff: [])
                    }
                    inputs.put(name, PreparedResource(plugin: plugin, resource: prepared))
                    plan.set(name, change)
                    switch change {
                    case .added:
                        transition(name, type: definition.type, .create, .inProgress, reason: "state changed",
                                   requires: definition.dependencies)
                    case .unchanged:
                        break
                    case .updated:
                        transition(name, type: definition.type, .update, .inProgress, reason: "state changed",
                                   requires: definition.dependencies)
                    case .replaced(let reason, _):
                        transition(name, type: definition.type, .create, .inProgress, reason: "Replacing: \(reason)",
                                   requires: definition.dependencies)
                    case .deleted:
                        break
                    }
                }
            },
            run: { name in
                guard let prepared = inputs.take(name) else { throw ResourceFailure.failed("resource \(name) was not prepared") }
                var resource = try prepared.resource.get()
                let old = resource
                switch plan.get(name) ?? .added {
                case .unchanged:
                    return .kept(resource)
                case .added:
                    resource.physicalID = nil
                    resource.data = [:]
                    resource.attributes = [:]
                    try await prepared.plugin.create(&resource, context)
                    return .kept(resource)
                case .updated:
                    do {
                        try await prepared.plugin.update(&resource, previous: previous[name]?.properties.mapValue ?? [:], context)
                        return .kept(resource)
                    } catch ResourceFailure.replacementNeeded {
                        var fresh = resource
                        fresh.physicalID = nil
                        fresh.data = [:]
                        fresh.attributes = [:]
                        try await prepared.plugin.create(&fresh, context)
                        return .replaced(new: fresh, old: old)
                    }
                case .replaced:
                    var fresh = resource
                    fresh.physicalID = nil
                    fresh.data = [:]
                    fresh.attributes = [:]
                    try await prepared.plugin.create(&fresh, context)
                    var previousResource = old
                    previousResource.properties = previous[name]?.properties.mapValue ?? [:]
                    return .replaced(new: fresh, old: previousResource)
                case .deleted:
                    return .kept(resource)
                }
            },
            finish: { results in
                for result in results {
                    switch result {
                    case .succeeded(let name, let applied):
                        guard let definition = byName[name], let plugin = self.plugin(type: definition.type, resource: name) else { continue }
                        let resource: LiveResource
                        switch applied {
                        case .kept(let kept): resource = kept
                        case .replaced(let new, let old):
                            resource = new
                            replacedOld[name] = old
                            keptAs[name] = keepReplaced(old, of: name)
                        }
                        live[name] = ResolvedResource(live: resource, plugin: plugin)
                        switch plan.get(name) ?? .added {
                        case .unchanged:
                            if var record = records[name] {
                                record.requires = definition.dependencies
                                records[name] = record
                            }
                        case .updated where replacedOld[name] == nil:
                            transition(name, type: definition.type, .update, .complete, reason: "state changed", live: resource)
                        default:
                            transition(name, type: definition.type, .create, .complete, reason: "state changed", live: resource)
                        }
                    case .failed(let name, let error):
                        let reason = Engine.reason(for: error)
                        let failedAction: Action = {
                            if case .updated? = plan.get(name) { return .update }
                            return .create
                        }()
                        transition(name, type: byName[name]?.type ?? "", failedAction, .failed, reason: reason)
                        if firstFailure == nil {
                            firstFailure = timedOut ? "Timed out" : "Resource \(failedAction.rawValue) failed: \(reason)"
                        }
                    }
                }
                if timedOut && firstFailure == nil { firstFailure = "Timed out" }
            },
            commit: { try await flush() },
            // A cancelled task is a cancelled update (its in-flight resources were interrupted).
            shouldStop: { Task.isCancelled || timedOut })
        // Nodes that never started because the deadline passed fail the operation too.
        if firstFailure == nil, !skipped.isEmpty, timedOut { firstFailure = "Timed out" }
        if Task.isCancelled { firstFailure = "Stack UPDATE cancelled" }
        if let firstFailure { return firstFailure }
        return try await cleanUp(keeping: Set(byName.keys), replaced: replacedOld, keptAs: keptAs, context: context)
    }

    /// Deletes replaced physical resources and resources no longer in the template,
    /// dependents before what they depend on.
    private func cleanUp(
        keeping: Set<String>, replaced: [String: LiveResource], keptAs: [String: String], context: EngineResourceContext
    ) async throws -> String? {
        // Old replaced resources go first (nothing points at them any more), all at once.
        var failure: String?
        try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for (name, old) in replaced {
                guard let plugin = self.plugin(type: old.type, resource: name) else { continue }
                group.addTask {
                    do {
                        try await plugin.delete(old, context)
                        return (name, nil)
                    } catch {
                        return (name, Engine.reason(for: error))
                    }
                }
            }
            for try await (name, error) in group {
                if let error {
                    if failure == nil { failure = "Resource DELETE failed: \(name): \(error)" }
                } else if let kept = keptAs[name] {
                    remove(kept, eventName: name)
                }
            }
        }
        try await flush()
        if let failure { return failure }
        let removed = records.keys.filter { !keeping.contains($0) }
        guard !removed.isEmpty else { return nil }
        return try await deleteResources(only: Set(removed))
    }
}

/// The plan as the walking task decides it, read by the resource tasks it starts.
final class PlanBox: @unchecked Sendable {
    private let lock = NSLock()
    private var changes: [String: ResourceChange] = [:]

    func set(_ name: String, _ change: ResourceChange) {
        lock.lock()
        changes[name] = change
        lock.unlock()
    }

    func get(_ name: String) -> ResourceChange? {
        lock.lock()
        defer { lock.unlock() }
        return changes[name]
    }
}
