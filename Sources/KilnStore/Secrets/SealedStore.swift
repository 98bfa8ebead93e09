import Foundation
import KilnModel

/// Any store with its secrets sealed at rest (see `SealedRecords` for which): records are
/// sealed on their way in and opened on their way out, so the engine above and the SQL below
/// are unchanged, and SQLite and PostgreSQL are sealed alike by this one type.
///
/// Everything else is passed through untouched. A value stored before sealing opens as itself,
/// so putting this in front of an existing database needs no migration.
public struct SealedStore: Store {
    public let base: any Store
    public let sealer: SecretSealer

    public init(_ base: any Store, sealer: SecretSealer) {
        self.base = base
        self.sealer = sealer
    }

    // Stacks
    public func createStack(
        _ stack: StackRecord, template: TemplateRecord, events: [EventRecord], subscription: NotificationSubscription?
    ) async throws -> StackRecord {
        let created = try await base.createStack(
            sealer.sealed(stack), template: sealer.sealed(template), events: events, subscription: sealer.sealed(subscription))
        return try sealer.opened(created)
    }

    public func stack(id: String) async throws -> StackRecord? {
        try await base.stack(id: id).map(sealer.opened)
    }

    public func stack(named name: String, projectID: String) async throws -> StackRecord? {
        try await base.stack(named: name, projectID: projectID).map(sealer.opened)
    }

    public func stacks(_ query: StackQuery) async throws -> [StackRecord] {
        try await base.stacks(query).map(sealer.opened)
    }

    public func stackCounts() async throws -> [String: Int] { try await base.stackCounts() }

    public func childStacks(of parentID: String) async throws -> [StackRecord] {
        try await base.childStacks(of: parentID).map(sealer.opened)
    }

    public func purgeStack(id: String) async throws { try await base.purgeStack(id: id) }

    public func purgeDeletedStacks(before cutoff: Date) async throws -> Int { try await base.purgeDeletedStacks(before: cutoff) }

    // Templates
    public func saveTemplate(_ template: TemplateRecord) async throws -> Int64 {
        try await base.saveTemplate(sealer.sealed(template))
    }

    public func template(id: Int64) async throws -> TemplateRecord? {
        try await base.template(id: id).map(sealer.opened)
    }

    // Resources and events
    public func resources(stackID: String) async throws -> [ResourceRecord] {
        try await base.resources(stackID: stackID).map(sealer.opened)
    }

    public func resource(stackID: String, name: String) async throws -> ResourceRecord? {
        try await base.resource(stackID: stackID, name: name).map(sealer.opened)
    }

    public func events(stackID: String, resourceName: String?, after sequence: Int64?, limit: Int?) async throws -> [EventRecord] {
        try await base.events(stackID: stackID, resourceName: resourceName, after: sequence, limit: limit)
    }

    public func commit(_ batch: StoreBatch) async throws {
        var sealed = batch
        sealed.stacks = batch.stacks.map(sealer.sealed)
        sealed.resources = batch.resources.map(sealer.sealed)
        sealed.subscription = sealer.sealed(batch.subscription)
        try await base.commit(sealed)
    }

    // Snapshots
    public func saveSnapshot(_ snapshot: SnapshotRecord) async throws { try await base.saveSnapshot(sealer.sealed(snapshot)) }

    public func snapshots(stackID: String) async throws -> [SnapshotRecord] {
        try await base.snapshots(stackID: stackID).map(sealer.opened)
    }

    public func snapshot(id: String) async throws -> SnapshotRecord? {
        try await base.snapshot(id: id).map(sealer.opened)
    }

    public func deleteSnapshot(id: String) async throws { try await base.deleteSnapshot(id: id) }

    // Leases: the interrupted stacks are read whole, so they are opened too.
    public func claim(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await base.claim(stackID: stackID, owner: owner, until: expiry, now: now)
    }

    public func renew(stackID: String, owner: String, until expiry: Date) async throws -> Bool {
        try await base.renew(stackID: stackID, owner: owner, until: expiry)
    }

    public func release(stackID: String, owner: String) async throws { try await base.release(stackID: stackID, owner: owner) }

    public func cancelRequest(stackID: String) async throws -> String? { try await base.cancelRequest(stackID: stackID) }

    public func takeOver(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool {
        try await base.takeOver(stackID: stackID, owner: owner, until: expiry, now: now)
    }

    public func interruptedStacks(now: Date) async throws -> [StackRecord] {
        try await base.interruptedStacks(now: now).map(sealer.opened)
    }

    // The emulated cloud's objects
    public func cloudWrite<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T {
        try await base.cloudWrite(body)
    }

    public func cloudRead<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T {
        try await base.cloudRead(body)
    }
}
