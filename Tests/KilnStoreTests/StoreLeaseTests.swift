import Foundation
import KilnStore
import Testing

@Suite struct StoreLeaseTests {
    @Test(arguments: StoreBackend.allCases) func claimRenewReleaseAndTakeover(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let stack = try await makeStack(store, "app", status: .inProgress)

        #expect(try await store.claim(stackID: stack.id, owner: "a", until: at(60), now: at(0)))
        #expect(try await !store.claim(stackID: stack.id, owner: "b", until: at(90), now: at(30)))
        #expect(try await store.claim(stackID: stack.id, owner: "a", until: at(90), now: at(30)))
        #expect(try await store.renew(stackID: stack.id, owner: "a", until: at(120)))
        #expect(try await !store.renew(stackID: stack.id, owner: "b", until: at(120)))
        #expect(try await store.stack(id: stack.id)?.leaseExpiry == at(120))

        // Expired: another process takes over, and the old owner can no longer renew.
        #expect(try await store.claim(stackID: stack.id, owner: "b", until: at(200), now: at(121)))
        #expect(try await !store.renew(stackID: stack.id, owner: "a", until: at(300)))
        try await store.release(stackID: stack.id, owner: "a")  // not a's: no effect
        #expect(try await store.stack(id: stack.id)?.owner == "b")
        try await store.release(stackID: stack.id, owner: "b")
        let released = try #require(try await store.stack(id: stack.id))
        #expect(released.owner == nil && released.leaseExpiry == nil)
        #expect(try await !store.claim(stackID: "no-such-stack", owner: "a", until: at(60), now: at(0)))
    }

    /// A takeover claims only an interrupted operation: IN_PROGRESS, its claim lapsed.
    @Test(arguments: StoreBackend.allCases) func aTakeoverClaimsOnlyAnInterruptedOperation(_ backend: StoreBackend) async throws {
        let store = try await backend.database().open()
        let running = try await makeStack(store, "running", status: .inProgress)
        let finished = try await makeStack(store, "finished", status: .complete)
        #expect(try await store.claim(stackID: running.id, owner: "a", until: at(60), now: at(0)))
        #expect(try await !store.takeOver(stackID: running.id, owner: "b", until: at(90), now: at(30)))
        #expect(try await !store.takeOver(stackID: finished.id, owner: "b", until: at(90), now: at(30)))
        #expect(try await store.takeOver(stackID: running.id, owner: "b", until: at(120), now: at(61)))
        #expect(try await !store.takeOver(stackID: running.id, owner: "c", until: at(130), now: at(62)))
        #expect(try await !store.renew(stackID: running.id, owner: "a", until: at(200)))
        #expect(try await store.stack(id: running.id)?.owner == "b")
    }

    /// A batch fenced by a lease commits only while its owner holds the stack; once another
    /// process took over it writes nothing at all.
    @Test(arguments: StoreBackend.allCases) func aFencedBatchNeedsTheLease(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let stack = try await makeStack(store, "app", status: .inProgress)
        #expect(try await store.claim(stackID: stack.id, owner: "a", until: at(60), now: at(0)))

        var batch = StoreBatch(resources: [resource(stack.id, "one")], events: [event(stack.id, "one")])
        batch.lease = (stack.id, "a")
        try await store.commit(batch)
        #expect(try await store.resources(stackID: stack.id).map(\.name) == ["one"])

        #expect(try await store.claim(stackID: stack.id, owner: "b", until: at(200), now: at(100)))
        let events = try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).count
        var late = StoreBatch(resources: [resource(stack.id, "two")], events: [event(stack.id, "two")])
        late.stacks = [stack]
        late.lease = (stack.id, "a")
        await #expect(throws: StoreError.self) { try await store.commit(late) }
        #expect(try await store.resources(stackID: stack.id).map(\.name) == ["one"])
        #expect(try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).count == events)
        #expect(try await store.stack(id: stack.id)?.owner == "b")
    }

    @Test(arguments: StoreBackend.allCases) func interruptedStacksAreInProgressWithoutALiveClaim(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let unclaimed = try await makeStack(store, "unclaimed", status: .inProgress, created: 1)
        let expired = try await makeStack(store, "expired", status: .inProgress, created: 2)
        let running = try await makeStack(store, "running", status: .inProgress, created: 3)
        try await makeStack(store, "done", status: .complete, created: 4)
        #expect(try await store.claim(stackID: expired.id, owner: "a", until: at(10), now: at(0)))
        #expect(try await store.claim(stackID: running.id, owner: "b", until: at(100), now: at(0)))

        #expect(try await store.interruptedStacks(now: at(50)).map(\.id) == [unclaimed.id, expired.id])
        #expect(try await store.interruptedStacks(now: at(5)).map(\.id) == [unclaimed.id])
    }
}
