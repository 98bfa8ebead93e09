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
        try await waitFor { (try? engine.resources(of: engine.stack("cc")))?.first { $0.name == "t" }?.statusText == "CREATE_IN_PROGRESS" }
        // cancel_update (with rollback) is only for updates, as in Heat.
        #expect(throws: EngineError.self) { try engine.cancelUpdate("cc") }
        try engine.cancelUpdate("cc", rollback: false)
        let result = try await create.value
        #expect(result.statusText == "CREATE_FAILED")
        #expect(result.statusReason == "Stack CREATE cancelled")
        let resources = try engine.resources(of: engine.stack("cc"))
        // What was made stays: no rollback deleted it.
        #expect(resources.first { $0.name == "base" }?.statusText == "CREATE_COMPLETE")
        #expect(resources.first { $0.name == "t" }?.statusText == "CREATE_FAILED")
        let reasons = try engine.events(of: engine.stack("cc"), resource: "cc").map { "\($0.statusText) \($0.reason)" }
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
        try await waitFor { try engine.resources(of: engine.stack("cw")).first { $0.name == "t" }?.statusText == "UPDATE_IN_PROGRESS" }
        try engine.cancelUpdate("cw", rollback: false)
        let result = try await update.value
        #expect(result.statusText == "UPDATE_FAILED")
        #expect(result.statusReason == "Stack UPDATE cancelled")
        let stack = try engine.stack("cw")
        #expect(stack.templateID != created.templateID)
        #expect(try engine.events(of: stack, resource: "cw").allSatisfy { $0.action != .rollback })
        // Nothing left to cancel, either way.
        #expect(throws: EngineError.self) { try engine.cancelUpdate("cw", rollback: false) }
    }
}
