import Foundation
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
                properties: {value: one, action_wait_secs: {create: 1}}
              after:
                type: OS::Heat::None
                depends_on: [slow]
            """
        let create = Task { try await engine.create(request("lt", template)) }
        try await waitFor { (try? engine.resources(of: engine.stack("lt")))?.first { $0.name == "slow" }?.statusText == "CREATE_IN_PROGRESS" }
        let stack = try engine.stack("lt")
        // Another engine takes the stack over as if this one's lease had expired.
        let taken = try engine.store.claim(
            stackID: stack.id, owner: "kiln:elsewhere:1:other", until: Date().addingTimeInterval(3600),
            now: Date().addingTimeInterval(7200))
        #expect(taken)
        let events = try engine.events(of: stack).count

        await #expect(throws: StoreError.self) { try await create.value }
        let after = try engine.stack("lt")
        #expect(after.owner == "kiln:elsewhere:1:other")
        #expect(after.statusText == "CREATE_IN_PROGRESS")
        #expect(try engine.events(of: after).count == events)
        let resources = try engine.resources(of: after)
        #expect(resources.first { $0.name == "slow" }?.statusText == "CREATE_IN_PROGRESS")
        #expect(resources.first { $0.name == "after" }?.statusText != "CREATE_COMPLETE")
    }
}
