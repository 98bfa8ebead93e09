import Foundation
import KilnClient
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// A Heat-compatible server (`kiln serve` or OpenStack Heat) through its v1 API. Operations
/// are asynchronous there: each is started, then followed through its events (as the openstack
/// client's `--wait` does) until the stack leaves IN_PROGRESS: pushed by the server's event
/// stream, or polled from a server without one (RemoteStackService+Follow.swift).
struct RemoteStackService: StackService {
    let client: HeatClient
    /// Between polls of a running operation, on a server without an event stream.
    var pollInterval: UInt64 = 500_000_000

    func stack(_ name: String) async throws -> StackRecord { try await client.stack(name, resolveOutputs: false).record }

    func stacks(_ query: StackQuery) async throws -> [StackRecord] {
        try await client.stacks(tags: query.tags, statuses: query.statuses, showDeleted: query.showDeleted)
    }

    func show(_ stack: StackRecord) async -> Value {
        guard let found = try? await client.stack(stack.id) else { return StackFormat.show(StackView(remote: stack, body: [:])) }
        return StackFormat.show(StackView(remote: found.record, body: found.body))
    }

    // MARK: Operations

    func create(_ request: StackRequest, observer: EngineObserver?) async throws -> StackRecord {
        let submission = try Self.submission(request)
        let id = try await Self.naming(request.templateName) { try await client.create(submission) }
        return try await follow(try await stack(id), after: nil, observer: observer)
    }

    func previewCreate(_ request: StackRequest) async throws -> [PlanLine] {
        let submission = try Self.submission(request)
        let resources = try await Self.naming(request.templateName) { try await client.previewCreate(submission) }
        return Self.inTemplateOrder(Self.previewLines(resources, template: request.template), template: request.template)
    }

    /// A create preview's resources as plan lines. Heat's preview puts a nested stack's
    /// resources (a list) where its owner would be: the owner is named by their
    /// `parent_resource`, its type read from the template (an empty nested stack names none).
    static func previewLines(_ resources: [Value], template: String) -> [PlanLine] {
        let declared = (try? YAMLReader().read(template, file: "template"))
            .flatMap { ($0["resources"] ?? $0["Resources"])?.mapping } ?? []
        return resources.compactMap { entry in
            guard let members = entry.listValue else { return planLine(entry, kind: "added") }
            guard let owner = members.first?.mapValue?["parent_resource"]?.stringValue else { return nil }
            let type = declared.first { $0.key == owner }?.value["type"]?.string ?? ""
            return PlanLine(name: owner, type: type, kind: "added")
        }
    }

    func update(_ name: String, _ request: UpdateRequest, observer: EngineObserver?) async throws -> StackRecord {
        let found = try await stack(name)
        let submission = try Self.submission(request)
        let marker = try await client.lastEventID(found)
        try await Self.naming(request.templateName) { try await client.update(found, submission, existing: request.existing) }
        return try await follow(found, after: marker, observer: observer)
    }

    func previewUpdate(_ name: String, _ request: UpdateRequest) async throws -> [PlanLine] {
        let found = try await stack(name)
        let submission = try Self.submission(request)
        let groups = try await Self.naming(request.templateName) {
            try await client.previewUpdate(found, submission, existing: request.existing)
        }
        let lines = ["added", "updated", "replaced", "deleted", "unchanged"].flatMap { kind in
            (groups[kind] ?? []).map { Self.planLine($0, kind: kind) }
        }
        return Self.inTemplateOrder(lines, template: request.template)
    }

    func delete(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        let found = try await stack(name)
        let marker = try await client.lastEventID(found)
        try await client.delete(found)
        return try await follow(found, after: marker, observer: observer)
    }

    func suspend(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        try await action(name, "suspend", observer: observer)
    }

    func resume(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        try await action(name, "resume", observer: observer)
    }

    func check(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        try await action(name, "check", observer: observer)
    }

    private func action(_ name: String, _ action: String, observer: EngineObserver?) async throws -> StackRecord {
        let found = try await stack(name)
        let marker = try await client.lastEventID(found)
        try await client.action(found, action)
        return try await follow(found, after: marker, observer: observer)
    }

    func cancelUpdate(_ name: String, rollback: Bool) async throws {
        try await client.action(try await stack(name), rollback ? "cancel_update" : "cancel_without_rollback")
    }

    func abandon(_ name: String) async throws -> Value { try await client.abandon(try await stack(name)) }

    func adopt(_ request: StackRequest, data: Value, observer: EngineObserver?) async throws -> StackRecord {
        let submission = try Self.submission(request)
        let id = try await Self.naming(request.templateName) { try await client.create(submission, adopting: data) }
        return try await follow(try await stack(id), after: nil, observer: observer)
    }

    // MARK: Snapshots

    func snapshot(_ name: String, snapshotName: String?) async throws -> SnapshotRecord {
        try await client.snapshot(try await stack(name), name: snapshotName)
    }

    func snapshots(_ name: String) async throws -> [SnapshotRecord] { try await client.snapshots(try await stack(name)) }

