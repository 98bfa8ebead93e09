import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// Runs stacks: validates templates, walks their dependency graphs in parallel, and keeps
/// every state change in the store before acting on it. One engine per process; several
/// processes may share a store, each operation being claimed through a lease.
public final class Engine: Sendable {
    public let store: any Store
    public let plugins: PluginRegistry
    /// Most resources worked on at once within one stack operation.
    public let maxParallel: Int
    /// This process, as it claims operations: `kiln:HOST:PID:UUID`.
    public let owner: String
    /// How long a claim holds without renewal.
    let leaseSeconds: Double
    /// Size and shape limits for templates (Heat's max_template_size is the default).
    public let limits: ReaderLimits
    /// Seconds in one minute of a stack's `timeout_mins`: 60, shortened only by tests.
    let secondsPerTimeoutMinute: Double
    /// Validated templates, so each stack is validated once, not by every view.
    let loadedTemplates = LoadedTemplates()
    /// Signals to one resource take turns (each reads, changes and writes its data).
    let signalTurns = KeyedSerializer()
    /// This engine's operations now running, by their claims.
    let operations = RunningOperations()

    public convenience init(
        store: any Store, plugins: PluginRegistry = .native, maxParallel: Int = 64, leaseSeconds: Double = 30,
        limits: ReaderLimits = .default
    ) {
        self.init(store: store, plugins: plugins, maxParallel: maxParallel, leaseSeconds: leaseSeconds, limits: limits,
                  secondsPerTimeoutMinute: 60)
    }

    init(
        store: any Store, plugins: PluginRegistry, maxParallel: Int, leaseSeconds: Double, limits: ReaderLimits,
        secondsPerTimeoutMinute: Double
    ) {
        self.secondsPerTimeoutMinute = secondsPerTimeoutMinute
        self.store = store
        self.limits = limits
        self.plugins = plugins
        self.maxParallel = max(1, maxParallel)
        self.leaseSeconds = leaseSeconds
        self.owner = "kiln:\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
    }

    // MARK: Reading

    /// A live stack by name or id.
    public func stack(_ nameOrID: String, projectID: String = "default") async throws -> StackRecord {
        if let found = try await store.stack(named: nameOrID, projectID: projectID) { return found }
        if let found = try await store.stack(id: nameOrID), found.projectID == projectID { return found }
        throw EngineError.notFound("stack '\(nameOrID)' not found")
    }

    public func stacks(_ query: StackQuery = StackQuery()) async throws -> [StackRecord] { try await store.stacks(query) }

    public func resources(of stack: StackRecord) async throws -> [ResourceRecord] {
        let secrets = await self.secrets(of: stack)
        return try await store.resources(stackID: stack.id).map { record in
            guard !secrets.isEmpty else { return record }
            var shown = record
            shown.properties = record.properties.redacting(secrets)
            shown.attributes = record.attributes.redacting(secrets)
            shown.data = record.data.redacting(secrets)
            shown.metadata = record.metadata.redacting(secrets)
            shown.statusReason = Value.redact(record.statusReason, secrets)
            return shown
        }
    }

    public func events(of stack: StackRecord, resource: String? = nil, after: Int64? = nil, limit: Int? = nil) async throws -> [EventRecord] {
        let secrets = await self.secrets(of: stack)
        return try await store.events(stackID: stack.id, resourceName: resource, after: after, limit: limit).map { event in
            var shown = event
            shown.reason = Value.redact(event.reason, secrets)
            return shown
        }
    }

    /// The values of the stack's hidden parameters (see `LoadedTemplate.secrets`).
    func secrets(of stack: StackRecord) async -> [String] {
        (try? await load(stack))?.secrets ?? []
    }

    public func template(of stack: StackRecord) async throws -> TemplateRecord {
        guard let id = stack.templateID, let template = try await store.template(id: id) else {
            throw EngineError.notFound("stack '\(stack.name)' has no template")
        }
        return template
    }

    /// The stack's outputs, resolved against its resources as they are now.
    public func outputs(of stack: StackRecord) async throws -> [StackOutput] {
        let opened = try await open(stack)
        let secrets = opened.loaded.secrets
        return opened.outputs.map { output in
            var shown = output
            shown.value = output.value.redacting(secrets)
            shown.error = output.error.map { Value.redact($0, secrets) }
            return shown
        }
    }

    static func outputs(of loaded: LoadedTemplate, resources: [String: ResolvedResource]) -> [StackOutput] {
        let scope = loaded.scope(resources: resources)
        return loaded.template.outputs.map { output in
            let description = output.description ?? "No description given"
            if let condition = output.condition, (try? scope.condition(condition)) != true {
                return StackOutput(key: output.name, value: .null, description: description)
            }
            guard let expression = output.value else { return StackOutput(key: output.name, value: .null, description: description) }
            do {
                return StackOutput(key: output.name, value: try scope.value(of: expression), description: description)
            } catch let error as EvaluationError {
                return StackOutput(key: output.name, value: .null, description: description, error: error.message)
            } catch {
                return StackOutput(key: output.name, value: .null, description: description, error: "\(error)")
            }
        }
    }

