import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// Validates the request and creates the stack, carrying it to a final state.
    /// Bad input is refused before anything is stored.
    @discardableResult
    public func create(_ request: StackRequest, observer: EngineObserver? = nil) async throws -> StackRecord {
        if try await store.stack(named: request.name, projectID: request.projectID) != nil {
            throw EngineError.conflict("stack '\(request.name)' already exists")
        }
        return try await create(request, parentID: nil, parentResource: nil, readFromDisk: true, observer: observer)
    }

    /// Creates a stack, top-level or nested (owned by `parentResource` of stack `parentID`).
    func create(
        _ request: StackRequest, parentID: String?, parentResource: String?, readFromDisk: Bool, observer: EngineObserver?
    ) async throws -> StackRecord {
        let (stack, loaded) = try await store(
            request, action: .create, parentID: parentID, parentResource: parentResource, readFromDisk: readFromDisk,
            observer: observer)
        return try await runCreate(stack, loaded: loaded, records: [], observer: observer)
    }

    /// Validates a new stack's template and stores the stack, claimed by this engine, with
    /// its first event (`action` IN_PROGRESS). Nothing is stored when the input is bad.
    func store(
        _ request: StackRequest, action: Action, parentID: String? = nil, parentResource: String? = nil,
        readFromDisk: Bool = true, observer: EngineObserver?
    ) async throws -> (StackRecord, LoadedTemplate) {
        let started = "Stack \(action.rawValue) started"
        var stack = StackRecord(
            name: request.name, projectID: request.projectID, action: action, status: .inProgress,
            statusReason: started, parameters: request.parameters, tags: request.tags,
            timeoutMinutes: request.timeoutMinutes, disableRollback: request.disableRollback,
            parentID: parentID, parentResource: parentResource,
            leaseExpiry: Date().addingTimeInterval(leaseSeconds))
        let submitted = TemplateRecord(
            name: request.templateName, content: request.template, environments: request.environments, files: request.files)
        let facade = await facade(parentID: parentID, parentResource: parentResource)
        // A top-level template is checked against the cloud's objects; nested ones were, with their parent.
        let constraints = parentID == nil ? await constraints(projectID: request.projectID) : BuiltinConstraints()
        let loaded = try LoadedTemplate.load(
            submitted, parameters: request.parameters, stackID: stack.id, stackName: stack.name,
            projectID: request.projectID, plugins: plugins, limits: limits, readFromDisk: readFromDisk,
            facade: facade, document: request.document, constraints: constraints)
        var template = submitted
        template.files = loaded.files
        let event = EventRecord.ofStack(stack, action, .inProgress, reason: started)
        stack.owner = newOperationClaim()
        do {
            let subscription = subscription(of: stack, loaded: loaded)
            stack = try await store.createStack(stack, template: template, events: [event], subscription: subscription)
            if subscription != nil { outboxBell.ring() }
            if let id = stack.templateID { loadedTemplates.put(loaded, stack: stack, templateID: id) }
        } catch {
            await endOperation(stack)
            throw error
        }
        observer?(event)
        return (stack, loaded)
    }

    func runCreate(_ stack: StackRecord, loaded: LoadedTemplate, records: [ResourceRecord], observer: EngineObserver?) async throws -> StackRecord {
        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: records, observer: observer)
        return try await withLease(run) {
            let (failure, cancel) = try await watchingForCancel(run) {
                try await run.createResources()
            }
            if let failure {
                // Only cancel_without_rollback can stop a create: it leaves what was made.
                if run.stack.disableRollback || cancel != nil {
                    run.setStack(.create, .failed, reason: failure)
                } else {
                    run.failThenRollBack(.create, failure: failure)
                    try await run.flush()
                    if let rollbackFailure = try await run.deleteResources() {
                        run.setStack(.rollback, .failed, reason: rollbackFailure)
                    } else {
                        run.setStack(.rollback, .complete, reason: "Stack ROLLBACK completed successfully")
                    }
                }
            } else {
                run.setStack(.create, .complete, reason: "Stack CREATE completed successfully")
            }
            try await run.flush()
            return run.stack
        }
    }
}
