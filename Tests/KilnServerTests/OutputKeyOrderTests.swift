import Foundation
import KilnModel
import Testing

/// The API writes maps in their order, as Heat's API writes its Python dicts: an output's
/// fields and its value's keys. Heat's answers measured with heat-oracle's API (`start`,
/// GET .../outputs/NAME) for the same template.
@Suite struct OutputKeyOrderTests {
    static let template = """
        heat_template_version: 2018-08-31
        parameters:
          js: {type: json, default: {"zeta": 1, "alpha": 2, "mid": {"y": 1, "b": 2}}}
        outputs:
          yaql_dict: {value: {yaql: {expression: "dict(b=>1, a=>2, c=>3)"}}}
          plain: {value: {zz: 1, aa: 2, mm: {get_param: js}}}
          merged: {value: {map_merge: [{zz: 1, aa: 2}, {bb: 1, zz: 3}]}}
        """

    @Test func outputsAnswerInHeatsKeyOrder() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "order", "template": .string(Self.template),
            ])
            let id = try #require(created.json["stack"]["id"].stringValue)
            let shown = try await client.waitForStack("/v1/\(project)/stacks/order/\(id)", token: token)
            #expect(shown["stack_status"].stringValue == "CREATE_COMPLETE")
            let heat = [
                "yaql_dict": #"{"output": {"output_key": "yaql_dict", "description": "No description given", "output_value": {"b": 1, "a": 2, "c": 3}}}"#,
                "plain": #"{"output": {"output_key": "plain", "description": "No description given", "output_value": {"zz": 1, "aa": 2, "mm": {"zeta": 1, "alpha": 2, "mid": {"y": 1, "b": 2}}}}}"#,
                "merged": #"{"output": {"output_key": "merged", "description": "No description given", "output_value": {"zz": 3, "aa": 2, "bb": 1}}}"#,
            ]
            for (name, expected) in heat.sorted(by: { $0.key < $1.key }) {
                let reply = try await client.call(.get, "/v1/\(project)/stacks/order/\(id)/outputs/\(name)", token: token)
                #expect(reply.json.jsonText(sortKeys: false) == expected, "\(name)")
            }
        }
    }
}
