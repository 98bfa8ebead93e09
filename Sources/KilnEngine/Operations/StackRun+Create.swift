import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension StackRun {
    /// Creates every enabled resource not yet created, in dependency order, in parallel.
    /// Resources already COMPLETE (a resumed create) are kept. Returns the first failure's reason.
    func createResources(action: Action = .create, adopting: [String: Value]? = nil) async throws -> String? {
        let definitions = loaded.enabledResources
        let byName = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let pendingNames = definitions.map(\.name).filter { name in
            guard let record = records[name] else { return true }
            return !(record.status == .complete && [.create, .adopt, .update, .check].contains(record.action))
        }
        let context = resourceContext()
        let stop = self.stop
        var firstFailure: String?
        /// Resources taken in by `external_id`, with their ids.
        var externals: [String: String] = [:]

        let walk = GraphWalk<LiveResource>(graph: loaded.graph, nodes: pendingNames, maxParallel: engine.maxParallel, stop: stop)
        let (_, skipped) = try await walk.run(
            start: { names in
                var work: [String: GraphWalk<LiveResource>.Work] = [:]
                for name in names {
                    guard let definition = byName[name], let plugin = self.plugin(type: definition.type, resource: name) else { continue }
                    let schema = type(of: plugin).schema
                    let prepared: Result<LiveResource, Error> = Result {
                        LiveResource(
                            name: name, type: definition.type, stackID: stack.id, stackName: stack.name,
                            properties: try resolveProperties(of: definition, schema: schema),
                            metadata: try metadata(of: definition), updatePolicy: try updatePolicy(of: definition))
                    }
                    if adopting == nil {
                        switch Result(catching: { try externalID(of: definition) }) {
                        case .success(let id?):
                            externals[name] = id
                            work[name] = {
                                var resource = try prepared.get()
                                try await ExternalResource.adopt(&resource, id: id, plugin: plugin, context: context)
                                return resource
                            }
                            transition(name, type: definition.type, .adopt, .inProgress, reason: "state changed",
                                       requires: requirements(of: name))
                            continue
                        case .success(nil):
                            break
                        case .failure(let error):
                            work[name] = { throw error }
                            transition(name, type: definition.type, action, .inProgress, reason: "state changed",
                                       requires: requirements(of: name))
                            continue
                        }
                    }
                    let adopted = adopting.map { $0[name] }
                    // A create interrupted by the death of its process resumes from what the
                    // resource saved (its client token, its physical id), so the cloud object
                    // the first attempt made is found again rather than made twice.
                    let interrupted = records[name].flatMap { $0.action == action && $0.status == .inProgress ? $0 : nil }
                    work[name] = {
                        var resource = try prepared.get()
                        if let interrupted {
                            resource.physicalID = interrupted.physicalID
                            resource.data = interrupted.data.mapValue ?? [:]
                        }
                        if Task.isCancelled || stop?.requested != nil { throw ResourceFailure.cancelled("cancelled") }
                        if let adopted {
                            // An adopted resource already exists: take its id and data as abandoned.
                            guard let entry = adopted?.mapValue else {
                                throw ResourceFailure.failed("resource '\(name)' is not in the adopt data")
                            }
                            resource.physicalID = entry["resource_id"]?.stringValue
                            resource.data = entry["resource_data"]?.mapValue ?? [:]
                            resource.attributes = entry["attributes"]?.mapValue ?? [:]
                            if let metadata = entry["metadata"] { resource.metadata = metadata }
                            return resource
                        }
                        do {
                            try await plugin.create(&resource, context)
                        } catch {
                            throw AttemptFailure(resource: resource, underlying: error)
                        }
                        return resource
                    }
                    transition(name, type: definition.type, action, .inProgress, reason: "state changed",
                               requires: requirements(of: name))
                }
                return work
            },
            finish: { results in
                for result in results {
                    switch result {
                    case .succeeded(let name, let resource):
                        guard let definition = byName[name], let plugin = self.plugin(type: definition.type, resource: name) else { continue }
                        if externals[name] != nil {
                            recordAdopted(name, type: definition.type, resource: resource, plugin: plugin)
                            continue
                        }
                        live[name] = ResolvedResource(live: resource, plugin: plugin)
                        transition(name, type: definition.type, action, .complete, reason: "state changed", live: resource)
                    case .failed(let name, let error as HookWaitFailure):
                        noteHookWaitFailure(name, error)
                        if firstFailure == nil {
                            firstFailure = timedOut ? "Timed out" : "Resource \(action.rawValue) failed: \(error)"
                        }
                    case .failed(let name, let error) where externals[name] != nil:
                        let failure = recordAdoptFailure(name, type: byName[name]?.type ?? "", error: error)
                        if firstFailure == nil { firstFailure = timedOut ? "Timed out" : failure }
                    case .failed(let name, let error):
                        let reason = Engine.reason(for: error)
                        // What the plugin made before failing stays on record, so a delete removes it.
                        transition(name, type: byName[name]?.type ?? "", action, .failed, reason: reason,
                                   live: (error as? AttemptFailure)?.resource)
                        if firstFailure == nil {
                            firstFailure = timedOut ? "Timed out" : "Resource \(action.rawValue) failed: \(reason)"
                        }
                    }
                }
                if timedOut && firstFailure == nil { firstFailure = "Timed out" }
            },
            commit: { try await flush() },
            missingWork: { ResourceFailure.failed("resource \($0) was not prepared") },
            // Past the deadline or once cancelled, nothing new starts (Heat stops the whole operation).
            shouldStop: { timedOut || Task.isCancelled },
            gate: { name in
                // An adopted stack's resources exist already: nothing to stop before.
                guard adopting == nil, let definition = byName[name] else { return nil }
                return try await hookGate(name, hook: "pre-create", action: action, type: definition.type)
            },
            hold: { name in
                guard adopting == nil, let definition = byName[name], records[name]?.status == .complete else { return nil }
                return try await hookGate(name, hook: "post-create", action: action, type: definition.type)
            })
        // Nodes that never started because the deadline passed fail the operation too.
        if firstFailure == nil, !skipped.isEmpty, timedOut { firstFailure = "Timed out" }
        return firstFailure
    }
}
