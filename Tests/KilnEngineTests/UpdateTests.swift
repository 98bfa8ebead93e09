import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

@Suite("Engine update")
struct UpdateTests {
    func template(value: String, salt: String, extra: Bool = false, keep: Bool = true) -> String {
        var text = """
            heat_template_version: 2018-08-31
            resources:
              rand:
                type: OS::Heat::RandomString
                properties: {length: 8, salt: \(salt)}
              val:
                type: OS::Heat::Value
                properties: {value: \(value)}

            """
        if keep { text += "  kept: {type: OS::Heat::None}\n" }
        if extra { text += "  added: {type: OS::Heat::None, depends_on: [val]}\n" }
        return text + """
            outputs:
              val: {value: {get_attr: [val, value]}}
              rand: {value: {get_attr: [rand, value]}}
            """
    }

    @Test func previewMatchesWhatTheUpdateDoes() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let first = try await engine.create(request("s", template(value: "one", salt: "a")))
        let before = try await engine.resources(of: first)
        let oldRandom = try await engine.outputs(of: first).first { $0.key == "rand" }?.value

        let change = UpdateRequest(templateName: "s.yaml", template: template(value: "two", salt: "b", extra: true, keep: false))
        let plan = try await engine.previewUpdate("s", change)
        #expect(plan.map { "\($0.name) \($0.change.kind)" } == ["rand replaced", "val updated", "added added", "kept deleted"])
        if case .replaced(let reason, let diff) = plan[0].change {
            #expect(reason == "'salt' changed and cannot be updated in place")
            #expect(diff == [PropertyChange(name: "salt", old: "a", new: "b")])
        } else {
            Issue.record("rand should be replaced")
        }
        // The preview changed nothing.
        await #expect(try engine.resources(of: engine.stack("s")) == before)

        let log = EventLog()
        let updated = try await engine.update("s", change, observer: log.observer)
        #expect(updated.statusText == "UPDATE_COMPLETE")
        #expect(log.lines.first == "s UPDATE_IN_PROGRESS")
        #expect(log.lines.last == "s UPDATE_COMPLETE")
        #expect(log.lines.contains("val UPDATE_COMPLETE"))
        #expect(log.lines.contains("rand CREATE_COMPLETE"))
        #expect(log.lines.contains("kept DELETE_COMPLETE"))
        let after = try await engine.resources(of: updated)
        #expect(after.map(\.name).sorted() == ["added", "rand", "val"])
        let outputs = try await engine.outputs(of: updated)
        #expect(outputs.first { $0.key == "val" }?.value == "two")
        #expect(outputs.first { $0.key == "rand" }?.value != oldRandom)
        // In place keeps the physical resource; replacement makes a new one.
        #expect(after.first { $0.name == "val" }?.physicalID == before.first { $0.name == "val" }?.physicalID)
        #expect(after.first { $0.name == "rand" }?.physicalID != before.first { $0.name == "rand" }?.physicalID)
        // The replaced RandomString was kept on record until deleted, then deleted under its own name.
        let oldRandomID = before.first { $0.name == "rand" }?.physicalID
        #expect(log.all.contains { $0.resourceName == "rand" && $0.statusText == "DELETE_COMPLETE" && $0.physicalResourceID == oldRandomID })
        #expect(!after.contains { $0.name.contains("~") })
    }

    @Test func existingKeepsTemplateAndParameters() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let text = """
            heat_template_version: 2018-08-31
            parameters:
              a: {type: string, default: da}
              b: {type: string, default: db}
            resources:
              v: {type: OS::Heat::Value, properties: {value: {list_join: ['-', [{get_param: a}, {get_param: b}]]}}}
            outputs:
              v: {value: {get_attr: [v, value]}}
            """
        try await engine.create(request("p", text, parameters: ["a": "x", "b": "y"]))
        try await engine.update("p", UpdateRequest(parameters: ["b": "z"], existing: true))
        await #expect(try engine.outputs(of: engine.stack("p")).first?.value == "x-z")
        try await engine.update("p", UpdateRequest(clearParameters: ["a"], existing: true))
        await #expect(try engine.outputs(of: engine.stack("p")).first?.value == "da-z")
        await #expect(throws: EngineError.self) { try await engine.update("p", UpdateRequest(parameters: ["b": "q"])) }
    }

    @Test func badUpdateLeavesTheStackUntouched() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let created = try await engine.create(request("u", template(value: "one", salt: "a")))
        let before = try await engine.resources(of: created)
        let broken = "heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::Heat::Value}\n"
        await #expect(throws: EngineError.self) {
            try await engine.update("u", UpdateRequest(templateName: "u.yaml", template: broken))
        }
        let stack = try await engine.stack("u")
        #expect(stack.statusText == "CREATE_COMPLETE")
        #expect(stack.templateID == created.templateID)
        await #expect(try engine.resources(of: stack) == before)
    }

    @Test func failedUpdateRollsBack() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let good = """
            heat_template_version: 2018-08-31
            resources:
              t: {type: OS::Heat::TestResource, properties: {value: one}}
            outputs:
              out: {value: {get_attr: [t, output]}}
            """
        try await engine.create(request("r", good, rollback: true))
        let failing = good.replacingOccurrences(of: "{value: one}", with: "{value: two, fail: true}")
        let result = try await engine.update("r", UpdateRequest(templateName: "r.yaml", template: failing))
        #expect(result.statusText == "ROLLBACK_COMPLETE")
        await #expect(try engine.outputs(of: engine.stack("r")).first?.value == "one")
    }
}
