import Foundation
import KilnModel
import KilnStore
import Testing

/// Several tasks and several engines on one database, on each store.
@Suite struct StoreConcurrencyTests {
    /// Many tasks commit at once (on PostgreSQL, over several pooled connections): every
    /// batch lands whole, and each stack's events keep their order.
    @Test(arguments: StoreBackend.allCases) func concurrentCommitsAllLandInOrder(_ backend: StoreBackend) async throws {
        let store = try await backend.database().open()
        var stacks: [StackRecord] = []
        for index in 0..<8 { stacks.append(try await makeStack(store, "s\(index)", status: .inProgress)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for stack in stacks {
                group.addTask {
                    for step in 0..<10 {
                        try await store.commit(StoreBatch(resources: [resource(stack.id, "r\(step)")], events: [event(stack.id, "r\(step)")]))
                    }
                }
            }
            try await group.waitForAll()
        }
        for stack in stacks {
            #expect(try await store.resources(stackID: stack.id).map(\.name) == (0..<10).map { "r\($0)" })
            let events = try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil)
            #expect(events.map(\.resourceName) == (0..<10).map { "r\($0)" })
        }
    }

    /// Engines starting together on one database migrate it once; all then work.
    @Test(arguments: StoreBackend.allCases) func enginesStartingTogetherMigrateOnce(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let stores = try await withThrowingTaskGroup(of: (any Store).self) { group in
            for _ in 0..<4 { group.addTask { try await database.open() } }
            return try await group.reduce(into: [any Store]()) { $0.append($1) }
        }
        for (index, store) in stores.enumerated() { try await makeStack(store, "e\(index)") }
        #expect(try await stores[0].stacks(StackQuery()).count == 4)
    }

    /// Two engines create the same stack name at once: one stack, one "already exists".
    @Test(arguments: StoreBackend.allCases) func aNameIsTakenOnceAcrossEngines(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let engines = [try await database.open(), try await database.open()]
        for round in 0..<5 {
            let results = await withTaskGroup(of: Bool.self) { group in
                for store in engines {
                    group.addTask { (try? await makeStack(store, "same\(round)")) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
        }
    }

    /// A takeover racing a fenced commit: the commit lands whole before it or not at all.
    @Test(arguments: StoreBackend.allCases) func aTakeoverAndAFencedCommitNeverInterleave(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let old = try await database.open(), new = try await database.open()
        for round in 0..<10 {
            let stack = try await makeStack(old, "race\(round)", status: .inProgress)
            #expect(try await old.claim(stackID: stack.id, owner: "a", until: at(10), now: at(0)))
            async let takeover = new.claim(stackID: stack.id, owner: "b", until: at(100), now: at(50))
            async let late: Bool = {
                var batch = StoreBatch(resources: [resource(stack.id, "x")], events: [event(stack.id, "x")])
                batch.lease = (stack.id, "a")
                do { try await old.commit(batch); return true } catch { return false }
            }()
            let (took, committed) = try await (takeover, late)
            #expect(took)
            let resources = try await new.resources(stackID: stack.id).count
            let events = try await new.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).count
            #expect(resources == (committed ? 1 : 0) && events == resources)
            #expect(try await new.stack(id: stack.id)?.owner == "b")
        }
    }
}
