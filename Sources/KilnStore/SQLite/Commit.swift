import Foundation
import GRDB

extension SQLiteStore {
    /// One transaction: stacks updated, resources deleted then upserted (so a resource both
    /// deleted and written ends up written), events appended. Any failure rolls it all back.
    public func commit(_ batch: StoreBatch) async throws {
        guard !batch.isEmpty else { return }
        try await write { db in
            if let lease = batch.lease,
               let row = try Row.fetchOne(db, sql: "SELECT owner FROM stacks WHERE id = ?", arguments: [lease.stackID]) {
                let holder: String? = row[0]
                guard holder == lease.owner else {
                    throw StoreError(
                        "stack \(lease.stackID) is no longer held by this engine (now: \(holder ?? "nobody")): "
                            + "its operation stopped without writing")
                }
            }
            for stack in batch.stacks {
                try Self.updateStack(db, stack)
            }
            try Self.deleteResources(db, batch.deletedResources)
            try Self.upsertResources(db, batch.resources)
            try Self.subscribe(db, batch.subscription)
            try Self.insertEvents(db, batch.events)
            try Self.insertNotifications(db, batch.notifications)
            if let (stackID, request) = batch.cancelRequest {
                try db.execute(
                    sql: "UPDATE stacks SET cancel_request = ? WHERE id = ? AND status = 'IN_PROGRESS'",
                    arguments: [request, stackID])
            }
            if let lease = batch.lease, batch.releasesLease {
                try db.execute(
                    sql: "UPDATE stacks SET owner = NULL, lease_expiry = NULL WHERE id = ? AND owner = ?",
                    arguments: [lease.stackID, lease.owner])
            }
        }
    }
}
