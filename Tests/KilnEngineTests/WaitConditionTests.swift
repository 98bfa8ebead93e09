import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

/// Wait conditions through the engine: a create waits for signals sent by another task.
@Suite("Engine wait conditions")
struct EngineWaitConditionTests {
    let template = """
        heat_template_version: 2021-04-16
        resources:
          handle: {type: OS::Heat::WaitConditionHandle}
          wait:
            type: OS::Heat::WaitCondition
            properties: {handle: {get_resource: handle}, count: 2, timeout: 30}
          after: {type: OS::Heat::None, depends_on: [wait]}
        outputs:
          data: {value: {get_attr: [wait, data]}}
        """

    func handleReady(_ engine: Engine, _ name: String) async throws -> Bool {
        guard let stack = try? await engine.stack(name) else { return false }
        return try await engine.resources(of: stack).first { $0.name == "handle" }?.statusText == "CREATE_COMPLETE"
    }

    @Test(.timeLimit(.minutes(1)))
    func createWaitsForTwoSignals() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let create = Task { try await engine.create(request("wc", template)) }
        try await waitFor { try await handleReady(engine, "wc") }
        await #expect(try engine.stack("wc").statusText == "CREATE_IN_PROGRESS")
        try await engine.signal("wc", resource: "handle", data: ["status": "SUCCESS", "data": "first", "id": "a"])
        // One of two: still waiting.
        try await Task.sleep(nanoseconds: 500_000_000)
        await #expect(try engine.stack("wc").statusText == "CREATE_IN_PROGRESS")
        try await engine.signal("wc", resource: "handle", data: ["data": "second"])
        let stack = try await create.value
        #expect(stack.statusText == "CREATE_COMPLETE")
        let data = try await #require(try engine.outputs(of: stack).first?.value.stringValue)
        #expect(try Value.parseJSON(data) == ["a": "first", "2": "second"])
        await #expect(try engine.resources(of: stack).allSatisfy { $0.statusText == "CREATE_COMPLETE" })
        // Each signal is an event of the handle.
        await #expect(try engine.events(of: stack, resource: "handle").filter { $0.reason.hasPrefix("Signal: ") }.count == 2)
    }

    /// Many signals at once: each one counts (they take turns on the handle's data).
    @Test(.timeLimit(.minutes(5)))
    func simultaneousSignalsAreAllKept() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        // A long wait timeout: on a busy machine 20 signals can take a while; the test's limit bounds a hang.
        let many = template.replacingOccurrences(of: "count: 2, timeout: 30", with: "count: 20, timeout: 600")
        let create = Task { try await engine.create(request("wm", many)) }
        try await waitFor { try await handleReady(engine, "wm") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await engine.signal("wm", resource: "handle", data: ["data": .string("d\(index)"), "id": .string("s\(index)")])
                }
            }
            try await group.waitForAll()
        }
        let stack = try await create.value
        #expect(stack.statusText == "CREATE_COMPLETE")
        let data = try await #require(try engine.outputs(of: stack).first?.value.stringValue)
        #expect(try Value.parseJSON(data).mapValue?.count == 20)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailureSignalFailsTheCreate() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let create = Task { try await engine.create(request("wf", template)) }
        try await waitFor { try await handleReady(engine, "wf") }
        try await engine.signal("wf", resource: "handle", data: ["status": "FAILURE", "reason": "boot failed"])
        let stack = try await create.value
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason == "Resource CREATE failed: boot failed")
        let resources = try await engine.resources(of: stack)
        #expect(resources.first { $0.name == "wait" }?.statusText == "CREATE_FAILED")
        #expect(resources.contains { $0.name == "after" } == false)
    }

    @Test func signalsAreRefusedWhenTheyCannotBeTaken() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let none = "heat_template_version: 2021-04-16\nresources:\n  n: {type: OS::Heat::None}\n"
        try await engine.create(request("ns", none))
        await #expect(throws: EngineError.self) { try await engine.signal("ns", resource: "n", data: [:]) }
        await #expect(throws: EngineError.self) { try await engine.signal("ns", resource: "missing", data: [:]) }
        await #expect(throws: EngineError.self) { try await engine.signal("nostack", resource: "n", data: [:]) }
        let handle = "heat_template_version: 2021-04-16\nresources:\n  h: {type: OS::Heat::WaitConditionHandle}\n"
        try await engine.create(request("hs", handle))
        try await engine.suspend("hs")
        await #expect(throws: EngineError.self) { try await engine.signal("hs", resource: "h", data: [:]) }
        try await engine.resume("hs")
        try await engine.signal("hs", resource: "h", data: [:])
        await #expect(try engine.resources(of: engine.stack("hs")).first?.metadata.mapValue?["1"] != nil)
    }
}
