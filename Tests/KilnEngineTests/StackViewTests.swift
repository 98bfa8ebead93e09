import Foundation
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// `stack show`'s parameters follow one rule for the CLI, client mode and the API; the
/// expected values are what Heat 27 answered for the same stack (heat-oracle start).
@Suite struct StackViewTests {
    @Test func parametersAreShownAsHeatShowsThem() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            parameters:
              b: {type: boolean}
              b0: {type: boolean, default: "0"}
              n: {type: number}
              n2: {type: number}
              f: {type: number, default: 2.50}
              l: {type: comma_delimited_list}
              le: {type: comma_delimited_list}
              ld: {type: comma_delimited_list, default: [x, y]}
              lds: {type: comma_delimited_list, default: "x, y"}
              j: {type: json}
              jd: {type: json, default: {k: [1, 2]}}
              s: {type: string, default: plain}
              h: {type: string, hidden: true, default: secret}
              e: {type: string}
              si: {type: string, default: 5}
            resources: {}
            """
        var create = request("pshow", template)
        create.environments = [NamedText(name: "env.yaml", text: "parameter_defaults: {e: 7, le: [p, q]}\n")]
        create.parameters = ["b": "yes", "n": "05", "n2": "5.0", "l": "a, b,c", "j": #"{"z":1}"#]
        let stack = try await engine.create(create)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")

        let view = await engine.view(of: stack)
        #expect(view.parameters == [
            "OS::stack_id": stack.id, "OS::stack_name": "pshow", "OS::project_id": "default",
            "b": "True", "b0": "False", "n": "5", "n2": "5.0", "f": "2.5",
            "l": "a, b,c", "le": "p,q", "ld": "x,y", "lds": "x, y",
            "j": #"{"z": 1}"#, "jd": #"{"k": [1, 2]}"#, "s": "plain", "h": "******", "e": "7", "si": "5",
        ])
        #expect(view.outputs?.isEmpty == true)
        #expect(await engine.view(of: stack, resolveOutputs: false).outputs == nil)
    }
}
