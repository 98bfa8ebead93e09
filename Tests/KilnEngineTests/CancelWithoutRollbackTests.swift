import Foundation
import KilnEngine
import KilnStore
import Testing

/// Heat's cancel_without_rollback: a create or update stops where it is and ends FAILED,
/// keeping what was made, even when rollback is enabled.
@Suite struct CancelWithoutRollbackTests {
    @Test(.timeLimit(.minutes(1)))
    func cancelledCreateStopsWithoutRollingBack() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let slow = OperationTests.pair("{value: one, action_wait_secs: {create: 600}}")
        let create = Task { try await engine.create(request("cc", slow, rollback: true)) }
        // The stack appears once the create has stored it.
        try await waitFor { (try? await engine.resources(of: await engine.stack("cc")))?.first { $0.name == "t" }?.statusText == "CREATE_IN_PROGRESS" }
        // cancel_update (with rollback) is only for updates, as in Heat.
        await #expect(throws: EngineError.self) { try await engine.cancelUpdate("cc") }
        try await engine.cancelUpdate("cc", rollback: false)
        let result = try await create.value
        #expect(result.statusText == "CREATE_FAILED")
        #expect(result.statusReason == "Stack CREATE cancelled")
        let resources = try await engine.resources(of: engine.stack("cc"))
        // What was made stays: no rollback deleted it.
        #expect(resources.first { $0.name == "base" }?.statusText == "CREATE_COMPLETE")
        #expect(resources.first { $0.name == "t" }?.statusText == "CREATE_FAILED")
        let reasons = try await engine.events(of: engine.stack("cc"), resource: "cc").map { "\($0.statusText) \($0.reason)" }
        #expect(Array(reasons.suffix(2)) == [
            "CREATE_IN_PROGRESS Stack cancel requested without rollback", "CREATE_FAILED Stack CREATE cancelled",
        ])
        // The stack can be deleted afterwards.
        #expect(try await engine.delete("cc").statusText == "DELETE_COMPLETE")
    }

    @Test(.timeLimit(.minutes(1)))
    func cancelledUpdateStaysFailedOnTheNewTemplate() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let created = try await engine.create(request("cw", OperationTests.pair(), rollback: true))
        let slow = OperationTests.pair("{value: two, action_wait_secs: {update: 600}}")
        let update = Task { try await engine.update("cw", UpdateRequest(templateName: "cw.yaml", template: slow)) }
        try await waitFor { try await engine.resources(of: await engine.stack("cw")).first { $0.name == "t" }?.statusText == "UPDATE_IN_PROGRESS" }
        try await engine.cancelUpdate("cw", rollback: false)
        let result = try await update.value
        #expect(result.statusText == "UPDATE_FAILED")
        #expect(result.statusReason == "Stack UPDATE cancelled")
        let stack = try await engine.stack("cw")
        #expect(stack.templateID != created.templateID)
        #expect(try await engine.events(of: stack, resource: "cw").allSatisfy { $0.action != .rollback })
        // Nothing left to cancel, either way.
        await #expect(throws: EngineError.self) { try await engine.cancelUpdate("cw", rollback: false) }
    }
}
