import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

@Suite("Engine create and delete")
struct CreateDeleteTests {
    let chain = """
        heat_template_version: 2018-08-31
        parameters:
          greeting: {type: string, default: hello}
        resources:
          first: {type: OS::Heat::None}
          second:
            type: OS::Heat::None
            properties: {after: {get_resource: first}}
          third:
            type: OS::Heat::None
            depends_on: [second]
        outputs:
          first_id: {value: {get_resource: first}}
          greeting: {value: {get_param: greeting}, description: what we say}
        """

    @Test func createsInOrderAndDeletesInReverse() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let log = EventLog()
        let stack = try await engine.create(request("demo", chain), observer: log.observer)
        #expect(stack.statusText == "CREATE_COMPLETE")
        #expect(stack.statusReason == "Stack CREATE completed successfully")
        #expect(log.lines == [
            "demo CREATE_IN_PROGRESS",
            "first CREATE_IN_PROGRESS", "first CREATE_COMPLETE",
            "second CREATE_IN_PROGRESS", "second CREATE_COMPLETE",
            "third CREATE_IN_PROGRESS", "third CREATE_COMPLETE",
            "demo CREATE_COMPLETE",
        ])
        // What was reported is what was stored, in the same order.
        let stored = try await engine.events(of: stack).map { "\($0.resourceName) \($0.statusText)" }
        #expect(stored == log.lines)
        let resources = try await engine.resources(of: stack)
        #expect(resources.map(\.statusText) == ["CREATE_COMPLETE", "CREATE_COMPLETE", "CREATE_COMPLETE"])
        #expect(resources.first { $0.name == "second" }?.requires == ["first"])

        let outputs = try await engine.outputs(of: stack)
        let firstID = resources.first { $0.name == "first" }?.physicalID
        #expect(outputs.first { $0.key == "first_id" }?.value == firstID.map(Value.string))
        #expect(outputs.first { $0.key == "greeting" }?.value == "hello")

        let deletion = EventLog()
        let deleted = try await engine.delete("demo", observer: deletion.observer)
        #expect(deleted.statusText == "DELETE_COMPLETE")
        #expect(deletion.lines == [
            "demo DELETE_IN_PROGRESS",
            "third DELETE_IN_PROGRESS", "third DELETE_COMPLETE",
            "second DELETE_IN_PROGRESS", "second DELETE_COMPLETE",
            "first DELETE_IN_PROGRESS", "first DELETE_COMPLETE",
            "demo DELETE_COMPLETE",
        ])
        await #expect(throws: EngineError.self) { try await engine.stack("demo") }
    }

    @Test func stateSurvivesReopeningTheStore() async throws {
        let home = TemporaryHome()
        _ = try await home.engine().create(request("kept", chain, parameters: ["greeting": "hi"]))
        let reopened = try home.engine()
        let stack = try await reopened.stack("kept")
        #expect(stack.statusText == "CREATE_COMPLETE")
        #expect(try await reopened.resources(of: stack).count == 3)
        #expect(try await reopened.outputs(of: stack).first { $0.key == "greeting" }?.value == "hi")
    }

    @Test func badInputStoresNothing() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let broken = """
            heat_template_version: 2018-08-31
            parameters:
              size: {type: number}
            resources:
              a: {type: OS::Heat::None, properties: {x: {get_resource: missing}}}
              b: {type: OS::Nova::Nothing}
            """
        do {
            try await engine.create(request("broken", broken))
            Issue.record("expected the create to be refused")
        } catch let EngineError.invalid(diagnostics) {
            #expect(diagnostics.map { "\($0.location.line):\($0.location.column)" } == ["3:3", "5:60", "6:13"])
            #expect(diagnostics.map(\.message) == [
                "The Parameter (size) was not provided.",
                "The specified reference \"missing\" (in a.Properties.x) is incorrect.",
                "The Resource Type (OS::Nova::Nothing) could not be found.",
            ])
        }
        #expect(try await engine.stacks().isEmpty)
    }

    @Test func duplicateNamesAreRefused() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        try await engine.create(request("once", chain))
        await #expect(throws: EngineError.self) { try await engine.create(request("once", chain)) }
        #expect(try await engine.stacks().count == 1)
    }

    @Test func conditionsDisableResources() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2018-08-31
            parameters:
              extra: {type: boolean, default: false}
            conditions:
              want_extra: {get_param: extra}
            resources:
              base: {type: OS::Heat::None}
              extra:
                type: OS::Heat::None
                condition: want_extra
            outputs:
              extra_id: {value: {get_resource: extra}, condition: want_extra}
            """
        let off = try await engine.create(request("off", template))
        #expect(try await engine.resources(of: off).map(\.name) == ["base"])
        #expect(try await engine.outputs(of: off).first?.value == .null)
        let on = try await engine.create(request("on", template, parameters: ["extra": "true"]))
        #expect(try await engine.resources(of: on).map(\.name).sorted() == ["base", "extra"])
    }
}
