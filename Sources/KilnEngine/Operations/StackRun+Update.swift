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
        let previous = records
        let context = resourceContext()
        var firstFailure: String?
        var replacedOld: [String: LiveResource] = [:]
        var keptAs: [String: String] = [:]
        var plan: [String: ResourceChange] = [:]
        /// New resources taken in by `external_id`, with their ids.
        var externals: [String: String] = [:]
        // external_id may not change, appear or go away on a resource that exists (Heat
        // refuses the update before touching anything).
        if let refused = externalIDChange(definitions: definitions, previous: previous) { return refused }

        let walk = GraphWalk<AppliedChange>(
            graph: loaded.graph, nodes: definitions.map(\.name), maxParallel: engine.maxParallel, stop: stop)
        let (_, skipped) = try await walk.run(
            start: { names in
                var work: [String: GraphWalk<AppliedChange>.Work] = [:]
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
                    if record == nil || record?.action == .initial, let id = (try? externalID(of: definition)) ?? nil {
                        externals[name] = id
                        plan[name] = .added
                        work[name] = {
                            var resource = try prepared.get()
                            resource.physicalID = nil
                            resource.data = [:]
                            try await ExternalResource.adopt(&resource, id: id, plugin: plugin, context: context)
                            return .kept(resource)
                        }
                        transition(name, type: definition.type, .adopt, .inProgress, reason: "state changed",
                                   requires: requirements(of: name))
                        continue
                    }
                    var change: ResourceChange
                    switch prepared {
                    case .success(let resource):
                        change = UpdateClassifier.classify(
                            record: record, newType: definition.type, newProperties: resource.properties, schema: schema)
                    case .failure:
                        change = .updated(diff: [])
                    }
                    // What was taken in stays as it was found.
                    if ExternalResource.id(of: record) != nil { change = .unchanged }
                    // Left half made by an engine that died (an update carried on after it):
                    // its create is finished, with the same client token, not begun again.
                    // Left CREATE_IN_PROGRESS by a create (a nested stack's, carried on by its
                    // parent's update): the same, by the client token it saved.
                    let resumingCreate = record.map {
                        $0.status == .inProgress && ($0.data.mapValue?[ResourceRecord.creatingKey] == .bool(true) || $0.action == .create)
                    } ?? false
                    if resumingCreate { change = .added }
                    plan[name] = change
                    if let refusal = RestrictedAction.refusing(
                        change, restricted: loaded.environment.registry.restrictedActions(forResource: name)) {
                        work[name] = { throw refusal }
                        continue
                    }
                    work[name] = Self.work(for: change, prepared, plugin: plugin,
                                           previousProperties: record?.properties.mapValue ?? [:], resumingCreate: resumingCreate,
                                           context: context)
                    let requires = requirements(of: name)
                    switch change {
                    case .added:
                        transition(name, type: definition.type, .create, .inProgress, reason: "state changed", requires: requires)
                    case .unchanged, .deleted:
                        break
                    case .updated:
                        transition(name, type: definition.type, .update, .inProgress, reason: "state changed", requires: requires)
                    case .replaced(let reason, _):
                        transition(name, type: definition.type, .create, .inProgress, reason: "Replacing: \(reason)",
                                   requires: requires)
                    }
                }
                return work
            },
            finish: { results in
                for result in results {
                    switch result {
                    case .succeeded(let name, let applied):
                        guard let definition = byName[name], let plugin = self.plugin(type: definition.type, resource: name) else { continue }
                        if externals[name] != nil, case .kept(let adopted) = applied {
                            recordAdopted(name, type: definition.type, resource: adopted, plugin: plugin)
                            continue
                        }
                        let resource: LiveResource
                        switch applied {
                        case .kept(let kept): resource = kept
                        case .replaced(let new, let old):
                            resource = new
                            replacedOld[name] = old
                            keptAs[name] = keepReplaced(old, of: name)
                        }
                        live[name] = ResolvedResource(live: resource, plugin: plugin)
                        switch plan[name] ?? .added {
                        case .unchanged:
                            if var record = records[name] {
                                record.requires = requirements(of: name)
                                if ExternalResource.id(of: record) != nil, record.properties != .map(resource.properties) {
                                    // Heat takes an external resource's new properties as they
                                    // are, without events (measured with heat-oracle).
                                    record.properties = .map(resource.properties)
                                    keep(record)
                                } else {
                                    records[name] = record
                                }
                            }
                        case .updated where replacedOld[name] == nil:
                            transition(name, type: definition.type, .update, .complete, reason: "state changed", live: resource)
                        default:
                            transition(name, type: definition.type, .create, .complete, reason: "state changed", live: resource)
                        }
                    case .failed(let name, let error as RestrictedAction):
                        let failure = noteRestricted(name, type: byName[name]?.type ?? "", error)
                        if firstFailure == nil { firstFailure = failure }
                    case .failed(let name, let error) where externals[name] != nil:
                        let failure = recordAdoptFailure(name, type: byName[name]?.type ?? "", error: error)
                        if firstFailure == nil { firstFailure = timedOut ? "Timed out" : failure }
                    case .failed(let name, let error as HookWaitFailure):
                        noteHookWaitFailure(name, error)
                        if firstFailure == nil { firstFailure = timedOut ? "Timed out" : "Resource UPDATE failed: \(error)" }
                    case .failed(let name, let error):
                        let reason = Engine.reason(for: error)
                        let failedAction: Action = {
                            if case .updated? = plan[name] { return .update }
                            return .create
                        }()
                        let attempt = error as? AttemptFailure
                        if var intact = attempt?.oldIntact {
                            // The replacement was not made: the old resource is still the one in
                            // place, and no longer kept apart for deletion.
                            forgetKept(StackRun.keptName(of: intact, for: name))
                            intact.data[ResourceRecord.replacementFailedKey] = true
                            transition(name, type: intact.type, .update, .failed, reason: reason, live: intact)
                        } else {
                            transition(name, type: byName[name]?.type ?? "", failedAction, .failed, reason: reason,
                                       live: attempt?.resource)
                        }
                        if firstFailure == nil {
                            firstFailure = timedOut ? "Timed out" : "Resource \(failedAction.rawValue) failed: \(reason)"
                        }
                    }
                }
                if timedOut && firstFailure == nil { firstFailure = "Timed out" }
            },
            commit: { try await flush() },
            missingWork: { ResourceFailure.failed("resource \($0) was not prepared") },
            shouldStop: { Task.isCancelled || timedOut },
            gate: { name in
                guard let definition = byName[name] else { return nil }
                // Heat stops before updating every resource that exists, changed or not.
                if let record = previous[name], record.action != .initial {
                    return try await hookGate(name, hook: "pre-update", action: .update, type: definition.type)
                }
                return try await hookGate(name, hook: "pre-create", action: .create, type: definition.type)
            },
            hold: { name in
                guard let definition = byName[name], records[name]?.status == .complete else { return nil }
                if let record = previous[name], record.action != .initial {
                    return try await hookGate(name, hook: "post-update", action: .update, type: definition.type)
                }
                return try await hookGate(name, hook: "post-create", action: .create, type: definition.type)
            })
        // Nodes that never started because the deadline passed fail the operation too.
        if firstFailure == nil, !skipped.isEmpty, timedOut { firstFailure = "Timed out" }
        // A cancelled update stops here (its in-flight resources were interrupted).
        if Task.isCancelled || stop?.requested != nil { firstFailure = "Stack UPDATE cancelled" }
        if let firstFailure { return firstFailure }
        return try await cleanUp(keeping: Set(byName.keys), replaced: replacedOld, keptAs: keptAs, context: context)
    }

    /// What applying one planned change does to a resource, run in the resource's task.
    private static func work(
        for change: ResourceChange, _ prepared: Result<LiveResource, Error>, plugin: any ResourcePlugin,
        previousProperties: [String: Value], resumingCreate: Bool = false, context: EngineResourceContext
    ) -> GraphWalk<AppliedChange>.Work {
        {
            var resource = try prepared.get()
            let old = resource
            /// The resource to create: no physical object yet, marked `creating` until the
            /// create returns. One left half made by a dead engine (still marked) keeps its
            /// client token and name, so the cloud hands back the object it began.
            func fresh() -> LiveResource {
                var fresh = resource
                fresh.physicalID = nil
                fresh.data = [:]
                fresh.attributes = [:]
                if resumingCreate || resource.data[ResourceRecord.creatingKey] == .bool(true) {
                    for key in ["client_token", "physical_name"] { fresh.data[key] = resource.data[key] }
                }
                fresh.data[ResourceRecord.creatingKey] = true
                return fresh
            }
            var previousResource = old
            previousResource.properties = previousProperties
            /// Creates the replacement; when that fails, what it made is deleted again (best
            /// effort) and the old resource, untouched, is what the record keeps.
            func replace() async throws -> AppliedChange {
                var new = fresh()
                new.data[ResourceRecord.replacementFailedKey] = nil
                // The old object is on record under its kept name before anything replaces it
                // in the resource's own record: an engine dying from here on leaves it to the
                // clean-up of whoever carries the update on, never orphaned.
                try await context.keepReplaced(previousResource)
                do {
                    try await plugin.create(&new, context)
                    new.data[ResourceRecord.creatingKey] = nil
                } catch {
                    new.data[ResourceRecord.creatingKey] = nil
                    if new.physicalID != nil { try? await plugin.delete(new, context) }
                    throw AttemptFailure(resource: new, underlying: error, oldIntact: previousResource)
                }
                return .replaced(new: new, old: previousResource)
            }
            switch change {
            case .unchanged, .deleted:
                return .kept(resource)
            case .added:
                resource = fresh()
                do {
                    try await plugin.create(&resource, context)
                    resource.data[ResourceRecord.creatingKey] = nil
                } catch {
                    // A failed create is not half made: a later attempt starts afresh.
                    resource.data[ResourceRecord.creatingKey] = nil
                    throw AttemptFailure(resource: resource, underlying: error)
                }
                return .kept(resource)
            case .updated:
                resource.data[ResourceRecord.replacementFailedKey] = nil
                do {
                    try await plugin.update(&resource, previous: previousProperties, context)
                    return .kept(resource)
                } catch ResourceFailure.replacementNeeded {
                    return try await replace()
                }
            case .replaced:
                return try await replace()
            }
        }
    }

    /// Deletes replaced physical resources and resources no longer in the template,
    /// dependents before what they depend on.
    private func cleanUp(
        keeping: Set<String>, replaced: [String: LiveResource], keptAs: [String: String], context: EngineResourceContext
    ) async throws -> String? {
        // Old replaced resources go first (nothing points at them any more), all at once
        // within the operation's bound on parallel work.
        var failure: String?
        let olds = replaced.keys.sorted().filter { name in replaced[name].map { plugin(type: $0.type, resource: name) != nil } ?? false }
        let walk = GraphWalk<Void>(graph: DependencyGraph(nodes: olds, edges: [:]), maxParallel: engine.maxParallel)
        _ = try await walk.run(
            start: { names in
                var work: [String: GraphWalk<Void>.Work] = [:]
                for name in names {
                    guard let old = replaced[name], let plugin = self.plugin(type: old.type, resource: name) else { continue }
                    work[name] = { try await plugin.delete(old, context) }
                }
                return work
            },
            finish: { results in
                for result in results {
                    switch result {
                    case .succeeded(let name, _):
                        if let kept = keptAs[name] { remove(kept, eventName: name) }
                    case .failed(let name, let error):
                        if failure == nil { failure = "Resource DELETE failed: \(name): \(Engine.reason(for: error))" }
                    }
                }
            },
            commit: {},
            missingWork: { _ in CancellationError() },
            stopOnFailure: false)
        try await flush()
        if let failure { return failure }
        let removed = records.keys.filter { !keeping.contains($0) }
        guard !removed.isEmpty else { return nil }
        return try await deleteResources(only: Set(removed))
    }
}
