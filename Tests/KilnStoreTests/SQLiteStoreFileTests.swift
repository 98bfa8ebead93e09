import Foundation
import GRDB
import KilnModel
@testable import KilnStore
import Testing

/// The database as a file: reopening, sharing it between processes' stores, and failures.
@Suite struct SQLiteStoreFileTests {
    @Test func dataSurvivesClosingAndReopening() async throws {
        let dir = try TempDirectory()
        let name = "nested/dirs/kiln.db"  // parent directories are created
        var stack: StackRecord
        do {
            let store = try dir.openStore(name)
            stack = try await makeStack(store, "app")
            try await store.commit(StoreBatch(resources: [resource(stack.id, "r")], events: [event(stack.id, "r")]))
        }
        let reopened = try dir.openStore(name)
        #expect(try await reopened.stack(id: stack.id) == stack)
        #expect(try await reopened.resources(stackID: stack.id) == [resource(stack.id, "r")])
        #expect(try await reopened.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).count == 1)
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

    @Test func twoStoresOnOneFileSeeEachOthersCommits() async throws {
        let dir = try TempDirectory()
        let first = try dir.openStore()
        let second = try dir.openStore()
        let stack = try await makeStack(first, "app")
        #expect(try await second.stack(id: stack.id) == stack)
        try await second.commit(StoreBatch(resources: [resource(stack.id, "r")]))
        #expect(try await first.resource(stackID: stack.id, name: "r") != nil)
        await #expect(throws: StoreError.self) { try await makeStack(second, "app") }
    }

    @Test func ofManyConcurrentClaimsExactlyOneWins() async throws {
        let dir = try TempDirectory()
        let stores = try (0..<4).map { _ in try dir.openStore() }
        let stack = try await makeStack(stores[0], "app", status: .inProgress)
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for (index, store) in stores.enumerated() {
                for attempt in 0..<5 {
                    group.addTask {
                        try await store.claim(stackID: stack.id, owner: "engine-\(index)-\(attempt)", until: at(60), now: at(0))
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }

    @Test func aWriteLockHeldElsewhereIsReportedAsLocked() async throws {
        let dir = try TempDirectory()
        let holder = try dir.openStore()
        let waiter = try dir.openStore(busyTimeout: 0.2)
        let stack = try await makeStack(holder, "app")
        // The holder's connection takes the write lock and keeps it while the waiter tries.
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true  // the lock must outlive one database access
        let connection = try DatabaseQueue(path: dir.path(), configuration: unsafe)
        try await connection.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        do {
            try await waiter.commit(StoreBatch(resources: [resource(stack.id, "r")]))
            Issue.record("the commit should have found the database locked")
        } catch let error as StoreError {
            #expect(error.description.hasPrefix("database is locked"))
        }
        try await connection.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        try await waiter.commit(StoreBatch(resources: [resource(stack.id, "r")]))  // free again
        #expect(try await waiter.resources(stackID: stack.id).count == 1)
    }

    @Test func aFullDiskIsReportedAndTheBatchRolledBack() async throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let stack = try await makeStack(store, "app")
        // Cap the file at its current size: the next growth fails as a full disk does.
        try await store.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        var big = resource(stack.id, "big")
        big.data = .string(String(repeating: "x", count: 64 * 1024))
        do {
            try await store.commit(StoreBatch(resources: [resource(stack.id, "small"), big]))
            Issue.record("the commit should have failed")
        } catch let error as StoreError {
            #expect(error.description.hasPrefix("disk is full"))
        }
        #expect(try await store.resources(stackID: stack.id).isEmpty)
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

    @Test func anInMemoryStoreWorks() async throws {
        let store = try SQLiteStore.inMemory()
        let other = try SQLiteStore.inMemory()
        var stack = try await makeStack(store, "app")
        let templateID = try #require(stack.templateID)
        let template = try #require(try await store.template(id: templateID))
        #expect(!template.content.isEmpty)

        // A batch: the stack's state, a resource and an event, read back as written.
        stack.statusReason = "running"
        var batch = StoreBatch(stacks: [stack], resources: [resource(stack.id, "r")])
        batch.events = [EventRecord(
            stackID: stack.id, resourceName: "r", physicalResourceID: "", resourceType: "OS::Heat::None",
            action: .create, status: .complete, reason: "state changed")]
        try await store.commit(batch)
        #expect(try await store.stack(id: stack.id)?.statusReason == "running")
        #expect(try await store.resources(stackID: stack.id).map(\.name) == ["r"])
        #expect(try await store.events(stackID: stack.id, resourceName: "r", after: nil, limit: nil).map(\.reason) == ["state changed"])

        // A lease: claimed, renewed by its holder only, released.
        let now = Date()
        #expect(try await store.claim(stackID: stack.id, owner: "e1", until: now.addingTimeInterval(30), now: now))
        #expect(try await !store.claim(stackID: stack.id, owner: "e2", until: now.addingTimeInterval(30), now: now))
        #expect(try await store.renew(stackID: stack.id, owner: "e1", until: now.addingTimeInterval(60)))
        #expect(try await !store.renew(stackID: stack.id, owner: "e2", until: now.addingTimeInterval(60)))
        try await store.release(stackID: stack.id, owner: "e1")
        #expect(try await store.stack(id: stack.id)?.owner == nil)

        // Each in-memory store is its own database.
        #expect(try await other.stack(id: stack.id) == nil)
        #expect(try await other.stacks(StackQuery(projectID: nil)).isEmpty)

        // Purged: the stack and what it owned are gone.
        try await store.purgeStack(id: stack.id)
        #expect(try await store.stack(id: stack.id) == nil)
        #expect(try await store.resources(stackID: stack.id).isEmpty)
        #expect(try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).isEmpty)
    }
}