    /// The stack's template made ready to run, validated once per stored template (see
    /// `LoadedTemplates`); `template` loads another one for it (a rollback's previous template).
    func load(_ stack: StackRecord, template: TemplateRecord? = nil) async throws -> LoadedTemplate {
        let facade = await facade(parentID: stack.parentID, parentResource: stack.parentResource)
        let record: TemplateRecord
        if let template {
            record = template
        } else {
            guard let id = stack.templateID else { throw EngineError.notFound("stack '\(stack.name)' has no template") }
            if let cached = loadedTemplates.get(stack: stack, templateID: id, facade: facade) { return cached }
            record = try await self.template(of: stack)
        }
        let loaded = try LoadedTemplate.load(
            record, parameters: stack.parameters, stackID: stack.id, stackName: stack.name, projectID: stack.projectID,
            plugins: plugins, limits: limits, readFromDisk: false, facade: facade)
        if let id = record.id { loadedTemplates.put(loaded, stack: stack, templateID: id) }
        return loaded
    }

    /// What `resource_facade` gives a nested stack: its owner resource's metadata,
    /// deletion_policy and update_policy, evaluated in the parent stack.
    func facade(parentID: String?, parentResource: String?) async -> [String: Value]? {
        guard let parentID, let name = parentResource, let parent = try? await store.stack(id: parentID),
              let opened = try? await open(parent), let definition = opened.loaded.template.resource(named: name)
        else { return nil }
        let scope = opened.loaded.scope(resources: opened.resolved)
        func evaluate(_ expression: KilnTemplate.Expression?, otherwise: Value) -> Value {
            expression.flatMap { try? scope.value(of: $0) } ?? otherwise
        }
        return [
            "metadata": evaluate(definition.metadata, otherwise: .map([:])),
            "deletion_policy": evaluate(definition.deletionPolicy, otherwise: "Delete"),
            "update_policy": evaluate(definition.updatePolicy, otherwise: .map([:])),
        ]
    }

    static func reason(for error: Error) -> String {
        switch error {
        case let failure as ResourceFailure: return failure.description
        case let failure as EvaluationError: return failure.message
        default: return "\(error)"
        }
    }

    // MARK: Create

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
        let loaded = try LoadedTemplate.load(
            submitted, parameters: request.parameters, stackID: stack.id, stackName: stack.name,
            projectID: request.projectID, plugins: plugins, limits: limits, readFromDisk: readFromDisk,
            facade: facade, document: request.document)
        var template = submitted
        template.files = loaded.files
        let event = EventRecord(
            stackID: stack.id, resourceName: stack.name, physicalResourceID: stack.id, resourceType: "OS::Heat::Stack",
            action: action, status: .inProgress, reason: started)
        stack.owner = newOperationClaim()
        do {
            stack = try await store.createStack(stack, template: template, events: [event])
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

    // MARK: Delete

    /// Deletes the stack's resources and then the stack; carried to a final state.
    @discardableResult
    public func delete(_ nameOrID: String, projectID: String = "default", observer: EngineObserver? = nil) async throws -> StackRecord {
        var stack = try await self.stack(nameOrID, projectID: projectID)
        // Busy even when this engine runs the operation: two walks must never share a stack.
        if stack.status == .inProgress, !(try leaseLapsed(stack)) {
            let holder = holderDescription(stack).map { " (\($0) is running it)" } ?? ""
            throw EngineError.conflict("stack '\(stack.name)' is busy: \(stack.statusText)\(holder)")
        }
        guard try await claimOperation(&stack) else {
            throw EngineError.conflict("stack '\(stack.name)' is busy: \(stack.statusText)")
        }
        let loaded = try await load(stack)
        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: try await store.resources(stackID: stack.id), observer: observer)
        run.setStack(.delete, .inProgress, reason: "Stack DELETE started")
        try await run.flush()
        return try await runDelete(run)
    }

    func runDelete(_ run: StackRun) async throws -> StackRecord {
        try await withLease(run) {
            if let failure = try await run.deleteResources() {
                run.setStack(.delete, .failed, reason: failure)
                try await run.flush()
                return run.stack
            }
            run.setStack(.delete, .complete, reason: "Stack DELETE completed successfully")
            try await run.flush()
            try await store.purgeStack(id: run.stack.id)
            loadedTemplates.forget(stackID: run.stack.id)
            return run.stack
        }
    }
}

extension Engine {
    /// The child stacks of a stack (group members' stacks, provider templates, OS::Heat::Stack).
    public func nestedStacks(of stack: StackRecord) async throws -> [StackRecord] {
        try await store.childStacks(of: stack.id)
    }

    /// A stack's events and, down to `depth` levels, those of its nested stacks, in the
    /// order they happened; nested events name their resource `child-stack/resource`.
    public func events(of stack: StackRecord, nestedDepth depth: Int, resource: String? = nil) async throws -> [EventRecord] {
        var all = try await events(of: stack, resource: resource)
        guard depth > 0 else { return all }
        for child in try await nestedStacks(of: stack) {
            for var event in try await events(of: child, nestedDepth: depth - 1, resource: resource) {
                // The child's own stack events already carry its name.
                if !(event.resourceType == "OS::Heat::Stack" && event.resourceName == child.name) {
                    event.resourceName = "\(child.name)/\(event.resourceName)"
                }
                all.append(event)
            }
        }
        return all.sorted { ($0.timestamp, $0.sequence ?? 0) < ($1.timestamp, $1.sequence ?? 0) }
    }
}
