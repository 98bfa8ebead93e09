import Foundation
import KilnModel
import KilnStore
import Testing

@Suite struct StoreBatchTests {
    @Test(arguments: StoreBackend.allCases) func resourcesAreUpsertedDeletedAndReadBackExactly(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let stack = try await makeStack(store, "app")
        var server = resource(stack.id, "server", status: .inProgress)
        server.properties = .map([
            "name": .string("naïve ☃ \u{1F600}"), "count": .int(3), "ratio": .double(0.5), "whole": .double(2.0),
            "flags": .list([.bool(true), .null]), "nested": .map(["k": .list([.string("v")])]),
            "escapes": .string("quote \" backslash \\ newline \n tab \t bell \u{07} nul \u{00}"),
            "numbers": .list([.int(Int.min), .int(Int.max), .double(-1.5e-300), .double(1e300), .double(.infinity)]),
            "key \"odd\"\n": .string(""),
        ])
        server.attributes = .map(["first_address": .string("10.0.0.5")])
        server.data = .map(["value": .string("secret")])
        server.metadata = .map(["role": .string("web")])
        server.requires = ["net", "port"]
        server.updatedAt = at(3)
        try await store.commit(StoreBatch(resources: [server, resource(stack.id, "net"), resource(stack.id, "port")]))

        #expect(try await store.resource(stackID: stack.id, name: "server") == server)
        #expect(try await store.resources(stackID: stack.id).map(\.name) == ["server", "net", "port"])

        server.status = .complete
        server.physicalID = "changed"
        var batch = StoreBatch(resources: [server])
        batch.deletedResources = [(stack.id, "port")]
        try await store.commit(batch)
        #expect(try await store.resource(stackID: stack.id, name: "server") == server)
        #expect(try await store.resource(stackID: stack.id, name: "port") == nil)
        #expect(try await store.resources(stackID: stack.id).count == 2)
        #expect(try await store.resource(stackID: "nope", name: "server") == nil)
    }

    /// Batches larger than one multi-row statement, with the same resource twice: the later row wins.
    @Test(arguments: StoreBackend.allCases) func largeBatchesKeepEveryRowAndTheLastWriteOfAResource(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let stack = try await makeStack(store, "app")
        var resources = (0..<100).map { resource(stack.id, "r\($0)", status: .inProgress) }
        resources.append(resource(stack.id, "r3", status: .failed))
        let events = (0..<70).map { event(stack.id, "r\($0)") }
        try await store.commit(StoreBatch(resources: resources, events: events))

        let stored = try await store.resources(stackID: stack.id)
        #expect(stored.count == 100)
        #expect(try await store.resource(stackID: stack.id, name: "r3")?.status == .failed)
        #expect(try await store.resource(stackID: stack.id, name: "r99") == resources[99])
        #expect(try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).map(\.resourceName)
            == events.map(\.resourceName))
    }

    @Test(arguments: StoreBackend.allCases) func eventsFollowInOrderByResourceAfterASequenceAndLimited(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let stack = try await makeStack(store, "app")
        let other = try await makeStack(store, "other")
        try await store.commit(StoreBatch(events: [event(stack.id, "a"), event(stack.id, "b"), event(other.id, "a")]))
        try await store.commit(StoreBatch(events: [event(stack.id, "a", status: .complete), event(stack.id, "b", status: .complete)]))

        let all = try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil)
        #expect(all.map(\.resourceName) == ["a", "b", "a", "b"])
        let sequences = all.compactMap(\.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == 4)
        #expect(try await store.events(stackID: stack.id, resourceName: "a", after: nil, limit: nil).map(\.status)
            == [.inProgress, .complete])
        #expect(try await store.events(stackID: stack.id, resourceName: nil, after: sequences[1], limit: nil).map(\.sequence)
            == [sequences[2], sequences[3]])
        #expect(try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: 3).count == 3)
        #expect(try await store.events(stackID: stack.id, resourceName: nil, after: sequences[3], limit: nil).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func stackUpdatesInABatchLeaveTheLeaseAlone(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        var stack = try await makeStack(store, "app", status: .inProgress)
        #expect(try await store.claim(stackID: stack.id, owner: "engine-1", until: at(100), now: at(0)))
        stack.status = .complete
        stack.statusReason = "Stack CREATE completed successfully"
        stack.updatedAt = at(9)
        stack.tags = ["x"]
        stack.parameters = ["k": "v"]
        try await store.commit(StoreBatch(stacks: [stack]))  // this copy has no owner

        let stored = try #require(try await store.stack(id: stack.id))
        #expect(stored.status == .complete && stored.statusReason == stack.statusReason)
        #expect(stored.updatedAt == at(9) && stored.tags == ["x"] && stored.parameters == ["k": "v"])
        #expect(stored.owner == "engine-1" && stored.leaseExpiry == at(100))
    }

    /// The second half of the batch refers to a stack that does not exist: nothing of the first half stays.
    @Test(arguments: StoreBackend.allCases) func aFailingBatchLeavesNothingWritten(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        var stack = try await makeStack(store, "app", status: .inProgress)
        try await store.commit(StoreBatch(resources: [resource(stack.id, "kept")]))
        stack.status = .complete
        var batch = StoreBatch(
            stacks: [stack],
            resources: (0..<50).map { resource(stack.id, "r\($0)") } + (0..<50).map { resource("no-such-stack", "r\($0)") },
            events: [event(stack.id, "r0")])
        batch.deletedResources = [(stack.id, "kept")]

        await #expect(throws: StoreError.self) { try await store.commit(batch) }
        #expect(try await store.resources(stackID: stack.id).map(\.name) == ["kept"])
        #expect(try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).isEmpty)
        #expect(try await store.stack(id: stack.id)?.status == .inProgress)
    }

    @Test(arguments: StoreBackend.allCases) func updatingAMissingStackFailsTheBatch(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let stack = try await makeStack(store, "app")
        let ghost = StackRecord(name: "ghost")
        await #expect(throws: StoreError.self) {
            try await store.commit(StoreBatch(stacks: [ghost], resources: [resource(stack.id, "r")]))
        }
        #expect(try await store.resources(stackID: stack.id).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func snapshotsSaveReplaceListAndDelete(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let stack = try await makeStack(store, "app")
        var first = SnapshotRecord(
            stackID: stack.id, name: "first", status: .inProgress, templateID: stack.templateID,
            data: .map(["resources": .map(["r": .map(["data": .map([:])])])]), createdAt: at(1))
        let second = SnapshotRecord(stackID: stack.id, name: "second", templateID: nil, data: .list([]), createdAt: at(2))
        try await store.saveSnapshot(first)
        try await store.saveSnapshot(second)
        first.status = .complete
        first.statusReason = "done"
        try await store.saveSnapshot(first)

        #expect(try await store.snapshots(stackID: stack.id) == [first, second])
        #expect(try await store.snapshot(id: second.id) == second)
        try await store.deleteSnapshot(id: first.id)
        #expect(try await store.snapshot(id: first.id) == nil)
        #expect(try await store.snapshots(stackID: stack.id) == [second])
        await #expect(throws: StoreError.self) {
            try await store.saveSnapshot(SnapshotRecord(stackID: "no-such-stack", name: "x", templateID: nil, data: .null))
        }
    }
}
