import Foundation
import KilnEngine
import KilnStore
import KilnTemplate
import Testing

@Suite("Engine mark unhealthy")
struct MarkUnhealthyTests {
    let template = """
        heat_template_version: 2018-08-31
        resources:
          test:
            type: OS::Heat::TestResource
            properties: {value: hello}
          other:
            type: OS::Heat::TestResource
            properties: {value: untouched}
        """

    @Test func markedResourceIsReplacedByTheNextUpdate() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", template))
        let before = try #require(try await engine.resources(of: stack).first { $0.name == "test" })
        let untouched = try #require(try await engine.resources(of: stack).first { $0.name == "other" })

        let marked = try await engine.markUnhealthy("s", resource: "test", unhealthy: true, reason: "resource deleted")
        #expect(marked.statusText == "CHECK_FAILED")
        #expect(marked.statusReason == "resource deleted")
        let events = try await engine.events(of: stack, resource: "test")
        #expect(events.last?.statusText == "CHECK_FAILED")
        #expect(events.last?.reason == "resource deleted")

        let plan = try await engine.previewUpdate("s", UpdateRequest(existing: true))
        #expect(plan.map { "\($0.name) \($0.change.kind)" }.sorted() == ["other unchanged", "test replaced"])

        let updated = try await engine.update("s", UpdateRequest(existing: true))
        #expect(updated.statusText == "UPDATE_COMPLETE")
        let after = try await engine.resources(of: updated)
        let replaced = try #require(after.first { $0.name == "test" })
        #expect(replaced.status == .complete)
        #expect(replaced.physicalID != nil)
        #expect(replaced.physicalID != before.physicalID)
        #expect(after.first { $0.name == "other" }?.physicalID == untouched.physicalID)
    }

    @Test func healthyAgainOnlyFromCheckFailed() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", template))
        let physicalID = try #require(try await engine.resources(of: stack).first { $0.name == "other" }?.physicalID)

        // Not CHECK_FAILED: marking healthy changes nothing and writes no event.
        let eventCount = try await engine.events(of: stack).count
        let unchanged = try await engine.markUnhealthy("s", resource: "other", unhealthy: false, reason: nil)
        #expect(unchanged.statusText == "CREATE_COMPLETE")
        #expect(try await engine.events(of: stack).count == eventCount)

        // Named by its physical id; the default reason is Heat's.
        let marked = try await engine.markUnhealthy("s", resource: physicalID, unhealthy: true, reason: nil)
        #expect(marked.name == "other")
        #expect(marked.statusReason == "state changed by resource_mark_unhealthy api")
        let healed = try await engine.markUnhealthy("s", resource: "other", unhealthy: false, reason: "fixed by hand")
        #expect(healed.statusText == "CHECK_COMPLETE")
        #expect(try await engine.store.resource(stackID: stack.id, name: "other")?.statusReason == "fixed by hand")
    }

    @Test func unknownResourceIsNotFound() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        _ = try await engine.create(request("s", template))
        await #expect {
            try await engine.markUnhealthy("s", resource: "nope", unhealthy: true, reason: nil)
        } throws: { error in
            if case EngineError.notFound(let message) = error { return message == "The Resource (nope) could not be found." }
            return false
        }
    }
}
