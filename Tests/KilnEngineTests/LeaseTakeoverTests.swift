import Foundation
import GRDB
import KilnEngine
import KilnStore
import Testing

/// An engine that lost its lease (another took the stack over after it paused too long)
/// stops at its next commit and never overwrites the new holder's state.
@Suite struct LeaseTakeoverTests {
    @Test(.timeLimit(.minutes(1)))
    func anOperationWhoseLeaseWasTakenStopsWithoutWriting() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              slow:
                type: OS::Heat::TestResource
                properties: {value: one, action_wait_secs: {create: 3}}
              after:
                type: OS::Heat::None
                depends_on: [slow]
            """
        let create = Task { try await engine.create(request("lt", template)) }
        try await waitFor { (try? await engine.resources(of: await engine.stack("lt")))?.first { $0.name == "slow" }?.statusText == "CREATE_IN_PROGRESS" }
        let stack = try await engine.stack("lt")
        // Another engine takes the stack over as if this one's lease had expired.
        let taken = try await engine.store.claim(
            stackID: stack.id, owner: "kiln:elsewhere:1:other", until: Date().addingTimeInterval(3600),
            now: Date().addingTimeInterval(7200))
        #expect(taken)
        let events = try await engine.events(of: stack).count

        await #expect(throws: StoreError.self) { try await create.value }
        let after = try await engine.stack("lt")
        #expect(after.owner == "kiln:elsewhere:1:other")
        #expect(after.statusText == "CREATE_IN_PROGRESS")
        #expect(try await engine.events(of: after).count == events)
        let resources = try await engine.resources(of: after)
        #expect(resources.first { $0.name == "slow" }?.statusText == "CREATE_IN_PROGRESS")
        #expect(resources.first { $0.name == "after" }?.statusText != "CREATE_COMPLETE")
    }
}

/// The final state and the release of the claim are one commit: whoever sees `*_COMPLETE`
/// may start the next operation at once, and it is never undone by the last one's clean-up.
@Suite struct LeaseReleaseTests {
    @Test func theClaimIsGoneWhenTheFinalStateIsSeen() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let owners = OwnerLog()
        let template = "heat_template_version: 2021-04-16\nresources:\n  a: {type: OS::Heat::None}\n"
        // The observer runs on the operation's task, between the commit and the operation's end:
        // it reads the database directly (synchronously), as another process would see it.
        let reader = try DatabaseQueue(path: home.databasePath)
        let created = try await engine.create(request("fr", template), observer: { event in
            guard event.resourceName == "fr", event.status == .complete else { return }
            let row = try? reader.read { db in
                try Row.fetchOne(db, sql: "SELECT owner FROM stacks WHERE id = ?", arguments: [event.stackID])
            }
            guard let row else { return owners.add("gone") }
            owners.add(row["owner"] as String?)
        })
        #expect(created.statusText == "CREATE_COMPLETE")
        #expect(owners.all == ["none"])
        // The next operation, started the moment the create is seen complete, runs to its end.
        #expect(try await engine.delete("fr").statusText == "DELETE_COMPLETE")
    }
}

final class OwnerLog: @unchecked Sendable {
    private let lock = NSLock()
    private var owners: [String] = []

    func add(_ owner: String?) {
        lock.lock()
        owners.append(owner ?? "none")
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return owners
    }
}