    func restore(_ name: String, snapshotID: String, observer: EngineObserver?) async throws -> StackRecord {
        let found = try await stack(name)
        let marker = try await client.lastEventID(found)
        try await client.restore(found, snapshotID: snapshotID)
        return try await follow(found, after: marker, observer: observer)
    }

    func deleteSnapshot(_ name: String, snapshotID: String) async throws {
        try await client.deleteSnapshot(try await stack(name), snapshotID: snapshotID)
    }

    // MARK: Resources, events, outputs

    func resources(_ name: String) async throws -> [ResourceRecord] { try await client.resources(try await stack(name)) }

    func resource(_ name: String, _ resource: String) async throws -> (ResourceRecord, all: [ResourceRecord]) {
        let found = try await stack(name)
        let all = try await client.resources(found)
        return (try await client.resource(found, resource), all)
    }

    func events(_ stack: StackRecord, nestedDepth: Int, resource: String?, after: EventRecord?) async throws -> [EventRecord] {
        try await client.events(stack, nestedDepth: after == nil ? nestedDepth : 0, resource: resource, marker: after?.id)
    }

    func refreshed(_ stack: StackRecord) async throws -> StackRecord? {
        do {
            return try await client.stack(stack.id, resolveOutputs: false).record
        } catch where error.isNotFound {
            return nil
        }
    }

    func outputs(_ name: String) async throws -> [StackOutput] {
        let found = try await client.stack(name)
        return client.outputs(found).map(Self.output)
    }

    func output(_ name: String, key: String) async throws -> StackOutput {
        Self.output(try await client.output(try await stack(name), key: key))
    }

    func signal(_ name: String, resource: String, data: Value) async throws {
        try await client.signal(try await stack(name), resource: resource, data: data)
    }

    /// The server shows a stack resource's child id from the moment the child exists.
    func nestedStack(_ stack: StackRecord, resource: String) async throws -> StackRecord? {
        guard let id = try await client.resource(stack, resource).physicalID, !id.isEmpty else { return nil }
        do {
            return try await client.stack(id, resolveOutputs: false).record
        } catch where error.isNotFound {
            return nil
        }
    }

    func markUnhealthy(_ name: String, resource: String, unhealthy: Bool, reason: String?) async throws {
        try await client.markUnhealthy(try await stack(name), resource: resource, unhealthy: unhealthy, reason: reason)
    }

    // MARK: Requests

    static func submission(_ request: StackRequest) throws -> StackSubmission {
        let files = try TemplateFiles(
            templatePath: request.templateName, template: request.template,
            environments: request.environments.map { (path: $0.name, text: $0.text) })
        return StackSubmission(
            name: request.name, template: request.template, files: files, parameters: request.parameters,
            timeoutMinutes: request.timeoutMinutes, disableRollback: request.disableRollback,
            tags: request.tags.isEmpty ? nil : request.tags)
    }

    static func submission(_ request: UpdateRequest) throws -> StackSubmission {
        let files = try TemplateFiles(
            templatePath: request.templateName, template: request.template,
            environments: (request.environments ?? []).map { (path: $0.name, text: $0.text) })
        return StackSubmission(
            template: request.template, files: files, parameters: request.parameters,
            keepEnvironments: request.environments == nil, clearParameters: request.clearParameters,
            timeoutMinutes: request.timeoutMinutes, disableRollback: request.disableRollback, tags: request.tags)
    }

    /// The server calls the submitted template "template": its diagnostics name the local file.
    static func naming<T>(_ templateName: String?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch KilnClientError.server(let status, "StackValidationFailed", let message) {
            guard let templateName else { throw KilnClientError.server(status: status, type: "StackValidationFailed", message: message) }
            let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("template:") ? templateName + line.dropFirst("template".count) : String(line)
            }
            throw KilnClientError.server(status: status, type: "StackValidationFailed", message: lines.joined(separator: "\n"))
        }
    }

    /// The embedded engine's plan order: the template's resources as declared, then deleted
    /// ones by name. The server's groups do not keep it, and with `--existing` and no new
    /// template it is not known here: then by name, deleted ones last.
    static func inTemplateOrder(_ lines: [PlanLine], template: String?) -> [PlanLine] {
        let declared = template.flatMap { try? YAMLReader().read($0, file: "template") }
            .flatMap { ($0["resources"] ?? $0["Resources"])?.mapping?.map(\.key) } ?? []
        let position = Dictionary(declared.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return lines.sorted { a, b in
            let left = (a.kind == "deleted" ? 1 : 0, position[a.name] ?? Int.max, a.name)
            let right = (b.kind == "deleted" ? 1 : 0, position[b.name] ?? Int.max, b.name)
            return left < right
        }
    }

    static func planLine(_ resource: Value, kind: String) -> PlanLine {
        let map = resource.mapValue ?? [:]
        return PlanLine(
            name: map["resource_name"]?.stringValue ?? "", type: map["resource_type"]?.stringValue ?? "", kind: kind)
    }

    static func output(_ output: HeatOutput) -> StackOutput {
        StackOutput(key: output.key, value: output.value, description: output.description, error: output.error)
    }
}
