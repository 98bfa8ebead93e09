import Foundation
import PostgresNIO

extension PostgresStore {
    /// One transaction: stacks updated, resources deleted then upserted, events appended.
    ///
    /// First it locks (`SELECT ... FOR UPDATE`, in id order so two batches cannot deadlock) the
    /// rows of the batch's lease stack and of every stack it writes events for. The lease fence
    /// is then read from a row no claim can change until this commit ends: a takeover either
    /// happened before (the batch is refused) or waits for the commit. The same locks keep each
    /// stack's events committed in sequence order, which notification cursors rely on.
    public func commit(_ batch: StoreBatch) async throws {
        guard !batch.isEmpty else { return }
        try await write { db, log in
            var locked = Set(batch.events.map(\.stackID))
            if let lease = batch.lease { locked.insert(lease.stackID) }
            if let subscription = batch.subscription { locked.insert(subscription.stackID) }
            if !locked.isEmpty {
                let rows = try await db.rows(
                    "SELECT id, owner FROM stacks WHERE id = ANY(\(locked.sorted())) ORDER BY id FOR UPDATE", log)
                if let lease = batch.lease,
                   let row = try rows.first(where: { try $0(0, String.self) == lease.stackID })
                {
                    let holder = try row(1, String?.self)
                    guard holder == lease.owner else {
                        throw StoreError(
                            "stack \(lease.stackID) is no longer held by this engine (now: \(holder ?? "nobody")): "
                                + "its operation stopped without writing")
                    }
                }
            }
            for stack in batch.stacks { try await Self.updateStack(db, log, stack) }
            try await Self.deleteResources(db, log, batch.deletedResources)
            try await Self.upsertResources(db, log, batch.resources)
            try await Self.subscribe(db, log, batch.subscription)
            try await Self.insertEvents(db, log, batch.events)
            try await Self.insertNotifications(db, log, batch.notifications)
            if let (stackID, request) = batch.cancelRequest {
                try await db.run(
                    "UPDATE stacks SET cancel_request = \(request) WHERE id = \(stackID) AND status = 'IN_PROGRESS'", log)
            }
            if let lease = batch.lease, batch.releasesLease {
                try await db.run(
                    "UPDATE stacks SET owner = NULL, lease_expiry = NULL WHERE id = \(lease.stackID) AND owner = \(lease.owner)",
                    log)
            }
        }
    }
}
