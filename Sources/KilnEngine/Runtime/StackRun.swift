import KilnCloud
import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// Sees every event as soon as it is committed (live progress in the CLI).
public typealias EngineObserver = @Sendable (EventRecord) -> Void

/// The state of one operation on one stack while it runs. Only the walking task mutates
/// it; resource tasks get what they need handed to them. Every transition is added to a
/// pending batch, and the batch is committed before anything acts on those transitions.
final class StackRun {
    let engine: Engine
    var stack: StackRecord
    let loaded: LoadedTemplate
    let observer: EngineObserver?
    let deadline: Date?
    /// Resolves resource types (registry, provider templates) to plugins.
    let types: TypeResolver
    /// Current records by resource name.
    var records: [String: ResourceRecord]
    /// Resources that exist and can be read by others.
    var live: [String: ResolvedResource] = [:]
    private var pending = StoreBatch()
    /// Notifications that are not of an event (autoscaling), committed with the next flush.
    private var pendingNotifications: [OutboxNotification] = []
    /// The stack's notification sinks, worked out once per run.
    private lazy var sinks: [EventSink] = engine.sinks(of: loaded)
    /// Set once a flush has committed the stack's cursors (later flushes need not).
    private var subscribed = false
    /// The engine holding the stack's lease while this run commits (set by `withLease`);
    /// every commit then checks it still holds it.
    var leaseOwner: String?
    /// Set while the operation's main walk runs: a cancel request stops it (see `watchingForCancel`).
    var stop: OperationStop?

    init(engine: Engine, stack: StackRecord, loaded: LoadedTemplate, records: [ResourceRecord], observer: EngineObserver?) {
        self.engine = engine
        self.stack = stack
        self.loaded = loaded
        self.observer = observer
        self.deadline = stack.timeoutMinutes.map { Date().addingTimeInterval(Double($0) * engine.secondsPerTimeoutMinute) }
        self.types = TypeResolver(plugins: engine.plugins, loaded: loaded)
        var byName: [String: ResourceRecord] = [:]
        for record in records { byName[record.name] = record }
        self.records = byName
        for record in records where record.status == .complete && record.action != .delete && record.action != .initial {
            if let plugin = types.plugin(type: record.type, resource: record.name) {
                live[record.name] = ResolvedResource(live: liveResource(from: record), plugin: plugin)
            }
        }
    }

    /// The plugin running a resource of this stack (see `TypeResolver`).
    func plugin(type: String, resource name: String) -> (any ResourcePlugin)? {
        types.plugin(type: type, resource: name)
    }

    /// What plugins of this stack see of the engine, nested stacks included.
    func resourceContext() -> EngineResourceContext {
        EngineResourceContext(
            store: engine.store, plugins: engine.plugins, stackID: stack.id, stackName: stack.name, deadline: deadline,
            projectID: stack.projectID, cloudProvider: engine.cloud, lease: leaseOwner, stop: stop, types: types,
            nestedStacks: NestedStackRunner(
                engine: engine, parent: stack, environments: loaded.environments, files: loaded.files, stop: stop))
    }

    func liveResource(from record: ResourceRecord) -> LiveResource {
        LiveResource(record, stackName: stack.name)
    }

    // MARK: Transitions

    /// Moves a resource to a new state (and records its event) in the pending batch.
    func transition(_ name: String, type: String, _ action: Action, _ status: Status, reason: String,
                    live resource: LiveResource? = nil, requires: [String]? = nil) {
        var record = records[name] ?? ResourceRecord(stackID: stack.id, name: name, type: type)
        record.type = type
        record.action = action
        record.status = status
        record.statusReason = reason
        record.updatedAt = Date()
        if let resource {
            record.physicalID = resource.physicalID
            record.properties = .map(resource.properties)
            record.data = .map(resource.data)
            record.attributes = .map(resource.attributes)
            record.metadata = resource.metadata
        }
        if let requires { record.requires = requires }
        records[name] = record
        pending.resources.append(record)
        pending.events.append(EventRecord(
            stackID: stack.id, resourceName: name, physicalResourceID: record.physicalID ?? "",
            resourceType: type, action: action, status: status, reason: reason))
    }

