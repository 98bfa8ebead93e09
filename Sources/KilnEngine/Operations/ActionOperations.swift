import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension StackRun {
    /// Runs one lifecycle action (suspend, resume, check) over every existing resource,
    /// in dependency order or its reverse. Returns the first failure's reason.
    func runResourceAction(
        _ action: Action, reverse: Bool,
        _ body: @escaping @Sendable (any ResourcePlugin, inout LiveResource, EngineResourceContext) async throws -> Void
    ) async throws -> String? {
        let graph = reverse ? storedGraph.reversed() : storedGraph
        let context = resourceContext()
        var firstFailure: String?
        let walk = GraphWalk<LiveResource>(graph: graph, maxParallel: engine.maxParallel)
        _ = try await walk.run(
            start: { names in
                var work: [String: GraphWalk<LiveResource>.Work] = [:]
                for name in names {
                    guard let record = records[name], let plugin = self.plugin(type: record.type, resource: name) else { continue }
                    let resource = LiveResource(record, stackName: stack.name)
                    work[name] = {
                        var changed = resource
                        try await body(plugin, &changed, context)
                        return changed
                    }
                    transition(name, type: record.type, action, .inProgress, reason: "state changed")
                }
                return work
            },
            finish: { results in
                for result in results {
                    switch result {
                    case .succeeded(let name, let resource):
                        if let plugin = self.plugin(type: resource.type, resource: name) {
                            live[name] = ResolvedResource(live: resource, plugin: plugin)
                        }
                        transition(name, type: resource.type, action, .complete, reason: "state changed", live: resource)
                    case .failed(let name, let error):
                        let reason = Engine.reason(for: error)
                        transition(name, type: records[name]?.type ?? "", action, .failed, reason: reason)
                        if firstFailure == nil { firstFailure = "Resource \(action.rawValue) failed: \(reason)" }
                    }
                }
            },
            commit: { try await flush() },
            missingWork: { ResourceFailure.failed("resource \($0) has no plugin") },
            stopOnFailure: action != .check)
        return firstFailure
    }
}

extension Engine {
    /// Claims an idle stack and runs `body` on it with the stack's state set to
    /// `action` IN_PROGRESS, then COMPLETE or FAILED with the reason `body` returns.
    func runStackAction(
        _ nameOrID: String, projectID: String, action: Action, observer: EngineObserver?,
        _ body: (StackRun) async throws -> String?
    ) async throws -> StackRecord {
        var stack = try await self.stack(nameOrID, projectID: projectID)
        try ensureIdle(stack, for: action.rawValue.lowercased())
        guard try await claimOperation(&stack) else {
            throw EngineError.conflict("cannot \(action.rawValue.lowercased()) stack '\(stack.name)': another operation holds it")
        }
        let run = StackRun(
            engine: self, stack: stack, loaded: try await load(stack), records: try await store.resources(stackID: stack.id),
            observer: observer)
        return try await withLease(run) {
            run.setStack(action, .inProgress, reason: "Stack \(action.rawValue) started")
            try await run.flush()
            if let failure = try await body(run) {
                run.setStack(action, .failed, reason: failure)
            } else {
                run.setStack(action, .complete, reason: "Stack \(action.rawValue) completed successfully")
            }
            try await run.flush()
            return run.stack
        }
    }

    /// Suspends every resource, dependents first.
    @discardableResult
    public func suspend(_ nameOrID: String, projectID: String = "default", observer: EngineObserver? = nil) async throws -> StackRecord {
        try await runStackAction(nameOrID, projectID: projectID, action: .suspend, observer: observer) { run in
            try await run.runResourceAction(.suspend, reverse: true) { plugin, resource, context in
                try await plugin.suspend(&resource, context)
            }
        }
    }

    /// Resumes every resource, dependencies first.
    @discardableResult
    public func resume(_ nameOrID: String, projectID: String = "default", observer: EngineObserver? = nil) async throws -> StackRecord {
        try await runStackAction(nameOrID, projectID: projectID, action: .resume, observer: observer) { run in
            try await run.runResourceAction(.resume, reverse: false) { plugin, resource, context in
                try await plugin.resume(&resource, context)
            }
        }
    }

    /// Checks every resource against what it should be; a failed check marks it CHECK_FAILED
    /// (the next update replaces it).
    @discardableResult
    public func check(_ nameOrID: String, projectID: String = "default", observer: EngineObserver? = nil) async throws -> StackRecord {
        try await runStackAction(nameOrID, projectID: projectID, action: .check, observer: observer) { run in
            try await run.runResourceAction(.check, reverse: false) { plugin, resource, context in
                try await plugin.check(&resource, context)
            }
        }
    }

    /// Delivers a signal to a resource (wait condition handles, hooks) and keeps what it changed.
    public func signal(_ nameOrID: String, resource name: String, data: Value, projectID: String = "default") async throws {
        let stack = try await self.stack(nameOrID, projectID: projectID)
        // A scaling policy's signals need no turns: the resize is claimed through the store.
        if try await isScalingPolicy(name, in: stack) { return try await deliverSignal(to: stack, resource: name, data: data) }
        try await signalTurns.run("\(stack.id)/\(name)") {
            try await self.deliverSignal(to: stack, resource: name, data: data)
        }
    }

    private func deliverSignal(to stack: StackRecord, resource name: String, data: Value) async throws {
        guard let record = try await store.resource(stackID: stack.id, name: name) else {
            throw EngineError.notFound("resource '\(name)' not found in stack '\(stack.name)'")
        }
        // A breakpoint's clearing comes as a signal, whatever the resource's state (Heat's `unset_hook`).
        if case .map(let body) = data, let hook = body["unset_hook"] {
            return try await clearHook(hook, stack: stack, record: record)
        }
        // As Heat: no signals while suspended or being deleted.
        if record.action == .suspend || record.action == .delete {
            throw EngineError.refused("Signal resource during \(record.action.rawValue) is not supported.")
        }
        // The engine writes a resource's whole record when its create finishes: a signal
        // kept before that would be lost.
        if record.action == .initial || (record.action == .create && record.status == .inProgress) {
            throw EngineError.conflict("resource '\(name)' is not created yet (\(record.statusText)); signal it once it is")
        }
        let types = TypeResolver(plugins: plugins, loaded: try await load(stack))
        guard let plugin = types.plugin(type: record.type, resource: name) else {
            throw EngineError.refused("resource type \(record.type) is not known to this engine")
        }
        if let policy = plugin as? any ScalingPolicyPlugin {
            return try await scale(stack: stack, policy: record, plugin: policy, data: data, types: types)
        }
        let context = EngineResourceContext(
            store: store, plugins: plugins, stackID: stack.id, stackName: stack.name, deadline: nil,
            projectID: stack.projectID, cloudProvider: cloud, types: types)
        var live = LiveResource(record, stackName: stack.name)
        do {
            try await plugin.signal(&live, data: data, context)
        } catch ResourceFailure.unsupported(let message) {
            throw EngineError.unsupported(message)
        } catch let failure as ResourceFailure {
            throw EngineError.refused("signal to '\(name)' refused: \(failure)")
        }
        try await context.save(live)
        try await commit(StoreBatch(events: [EventRecord(
            stackID: stack.id, resourceName: name, physicalResourceID: record.physicalID ?? "", resourceType: record.type,
            action: record.action, status: record.status, reason: "Signal: \(data.jsonText())")]), stack: stack)
    }
}
