import Foundation
import KilnModel
import KilnStore
import Testing

@Suite struct SQLiteStoreBatchTests {
    @Test func resourcesAreUpsertedDeletedAndReadBackExactly() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let stack = try makeStack(store, "app")
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
        try store.commit(StoreBatch(resources: [server, resource(stack.id, "net"), resource(stack.id, "port")]))

        #expect(try store.resource(stackID: stack.id, name: "server") == server)
        #expect(try store.resources(stackID: stack.id).map(\.name) == ["server", "net", "port"])

        server.status = .complete
        server.physicalID = "changed"
        var batch = StoreBatch(resources: [server])
        batch.deletedResources = [(stack.id, "port")]
        try store.commit(batch)
        #expect(try store.resource(stackID: stack.id, name: "server") == server)
        #expect(try store.resource(stackID: stack.id, name: "port") == nil)
        #expect(try store.resources(stackID: stack.id).count == 2)
        #expect(try store.resource(stackID: "nope", name: "server") == nil)
    }

    /// Batches larger than one multi-row statement, with the same resource twice: the later row wins.
    @Test func largeBatchesKeepEveryRowAndTheLastWriteOfAResource() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let stack = try makeStack(store, "app")
        var resources = (0..<100).map { resource(stack.id, "r\($0)", status: .inProgress) }
        resources.append(resource(stack.id, "r3", status: .failed))
        let events = (0..<70).map { event(stack.id, "r\($0)") }
        try store.commit(StoreBatch(resources: resources, events: events))

        let stored = try store.resources(stackID: stack.id)
        #expect(stored.count == 100)
        #expect(try store.resource(stackID: stack.id, name: "r3")?.status == .failed)
        #expect(try store.resource(stackID: stack.id, name: "r99") == resources[99])
        #expect(try store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).map(\.resourceName)
            == events.map(\.resourceName))
    }

    @Test func eventsFollowInOrderByResourceAfterASequenceAndLimited() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let stack = try makeStack(store, "app")
        let other = try makeStack(store, "other")
        try store.commit(StoreBatch(events: [event(stack.id, "a"), event(stack.id, "b"), event(other.id, "a")]))
        try store.commit(StoreBatch(events: [event(stack.id, "a", status: .complete), event(stack.id, "b", status: .complete)]))

        let all = try store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil)
        #expect(all.map(\.resourceName) == ["a", "b", "a", "b"])
        let sequences = all.compactMap(\.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == 4)
        #expect(try store.events(stackID: stack.id, resourceName: "a", after: nil, limit: nil).map(\.status)
            == [.inProgress, .complete])
        #expect(try store.events(stackID: stack.id, resourceName: nil, after: sequences[1], limit: nil).map(\.sequence)
            == [sequences[2], sequences[3]])
        #expect(try store.events(stackID: stack.id, resourceName: nil, after: nil, limit: 3).count == 3)
        #expect(try store.events(stackID: stack.id, resourceName: nil, after: sequences[3], limit: nil).isEmpty)
    }

    @Test func stackUpdatesInABatchLeaveTheLeaseAlone() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        var stack = try makeStack(store, "app", status: .inProgress)
        #expect(try store.claim(stackID: stack.id, owner: "engine-1", until: at(100), now: at(0)))
        stack.status = .complete
        stack.statusReason = "Stack CREATE completed successfully"
        stack.updatedAt = at(9)
        stack.tags = ["x"]
        stack.parameters = ["k": "v"]
        try store.commit(StoreBatch(stacks: [stack]))  // this copy has no owner

        let stored = try #require(try store.stack(id: stack.id))
        #expect(stored.status == .complete && stored.statusReason == stack.statusReason)
        #expect(stored.updatedAt == at(9) && stored.tags == ["x"] && stored.parameters == ["k": "v"])
        #expect(stored.owner == "engine-1" && stored.leaseExpiry == at(100))
    }

    /// The second half of the batch refers to a stack that does not exist: nothing of the first half stays.
    @Test func aFailingBatchLeavesNothingWritten() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        var stack = try makeStack(store, "app", status: .inProgress)
        try store.commit(StoreBatch(resources: [resource(stack.id, "kept")]))
        stack.status = .complete
        var batch = StoreBatch(
            stacks: [stack],
            resources: (0..<50).map { resource(stack.id, "r\($0)") } + (0..<50).map { resource("no-such-stack", "r\($0)") },
            events: [event(stack.id, "r0")])
        batch.deletedResources = [(stack.id, "kept")]

        #expect(throws: StoreError.self) { try store.commit(batch) }
        #expect(try store.resources(stackID: stack.id).map(\.name) == ["kept"])
        #expect(try store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).isEmpty)
        #expect(try store.stack(id: stack.id)?.status == .inProgress)
    }

    @Test func updatingAMissingStackFailsTheBatch() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let stack = try makeStack(store, "app")
        let ghost = StackRecord(name: "ghost")
        #expect(throws: StoreError.self) {
            try store.commit(StoreBatch(stacks: [ghost], resources: [resource(stack.id, "r")]))
        }
        #expect(try store.resources(stackID: stack.id).isEmpty)
    }

    @Test func snapshotsSaveReplaceListAndDelete() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let stack = try makeStack(store, "app")
        var first = SnapshotRecord(
            stackID: stack.id, name: "first", status: .inProgress, templateID: stack.templateID,
            data: .map(["resources": .map(["r": .map(["data": .map([:])])])]), createdAt: at(1))
        let second = SnapshotRecord(stackID: stack.id, name: "second", templateID: nil, data: .list([]), createdAt: at(2))
        try store.saveSnapshot(first)
        try store.saveSnapshot(second)
        first.status = .complete
        first.statusReason = "done"
        try store.saveSnapshot(first)

        #expect(try store.snapshots(stackID: stack.id) == [first, second])
        #expect(try store.snapshot(id: second.id) == second)
        try store.deleteSnapshot(id: first.id)
        #expect(try store.snapshot(id: first.id) == nil)
        #expect(try store.snapshots(stackID: stack.id) == [second])
        #expect(throws: StoreError.self) {
            try store.saveSnapshot(SnapshotRecord(stackID: "no-such-stack", name: "x", templateID: nil, data: .null))
        }
    }
}