    /// Removes a resource's record (after it is deleted), with its DELETE_COMPLETE event.
    func remove(_ name: String, eventName: String? = nil) {
        guard let record = records.removeValue(forKey: name) else { return }
        live.removeValue(forKey: name)
        pending.deletedResources.append((stack.id, name))
        pending.events.append(EventRecord(
            stackID: stack.id, resourceName: eventName ?? name, physicalResourceID: record.physicalID ?? "",
            resourceType: record.type, action: .delete, status: .complete, reason: "state changed"))
    }

    /// Keeps a replaced resource on record (as `name~ID`) until it is deleted, so a crash
    /// between the replacement and the clean-up loses track of nothing: the next update or
    /// delete removes it as a resource no longer in the template.
    func keepReplaced(_ old: LiveResource, of name: String) -> String {
        let record = Self.keptRecord(old, of: name, stackID: stack.id)
        records[record.name] = record
        pending.resources.append(record)
        return record.name
    }

    /// The name a replaced resource is kept under: `name~ID`.
    static func keptName(of old: LiveResource, for name: String) -> String {
        "\(name)~\(old.physicalID.map { String($0.prefix(12)) } ?? "replaced")"
    }

    static func keptRecord(_ old: LiveResource, of name: String, stackID: String) -> ResourceRecord {
        ResourceRecord(
            stackID: stackID, name: keptName(of: old, for: name), type: old.type, physicalID: old.physicalID, action: .update,
            status: .complete, statusReason: "replaced by a new \(name); deleted once the update completes",
            properties: .map(old.properties), attributes: .map(old.attributes), data: .map(old.data),
            metadata: old.metadata, requires: [], createdAt: Date())
    }

    /// Drops a kept record whose replacement was not made (its object is still the resource's).
    func forgetKept(_ kept: String) {
        records.removeValue(forKey: kept)
        pending.deletedResources.append((stack.id, kept))
    }

    /// Sets the stack's state, with Heat's stack event.
    func setStack(_ action: Action, _ status: Status, reason: String) {
        stack.action = action
        stack.status = status
        stack.statusReason = reason
        stack.updatedAt = Date()
        if status != .inProgress {
            stack.owner = nil
            stack.leaseExpiry = nil
        }
        pending.stacks.append(stack)
        pending.events.append(EventRecord.ofStack(stack, action, status, reason: reason))
    }

    /// Writes a resource's record as it stands (no change of state) in the pending batch,
    /// with an event carrying `reason` at its current state if given (a hook's pause).
    func keep(_ record: ResourceRecord, event reason: String? = nil) {
        records[record.name] = record
        pending.resources.append(record)
        if let reason {
            pending.events.append(EventRecord(
                stackID: stack.id, resourceName: record.name, physicalResourceID: record.physicalID ?? "",
                resourceType: record.type, action: record.action, status: record.status, reason: reason))
        }
    }

    /// Adds an event that changes no resource's state (a scaling policy's signal) to the pending batch.
    func record(_ event: EventRecord) {
        pending.events.append(event)
    }

    /// Adds Heat's autoscaling notification of a resize of `group` to the next flush.
    func notifyScaling(_ suffix: String, group: String, adjustment: Value, type: String, capacity: Int, message: String) {
        pendingNotifications += engine.scalingNotification(
            suffix, run: self, group: group, adjustment: adjustment, adjustmentType: type, capacity: capacity, message: message)
    }

    /// Commits everything pending in one transaction (with the notifications of its events),
    /// then shows its events.
    func flush() async throws {
        guard !pending.isEmpty || !pendingNotifications.isEmpty else { return }
        var batch = pending
        let extra = pendingNotifications
        pending = StoreBatch()
        pendingNotifications = []
        batch.lease = leaseOwner.map { (stack.id, $0) }
        // The operation's final state: its claim goes with it.
        batch.releasesLease = batch.stacks.last { $0.id == stack.id }.map { $0.status != .inProgress } ?? false
        try await engine.commit(batch, stack: stack, loaded: loaded, extra: extra, sinks: sinks, subscribe: !subscribed)
        subscribed = true
        if let observer { for event in batch.events { observer(event) } }
    }

