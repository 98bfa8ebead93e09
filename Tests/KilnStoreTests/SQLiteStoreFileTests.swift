import Foundation
import GRDB
import KilnModel
@testable import KilnStore
import Testing

/// The database as a file: reopening, sharing it between processes' stores, and failures.
@Suite struct SQLiteStoreFileTests {
    @Test func dataSurvivesClosingAndReopening() throws {
        let dir = try TempDirectory()
        let name = "nested/dirs/kiln.db"  // parent directories are created
        var stack: StackRecord
        do {
            let store = try dir.openStore(name)
            stack = try makeStack(store, "app")
            try store.commit(StoreBatch(resources: [resource(stack.id, "r")], events: [event(stack.id, "r")]))
        }
        let reopened = try dir.openStore(name)
        #expect(try reopened.stack(id: stack.id) == stack)
        #expect(try reopened.resources(stackID: stack.id) == [resource(stack.id, "r")])
        #expect(try reopened.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).count == 1)
    }

    @Test func theFileIsInWALModeWithNormalSyncAndForeignKeys() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let (journal, synchronous, foreignKeys) = try store.writer.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(synchronous == 1)  // NORMAL
        #expect(foreignKeys == true)
    }

    @Test func twoStoresOnOneFileSeeEachOthersCommits() throws {
        let dir = try TempDirectory()
        let first = try dir.openStore()
        let second = try dir.openStore()
        let stack = try makeStack(first, "app")
        #expect(try second.stack(id: stack.id) == stack)
        try second.commit(StoreBatch(resources: [resource(stack.id, "r")]))
        #expect(try first.resource(stackID: stack.id, name: "r") != nil)
        #expect(throws: StoreError.self) { try makeStack(second, "app") }
    }

    @Test func ofManyConcurrentClaimsExactlyOneWins() async throws {
        let dir = try TempDirectory()
        let stores = try (0..<4).map { _ in try dir.openStore() }
        let stack = try makeStack(stores[0], "app", status: .inProgress)
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for (index, store) in stores.enumerated() {
                for attempt in 0..<5 {
                    group.addTask {
                        try store.claim(stackID: stack.id, owner: "engine-\(index)-\(attempt)", until: at(60), now: at(0))
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }

    @Test func aWriteLockHeldElsewhereIsReportedAsLocked() throws {
        let dir = try TempDirectory()
        let holder = try dir.openStore()
        let waiter = try dir.openStore(busyTimeout: 0.2)
        let stack = try makeStack(holder, "app")
        try holder.writer.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            do {
                try waiter.commit(StoreBatch(resources: [resource(stack.id, "r")]))
                Issue.record("the commit should have found the database locked")
            } catch let error as StoreError {
                #expect(error.description.hasPrefix("database is locked"))
            }
        }
        try waiter.commit(StoreBatch(resources: [resource(stack.id, "r")]))  // free again
        #expect(try waiter.resources(stackID: stack.id).count == 1)
    }

    @Test func aFullDiskIsReportedAndTheBatchRolledBack() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let stack = try makeStack(store, "app")
        // Cap the file at its current size: the next growth fails as a full disk does.
        try store.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        var big = resource(stack.id, "big")
        big.data = .string(String(repeating: "x", count: 64 * 1024))
        do {
            try store.commit(StoreBatch(resources: [resource(stack.id, "small"), big]))
            Issue.record("the commit should have failed")
        } catch let error as StoreError {
            #expect(error.description.hasPrefix("disk is full"))
        }
        #expect(try store.resources(stackID: stack.id).isEmpty)
    }

    @Test func unopenableFilesAreReportedNotCrashedOn() throws {
        let dir = try TempDirectory()
        let junk = dir.path("junk.db")
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: junk))
        do {
            _ = try SQLiteStore(path: junk)
            Issue.record("opening a non-database should fail")
        } catch let error as StoreError {
            #expect(error.description.hasPrefix("cannot open database at \(junk)"))
        }

        let underAFile = junk + "/kiln.db"
        do {
            _ = try SQLiteStore(path: underAFile)
            Issue.record("opening under a file should fail")
        } catch let error as StoreError {
            #expect(error.description.hasPrefix("cannot open database at \(underAFile)"))
        }
    }

    @Test func anInMemoryStoreWorks() throws {
        let store = try SQLiteStore.inMemory()
        let stack = try makeStack(store, "app")
        try store.commit(StoreBatch(resources: [resource(stack.id, "r")]))
        #expect(try store.resources(stackID: stack.id).count == 1)
    }
}
