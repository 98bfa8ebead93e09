import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// The embedded engine, in this process, on HOME/kiln.db.
struct LocalStackService: StackService {
    let engine: Engine

    func stack(_ name: String) async throws -> StackRecord { try await engine.stack(name) }
    func stacks(_ query: StackQuery) async throws -> [StackRecord] { try await engine.stacks(query) }
    func show(_ stack: StackRecord) async -> Value { StackFormat.show(await engine.view(of: stack)) }

    func create(_ request: StackRequest, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.create(request, observer: observer)
    }

    func previewCreate(_ request: StackRequest) async throws -> [PlanLine] {
        try engine.previewCreate(request).map(PlanLine.init)
    }

    func update(_ name: String, _ request: UpdateRequest, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.update(name, request, observer: observer)
    }

    func previewUpdate(_ name: String, _ request: UpdateRequest) async throws -> [PlanLine] {
        try await engine.previewUpdate(name, request).map(PlanLine.init)
    }

    func delete(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.delete(name, observer: observer)
    }

    func suspend(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.suspend(name, observer: observer)
    }

    func resume(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.resume(name, observer: observer)
    }

    func check(_ name: String, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.check(name, observer: observer)
    }

    func cancelUpdate(_ name: String, rollback: Bool) async throws { try await engine.cancelUpdate(name, rollback: rollback) }
    func abandon(_ name: String) async throws -> Value { try await engine.abandon(name) }

    func adopt(_ request: StackRequest, data: Value, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.adopt(request, data: data, observer: observer)
    }

    func snapshot(_ name: String, snapshotName: String?) async throws -> SnapshotRecord {
        try await engine.snapshot(name, name: snapshotName)
    }

    func snapshots(_ name: String) async throws -> [SnapshotRecord] { try await engine.snapshots(of: try engine.stack(name)) }

    func restore(_ name: String, snapshotID: String, observer: EngineObserver?) async throws -> StackRecord {
        try await engine.restore(name, snapshotID: snapshotID, observer: observer)
    }

    func deleteSnapshot(_ name: String, snapshotID: String) async throws {
        try await engine.deleteSnapshot(name, snapshotID: snapshotID)
    }

    func resources(_ name: String) async throws -> [ResourceRecord] { try await engine.resources(of: try engine.stack(name)) }

    func resource(_ name: String, _ resource: String) async throws -> (ResourceRecord, all: [ResourceRecord]) {
        let found = try await engine.stack(name)
        let all = try await engine.resources(of: found)
        guard let record = all.first(where: { $0.name == resource }) else {
            throw EngineError.notFound("stack '\(found.name)' has no resource '\(resource)'")
        }
        return (record, all)
    }

    func events(_ stack: StackRecord, nestedDepth: Int, resource: String?, after: EventRecord?) async throws -> [EventRecord] {
        if let after { return try await engine.events(of: stack, resource: resource, after: after.sequence) }
        return try await engine.events(of: stack, nestedDepth: nestedDepth, resource: resource)
    }

    /// A deleted stack is gone from the store.
    func refreshed(_ stack: StackRecord) async throws -> StackRecord? { try? await engine.stack(stack.id) }

    func outputs(_ name: String) async throws -> [StackOutput] { try await engine.outputs(of: try engine.stack(name)) }

    func output(_ name: String, key: String) async throws -> StackOutput {
        let record = try await engine.stack(name)
        guard let found = try await engine.outputs(of: record).first(where: { $0.key == key }) else {
            throw EngineError.notFound("stack '\(record.name)' has no output '\(key)'")
        }
        return found
    }

    func signal(_ name: String, resource: String, data: Value) async throws {
        try await engine.signal(name, resource: resource, data: data)
    }

    func nestedStack(_ stack: StackRecord, resource: String) async throws -> StackRecord? {
        try await engine.nestedStacks(of: stack).first { $0.parentResource == resource }
    }

    func markUnhealthy(_ name: String, resource: String, unhealthy: Bool, reason: String?) async throws {
        try await engine.markUnhealthy(name, resource: resource, unhealthy: unhealthy, reason: reason)
    }
}