    var timedOut: Bool { deadline.map { Date() > $0 } ?? false }

    /// The stack's resources as stored, each with what it required when it was made or last
    /// updated: deletes, and actions over what exists, walk this graph.
    var storedGraph: DependencyGraph {
        let names = records.keys.sorted()
        var edges: [String: [String]] = [:]
        for name in names {
            edges[name] = records[name]?.requires.filter { records[$0] != nil } ?? []
        }
        return DependencyGraph(nodes: names, edges: edges)
    }

    /// What a resource waits for, from the validator's dependency graph.
    func requirements(of name: String) -> [String] { loaded.graph.edges[name] ?? [] }

    /// The resources a definition's values depend on, as they are now.
    func dependencies(of definition: ResourceDefinition) -> [String: ResolvedResource] {
        var out: [String: ResolvedResource] = [:]
        for name in requirements(of: definition.name) { if let resource = live[name] { out[name] = resource } }
        return out
    }

    /// Resolved properties with schema defaults filled in.
    func resolveProperties(of definition: ResourceDefinition, schema: ResourceTypeSchema) throws -> [String: Value] {
        let scope = loaded.scope(resources: dependencies(of: definition))
        var properties: [String: Value] = [:]
        if let expression = definition.properties {
            let value = try scope.value(of: expression)
            switch value {
            case .map(let map): properties = map.dictionary
            case .null: break
            default: throw EvaluationError("properties must be a map, found \(value.kindName)", at: expression.location)
            }
        }
        for (name, property) in schema.properties where properties[name] == nil || properties[name] == .null {
            if let fallback = property.defaultValue { properties[name] = fallback }
        }
        for (name, property) in schema.properties where property.required && (properties[name] ?? .null) == .null {
            throw ResourceFailure.failed("Property \(name) not assigned")
        }
        return properties
    }

    func updatePolicy(of definition: ResourceDefinition) throws -> Value {
        guard let expression = definition.updatePolicy else { return .map([:]) }
        return try loaded.scope(resources: dependencies(of: definition)).value(of: expression)
    }

    func metadata(of definition: ResourceDefinition) throws -> Value {
        guard let expression = definition.metadata else { return .map([:]) }
        return try loaded.scope(resources: dependencies(of: definition)).value(of: expression)
    }

    /// Resolved outputs of the stack as it is now.
    func outputs() -> [StackOutput] {
        Engine.outputs(of: loaded, resources: live)
    }
}

/// What a plugin sees of the engine while it works on one resource.
struct EngineResourceContext: ResourceContext {
    let store: any Store
    let plugins: PluginRegistry
    let stackID: String
    let stackName: String
    let deadline: Date?
    let projectID: String
    /// The engine's cloud (nil: none configured).
    var cloudProvider: (any Cloud)? = nil
    /// The operation's claim on the stack: what a plugin saves is fenced by it, as every
    /// commit of the run is (nil: not under an operation).
    var lease: String? = nil
    /// The operation's stop request: waits end when it is made, as when the task is cancelled
    /// (a node the walk runs on its own task is interrupted this way).
    var stop: OperationStop? = nil
    /// The stack's type resolution (nil: plain registry types only).
    var types: TypeResolver? = nil
    /// Child stacks of this stack's resources (nil: not available here).
    var nestedStacks: (any NestedStacks)? = nil

    func resource(named name: String) async throws -> LiveResource? {
        try await store.resource(stackID: stackID, name: name).map(live(from:))
    }

    func cloud() throws -> CloudSession {
        guard let cloudProvider else {
            throw ResourceFailure.failed("no cloud is configured for this engine: cloud resource types cannot run")
        }
        return cloudProvider.session(projectID: projectID)
    }

