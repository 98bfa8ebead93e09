import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// The template and parameters an update would move the stack to.
    private func target(of stack: StackRecord, _ request: UpdateRequest) async throws -> (TemplateRecord, [String: String]) {
        let current = try await template(of: stack)
        guard request.template != nil || request.existing else {
            throw EngineError.refused("an update needs a template, or --existing to keep the current one")
        }
        var template = current
        template.id = nil
        if let text = request.template {
            template.content = text
            template.name = request.templateName ?? current.name
            template.files = request.files
        } else {
            template.files.merge(request.files) { _, new in new }
        }
        if let environments = request.environments {
            template.environments = request.existing ? current.environments + environments : environments
        }
        var parameters = request.existing ? stack.parameters : [:]
        for name in request.clearParameters { parameters.removeValue(forKey: name) }
        parameters.merge(request.parameters) { _, new in new }
        return (template, parameters)
    }

    /// Refuses operations on a stack another live process is working on.
    func ensureIdle(_ stack: StackRecord, for operation: String) throws {
        if stack.status == .inProgress, !(try leaseLapsed(stack)) {
            throw EngineError.conflict("cannot \(operation) stack '\(stack.name)': it is \(stack.statusText)")
        }
    }

    /// What an update would do to each resource, computed by the same rules the update
    /// applies, against the resources as they are now. Nothing is changed.
    public func previewUpdate(_ nameOrID: String, _ request: UpdateRequest, projectID: String = "default") async throws -> [PlannedChange] {
        let stack = try await self.stack(nameOrID, projectID: projectID)
        let (template, parameters) = try await target(of: stack, request)
        let facade = await facade(parentID: stack.parentID, parentResource: stack.parentResource)
        let loaded = try LoadedTemplate.load(
            template, parameters: parameters, stackID: stack.id, stackName: stack.name, projectID: projectID,
            plugins: plugins, limits: limits, readFromDisk: true, facade: facade,
            document: request.template == nil ? nil : request.document, constraints: await constraints(projectID: projectID))
        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: try await store.resources(stackID: stack.id), observer: nil)
        var plan: [PlannedChange] = []
        let enabled = loaded.enabledResources
        for definition in enabled {
            guard let plugin = run.plugin(type: definition.type, resource: definition.name) else { continue }
            let schema = type(of: plugin).schema
            let properties = (try? run.resolveProperties(of: definition, schema: schema)) ?? [:]
            let change = UpdateClassifier.classify(
                record: run.records[definition.name], newType: definition.type, newProperties: properties, schema: schema)
            plan.append(PlannedChange(name: definition.name, type: definition.type, change: change))
        }
        let kept = Set(enabled.map(\.name))
        for record in run.records.values.sorted(by: { $0.name < $1.name }) where !kept.contains(record.name) {
            plan.append(PlannedChange(name: record.name, type: record.type, change: .deleted))
        }
        return plan
    }

    /// What creating the request would make: every enabled resource, added.
    public func previewCreate(_ request: StackRequest) throws -> [PlannedChange] {
        try previewCreateView(request).plan
    }

    /// The create's plan, and the stack as it would be shown (its id `None`, as Heat's preview).
    public func previewCreateView(_ request: StackRequest) throws -> (plan: [PlannedChange], view: StackView) {
        let loaded = try LoadedTemplate.load(
            TemplateRecord(name: request.templateName, content: request.template, environments: request.environments, files: request.files),
            parameters: request.parameters, stackID: "None", stackName: request.name, projectID: request.projectID,
            plugins: plugins, limits: limits, readFromDisk: true)
        let stack = StackRecord(id: "None", name: request.name, projectID: request.projectID, parameters: request.parameters)
        let view = StackView(
            stack: stack, description: loaded.template.description ?? "",
            parameters: Self.shownParameters(stack, loaded), outputs: nil)
        return (loaded.enabledResources.map { PlannedChange(name: $0.name, type: $0.type, change: .added) }, view)
    }

    /// Updates the stack to the request's template and parameters, carried to a final
    /// state. Bad input and busy stacks are refused with the stack untouched.
    @discardableResult
    public func update(
        _ nameOrID: String, _ request: UpdateRequest, projectID: String = "default", observer: EngineObserver? = nil
    ) async throws -> StackRecord {
        var stack = try await self.stack(nameOrID, projectID: projectID)
        try ensureIdle(stack, for: "update")
        let (template, parameters) = try await target(of: stack, request)
        let facade = await facade(parentID: stack.parentID, parentResource: stack.parentResource)
        let loaded = try LoadedTemplate.load(
            template, parameters: parameters, stackID: stack.id, stackName: stack.name, projectID: projectID,
            plugins: plugins, limits: limits, readFromDisk: true, facade: facade,
            document: request.template == nil ? nil : request.document, constraints: await constraints(projectID: projectID))
        try await checkImmutableParameters(stack: stack, loaded: loaded, newParameters: parameters)
        guard try await claimOperation(&stack) else {
            throw EngineError.conflict("cannot update stack '\(stack.name)': another operation holds it")
        }
        var saved = template
        saved.files = loaded.files
        let templateID = try await store.saveTemplate(saved)
        let previousParameters = stack.parameters
        stack.previousTemplateID = stack.templateID
        stack.templateID = templateID
        stack.parameters = parameters
        if let timeout = request.timeoutMinutes { stack.timeoutMinutes = timeout }
        if let disable = request.disableRollback { stack.disableRollback = disable }
        // As Heat: a full update's tags are the request's (none given clears them), an
        // `existing` (PATCH) update keeps them unless given; timeout and rollback are kept
        // by both when not given (measured with heat-oracle).
        if let tags = request.tags { stack.tags = tags } else if !request.existing { stack.tags = [] }

        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: try await store.resources(stackID: stack.id), observer: observer)
        return try await withLease(run) {
            run.setStack(.update, .inProgress, reason: "Stack UPDATE started")
            try await run.flush()
            let (failure, cancel) = try await watchingForCancel(run) {
                try await run.updateResources(action: .update)
            }
            guard let failure else {
                run.setStack(.update, .complete, reason: "Stack UPDATE completed successfully")
                try await run.flush()
                return run.stack
            }
            // cancel_update rolls back even when rollback is disabled; cancel_without_rollback never does.
            if cancel == .stopHere || (run.stack.disableRollback && cancel == nil) {
                run.setStack(.update, .failed, reason: failure)
                try await run.flush()
                return run.stack
            }
            return try await rollBack(run, failure: failure, parameters: previousParameters)
        }
    }

    /// Returns an updated stack to its previous template and parameters.
    private func rollBack(_ run: StackRun, failure: String, parameters: [String: String]) async throws -> StackRecord {
        run.failThenRollBack(.update, failure: failure)
        try await run.flush()
        guard let previousID = run.stack.previousTemplateID, let previous = try await store.template(id: previousID) else {
            run.setStack(.rollback, .failed, reason: "no previous template to roll back to")
            try await run.flush()
            return run.stack
        }
        var stack = run.stack
        stack.templateID = previousID
        stack.parameters = parameters
        let loaded = try await load(stack, template: previous)
        let back = StackRun(engine: self, stack: stack, loaded: loaded, records: Array(run.records.values), observer: run.observer)
        back.leaseOwner = run.leaseOwner
        if let rollbackFailure = try await back.updateResources(action: .rollback) {
            back.setStack(.rollback, .failed, reason: rollbackFailure)
        } else {
            back.setStack(.rollback, .complete, reason: "Stack ROLLBACK completed successfully")
        }
        try await back.flush()
        return back.stack
    }

    /// Heat refuses an update that changes an `immutable: true` parameter.
    private func checkImmutableParameters(stack: StackRecord, loaded: LoadedTemplate, newParameters: [String: String]) async throws {
        guard let current = try? await load(stack) else { return }
        var diagnostics: [Diagnostic] = []
        for parameter in loaded.template.parameters where parameter.immutable {
            if let old = current.parameters[parameter.name], let new = loaded.parameters[parameter.name], old != new {
                diagnostics.append(.error(
                    at: parameter.location, "parameter '\(parameter.name)' is immutable and cannot be changed by an update",
                    expected: parameter.hidden ? nil : old.plainText, found: parameter.hidden ? nil : new.plainText))
            }
        }
        if !diagnostics.isEmpty { throw EngineError.invalid(diagnostics) }
    }
}
