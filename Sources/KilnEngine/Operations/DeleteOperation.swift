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
        // Reverse edges: a resource waits for everything that requires it.
        var waits: [String: [String]] = [:]
        for name in names {
            guard let record = records[name] else { continue }
            for required in record.requires where records[required] != nil {
                waits[required, default: []].append(name)
            }
        }
        let retained = Set(loaded.template.resources.filter { definition in
            guard let policy = definition.deletionPolicy,
                  let value = try? loaded.scope(resources: [:]).value(of: policy).stringValue else { return false }
            return value.lowercased() == "retain"
        }.map(\.name))
        let context = resourceContext()
        let work = PreparedInputs()
        var firstFailure: String?

        let walk = GraphWalk<Void>(nodes: names, waitsFor: waits, maxParallel: engine.maxParallel)
        _ = try await walk.run(
            start: { names in
                for name in names {
                    guard let record = records[name] else { continue }
                    let plugin = self.plugin(type: record.type, resource: name)
                    let exists = record.action != .initial && !(record.action == .create && record.status == .failed && record.physicalID == nil)
                    if let plugin, exists, !retained.contains(name) {
                        work.put(name, PreparedResource(plugin: plugin, resource: .success(liveResource(from: record))))
                    }
                    transition(name, type: record.type, action, .inProgress, reason: "state changed")
                }
            },
            run: { name in
                guard let prepared = work.take(name) else { return }
                try await prepared.plugin.delete(try prepared.resource.get(), context)
            },
            finish: { results in
                for result in results {
                    switch result {
                    case .succeeded(let name, _):
                        remove(name)
                    case .failed(let name, let error):
                        let reason = Engine.reason(for: error)
                        transition(name, type: records[name]?.type ?? "", action, .failed, reason: reason)
                        if firstFailure == nil { firstFailure = "Resource \(action.rawValue) failed: \(reason)" }
                    }
                }
            },
            commit: { try await flush() })
        return firstFailure
    }
}