    func keepSoftwareConfig(_ document: [String: Value]) async throws {
        guard let id = document["id"]?.stringValue else { throw ResourceFailure.failed("a software config needs an id") }
        try await store.saveSoftwareConfig(SoftwareConfigRecord(
            id: id, projectID: projectID, name: document["name"]?.stringValue, group: document["group"]?.stringValue,
            config: document["config"] ?? .null, inputs: .list(try SoftwareConfigIO.inputs(document["inputs"] ?? .null)),
            outputs: .list(try SoftwareConfigIO.outputs(document["outputs"] ?? .null)),
            options: document["options"] ?? .map([:])))
    }

    func softwareConfig(id: String) async throws -> SoftwareConfigRecord? {
        try await store.softwareConfig(id: id)
    }

    func keepSoftwareDeployment(_ deployment: SoftwareDeploymentRecord) async throws {
        try await store.saveSoftwareDeployment(deployment)
    }

    func softwareDeployment(id: String) async throws -> SoftwareDeploymentRecord? {
        try await store.softwareDeployment(id: id)
    }

    func forgetSoftwareDeployment(id: String) async throws {
        try await store.deleteSoftwareDeployment(id: id)
    }

    func forgetSoftwareConfig(id: String) async throws {
        guard try await store.softwareConfig(id: id) != nil else { return }
        guard try await store.deleteSoftwareConfig(id: id) else {
            throw ResourceFailure.failed("Software config with id \(id) can not be deleted as it is referenced.")
        }
    }

    func resource(referencedBy referenceID: String) async throws -> LiveResource? {
        for record in try await store.resources(stackID: stackID) {
            let resource = live(from: record)
            let resolver = types ?? TypeResolver(plugins: plugins)
            if let plugin = resolver.plugin(type: record.type, resource: record.name), plugin.referenceID(resource) == .string(referenceID) {
                return resource
            }
        }
        return nil
    }

    private func live(from record: ResourceRecord) -> LiveResource {
        LiveResource(record, stackName: stackName)
    }

    func save(_ resource: LiveResource) async throws {
        guard var record = try await store.resource(stackID: stackID, name: resource.name) else { return }
        record.physicalID = resource.physicalID
        record.data = .map(resource.data)
        record.attributes = .map(resource.attributes)
        record.metadata = resource.metadata
        record.updatedAt = Date()
        var batch = StoreBatch(resources: [record])
        batch.lease = lease.map { (stackID, $0) }
        try await store.commit(batch)
    }

    /// Commits the resource's current object under its kept name (see `StackRun.keepReplaced`)
    /// before a replacement is made, fenced by the operation's claim.
    func keepReplaced(_ old: LiveResource) async throws {
        guard old.physicalID != nil else { return }
        var batch = StoreBatch(resources: [StackRun.keptRecord(old, of: old.name, stackID: stackID)])
        batch.lease = lease.map { (stackID, $0) }
        try await store.commit(batch)
    }

    func sleep(seconds: Double) async throws {
        // A wait past the deadline lasts until the deadline, then fails: the operation times
        // out when its timeout says, not before.
        let limit = deadline.map { min(seconds, $0.timeIntervalSinceNow) } ?? seconds
        let nanoseconds = UInt64(max(0, limit) * 1_000_000_000)
        if let stop {
            guard await stop.sleep(nanoseconds: nanoseconds), !Task.isCancelled else {
                throw ResourceFailure.cancelled("cancelled")
            }
        } else {
            do {
                try await Task.sleep(nanoseconds: nanoseconds)
            } catch {
                throw ResourceFailure.cancelled("cancelled")
            }
        }
        if limit < seconds { throw ResourceFailure.cancelled("timed out") }
    }

    var nested: any NestedStacks { nestedStacks ?? UnavailableNestedStacks() }
}

/// Where an operation offers no nested stacks, plugins that need them fail clearly.
struct UnavailableNestedStacks: NestedStacks {
    func apply(owner resource: String, template: NestedTemplate, parameters: [String: Value]) async throws -> NestedStackResult {
        throw ResourceFailure.failed("nested stacks are not available in this operation")
    }
    func delete(owner resource: String) async throws {}
    func result(owner resource: String) async throws -> NestedStackResult? { nil }
}
