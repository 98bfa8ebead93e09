import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

@Suite("Hidden parameters stay hidden")
struct SecretsTests {
    @Test func hiddenValuesAreMaskedInResourcesEventsAndOutputs() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            parameters:
              password: {type: string, hidden: true}
              user: {type: string, default: admin}
            resources:
              v: {type: OS::Heat::Value, properties: {value: {get_param: password}}}
              t:
                type: OS::Heat::TestResource
                properties:
                  value: {str_replace: {template: "user=U pw=P", params: {U: {get_param: user}, P: {get_param: password}}}}
            outputs:
              secret: {value: {get_attr: [v, value]}}
              line: {value: {get_attr: [t, output]}}
            """
        let stack = try await engine.create(request("s", template, parameters: ["password": "hunter2"]))
        #expect(stack.status == .complete)
        let shown = await [
            try engine.resources(of: stack).map { "\($0.properties.jsonText()) \($0.attributes.jsonText()) \($0.statusReason)" }
                .joined(),
            try await engine.events(of: stack).map(\.reason).joined(),
            try await engine.outputs(of: stack).map { $0.value.jsonText() }.joined(),
        ].joined()
        #expect(!shown.contains("hunter2"))
        #expect(shown.contains("******"))
        #expect(shown.contains("user=admin pw=******"))
        // The store keeps the real value: the engine itself still works with it.
        let stored = try await home.store().resources(stackID: stack.id).first { $0.name == "v" }
        #expect(stored?.attributes.mapValue?["value"] == "hunter2")
    }
}
