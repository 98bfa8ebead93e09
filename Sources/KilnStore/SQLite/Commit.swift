import Foundation
import GRDB

extension SQLiteStore {
    /// One transaction: stacks updated, resources deleted then upserted (so a resource both
    /// deleted and written ends up written), events appended. Any failure rolls it all back.
    public func commit(_ batch: StoreBatch) throws {
        guard !batch.isEmpty else { return }
        try write { db in
            for stack in batch.stacks {
                try Self.updateStack(db, stack)
            }
            try Self.deleteResources(db, batch.deletedResources)
            try Self.upsertResources(db, batch.resources)
            try Self.insertEvents(db, batch.events)
        }
    }
}
