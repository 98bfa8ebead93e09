import Foundation
import Hummingbird
import KilnModel
import KilnServer
import Testing

/// `POST /stacks/preview` and `POST /validate` held against Heat's answers to the same
/// requests (every expected body measured with heat-oracle, for project `admin`).
@Suite struct HeatPreviewValidateParityTests {
    static let previewed = """
    heat_template_version: 2018-08-31
    description: preview me
    parameters:
      greeting: {type: string, default: hi}
    resources:
      a:
        type: OS::Heat::Value
        properties:
          value: {get_param: greeting}
      b:
        type: OS::Heat::Value
        metadata: {k: v}
        properties:
          value: {get_attr: [a, value]}
      n:
        type: child.yaml
        depends_on: a
    outputs:
      o:
        value: {get_attr: [b, value]}
    """

    static let child = """
    heat_template_version: 2018-08-31
    resources:
      v:
        type: OS::Heat::Value
        properties:
          value: inner
    outputs:
      real:
        value: {get_attr: [v, value]}
    """

    static let grouped = """
    heat_template_version: 2018-08-31
    resources:
      grp:
        type: OS::Heat::ResourceGroup
        properties:
          count: 2
          resource_def:
            type: OS::Heat::Value
            properties: {value: "m%index%"}
      deep:
        type: outer.yaml
    """

    static let outer = """
    heat_template_version: 2018-08-31
    description: outer provider
    parameters:
      label: {type: string, default: L}
    parameter_groups:
    - label: g
      parameters: [label]
    resources:
      deep:
        type: prov.yaml
        properties:
          inner_name: {get_param: label}
    """

    static let provider = """
    heat_template_version: 2018-08-31
    description: a provider
    parameters:
      size: {type: number, default: 1, description: how big}
      inner_name: {type: string}
    resources:
      v:
        type: OS::Heat::Value
        properties: {value: {get_param: inner_name}}
    outputs:
      out: {value: {get_attr: [v, value]}}
    """

    static let withGroups = """
    heat_template_version: 2018-08-31
    description: with groups
    parameters:
      a: {type: string, default: x, label: The A, description: first}
      b: {type: number, hidden: true, default: 3, constraints: [{range: {min: 1, max: 5}}]}
      c: {type: comma_delimited_list, default: "p,q"}
      d: {type: json, default: {k: 1}}
      e: {type: boolean}
    parameter_groups:
    - label: grp
      description: the group
      parameters: [a, b]
    - parameters: [c]
    resources:
      r:
        type: OS::Heat::None
    """

    static let withProviders = """
    heat_template_version: 2018-08-31
    parameters:
      top: {type: string}
    resources:
      thing:
        type: My::Thing
        properties:
          inner_name: {get_param: top}
      direct:
        type: prov.yaml
        properties: {inner_name: d, size: 2}
      plain:
        type: OS::Heat::None
    """

    static let providersEnvironment = """
    parameters:
      top: hello
    parameter_defaults:
      unused: 5
    resource_registry:
      My::Thing: prov.yaml
      resources:
        plain:
          hooks: pre-create
    """

    static let nesting = """
    heat_template_version: 2018-08-31
    parameters:
      p: {type: string}
      q: {type: string, default: qd}
    resources:
      r0:
        type: OS::Heat::Value
        properties: {value: x}
      o:
        type: outer.yaml
        properties:
          label: {get_attr: [r0, value]}
      grp:
        type: OS::Heat::ResourceGroup
        properties:
          count: 2
          resource_def:
            type: prov.yaml
            properties: {inner_name: "m%index%"}
    """

    static let nestingEnvironment = """
    parameter_defaults:
      p: from-defaults
      q: q-defaults
    """

    // Heat's preview resources for `previewed` (stack ap-pv); ordered by Heat as it likes.
    static let heatA = #"{"attributes": {"value": "hi"}, "creation_time": null, "description": "", "metadata": {}, "physical_resource_id": "", "properties": {"type": null, "value": "hi"}, "required_by": ["n", "b"], "resource_action": "INIT", "resource_identity": {"path": "/resources/a", "stack_id": "None", "stack_name": "ap-pv", "tenant": "admin"}, "resource_name": "a", "resource_status": "COMPLETE", "resource_status_reason": "", "resource_type": "OS::Heat::Value", "stack_identity": {"path": "", "stack_id": "None", "stack_name": "ap-pv", "tenant": "admin"}, "stack_name": "ap-pv", "updated_time": null}"#
    static let heatB = #"{"attributes": {"value": null}, "creation_time": null, "description": "", "metadata": {"k": "v"}, "physical_resource_id": "", "properties": {"type": null, "value": null}, "required_by": [], "resource_action": "INIT", "resource_identity": {"path": "/resources/b", "stack_id": "None", "stack_name": "ap-pv", "tenant": "admin"}, "resource_name": "b", "resource_status": "COMPLETE", "resource_status_reason": "", "resource_type": "OS::Heat::Value", "stack_identity": {"path": "", "stack_id": "None", "stack_name": "ap-pv", "tenant": "admin"}, "stack_name": "ap-pv", "updated_time": null}"#
    static let heatNestedV = #"{"attributes": {"value": "inner"}, "creation_time": null, "description": "", "metadata": {}, "parent_resource": "n", "physical_resource_id": "", "properties": {"type": null, "value": "inner"}, "required_by": [], "resource_action": "INIT", "resource_identity": {"path": "/resources/v", "stack_id": "None", "stack_name": "ap-pv-n", "tenant": "admin"}, "resource_name": "v", "resource_status": "COMPLETE", "resource_status_reason": "", "resource_type": "OS::Heat::Value", "stack_identity": {"path": "", "stack_id": "None", "stack_name": "ap-pv-n", "tenant": "admin"}, "stack_name": "ap-pv-n", "updated_time": null}"#

    static let heatWithGroups = #"{"Description": "with groups", "Environment": {"event_sinks": [], "parameter_defaults": {}, "parameters": {}, "resource_registry": {"resources": {}}}, "ParameterGroups": [{"description": "the group", "label": "grp", "parameters": ["a", "b"]}, {"parameters": ["c"]}], "Parameters": {"a": {"Default": "x", "Description": "first", "Label": "The A", "NoEcho": "false", "Type": "String"}, "b": {"Default": 3, "Description": "", "Label": "b", "MaxValue": 5, "MinValue": 1, "NoEcho": "true", "Type": "Number"}, "c": {"Default": "p,q", "Description": "", "Label": "c", "NoEcho": "false", "Type": "CommaDelimitedList"}, "d": {"Default": {"k": 1}, "Description": "", "Label": "d", "NoEcho": "false", "Type": "Json"}, "e": {"Description": "", "Label": "e", "NoEcho": "false", "Type": "Boolean"}}}"#
    static let heatWithProviders = #"{"Description": "No description", "Environment": {"event_sinks": [], "parameter_defaults": {"unused": 5}, "parameters": {"top": "hello"}, "resource_registry": {"My::Thing": "prov.yaml", "prov.yaml": "prov.yaml", "resources": {"plain": {"hooks": "pre-create"}}}}, "NestedParameters": {"direct": {"Description": "a provider", "Parameters": {"inner_name": {"Description": "", "Label": "inner_name", "NoEcho": "false", "Type": "String", "Value": "d"}, "size": {"Default": 1, "Description": "how big", "Label": "size", "NoEcho": "false", "Type": "Number", "Value": 2}}, "Type": "prov.yaml"}, "thing": {"Description": "a provider", "Parameters": {"inner_name": {"Description": "", "Label": "inner_name", "NoEcho": "false", "Type": "String", "Value": "hello"}, "size": {"Default": 1, "Description": "how big", "Label": "size", "NoEcho": "false", "Type": "Number"}}, "Type": "My::Thing"}}, "Parameters": {"top": {"Description": "", "Label": "top", "NoEcho": "false", "Type": "String", "Value": "hello"}}}"#
    static let heatNesting = #"{"Description": "No description", "Environment": {"event_sinks": [], "parameter_defaults": {"p": "from-defaults", "q": "q-defaults"}, "parameters": {}, "resource_registry": {"outer.yaml": "outer.yaml", "resources": {}}}, "NestedParameters": {"grp": {"Description": "No description", "NestedParameters": {"0": {"Description": "a provider", "Parameters": {"inner_name": {"Description": "", "Label": "inner_name", "NoEcho": "false", "Type": "String", "Value": "m0"}, "size": {"Default": 1, "Description": "how big", "Label": "size", "NoEcho": "false", "Type": "Number"}}, "Type": "prov.yaml"}}, "Parameters": {}, "Type": "OS::Heat::ResourceGroup"}, "o": {"Description": "outer provider", "NestedParameters": {"deep": {"Description": "a provider", "Parameters": {"inner_name": {"Description": "", "Label": "inner_name", "NoEcho": "false", "Type": "String"}, "size": {"Default": 1, "Description": "how big", "Label": "size", "NoEcho": "false", "Type": "Number"}}, "Type": "prov.yaml"}}, "ParameterGroups": [{"label": "g", "parameters": ["label"]}], "Parameters": {"label": {"Default": "L", "Description": "", "Label": "label", "NoEcho": "false", "Type": "String"}}, "Type": "outer.yaml"}}, "Parameters": {"p": {"Default": "from-defaults", "Description": "", "Label": "p", "NoEcho": "false", "Type": "String"}, "q": {"Default": "q-defaults", "Description": "", "Label": "q", "NoEcho": "false", "Type": "String"}}}"#

    func withScene(_ test: @Sendable (HeatParityTests.Scene) async throws -> Void) async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            try await test(HeatParityTests.Scene(client: client, token: token, project: project))
        }
    }

    /// Heat's resource shape, INIT COMPLETE, with resolved properties (defaults in), the
    /// attributes a preview knows, metadata, dependents; a provider template's resources as
    /// a list in place of their owner, with `parent_resource` and stack name `NAME-owner`.
    @Test func aPreviewShowsEachResourceAsHeatDoes() async throws {
        try await withScene { scene in
            let reply = try await scene.client.call(.post, scene.stacks + "/preview", token: scene.token, body: [
                "stack_name": "ap-pv", "template": .string(Self.previewed), "files": ["child.yaml": .string(Self.child)],
            ])
            #expect(reply.status == .ok, "\(reply.json)")
            let stack = reply.json["stack"]
            #expect(stack["id"] == "None" && stack["stack_name"] == "ap-pv" && stack["description"] == "preview me")
            #expect(stack["links"][0]["href"].stringValue?.hasSuffix("/stacks/ap-pv/None") == true)
            #expect(stack["parent"] == .null && stack["stack_user_project_id"] == .null && stack["tags"] == [])
            #expect(stack["outputs"] == [["output_key": "o", "description": "No description given", "output_value": .null]])
            let resources = stack["resources"].listValue ?? []
            #expect(resources.count == 3)
            func sorted(_ value: Value) -> Value {
                guard var map = value.mapValue else { return value }
                map["required_by"] = .list((map["required_by"]?.listValue ?? []).sorted { $0.plainText < $1.plainText })
                return .map(map)
            }
            let named = Dictionary(resources.compactMap { r in r["resource_name"].stringValue.map { ($0, sorted(r)) } }, uniquingKeysWith: { a, _ in a })
            #expect(named["a"] == sorted(try scene.heat(Self.heatA)))
            #expect(named["b"] == sorted(try scene.heat(Self.heatB)))
            let nested = try #require(resources.first { $0.listValue != nil })
            #expect(nested == [try scene.heat(Self.heatNestedV)])
        }
    }

    /// A group previews as the list of its members (stack name `NAME-group`), a provider
    /// template inside a provider template as a list inside a list.
    @Test func groupsAndDeeperStacksPreviewAsListsInTheList() async throws {
        try await withScene { scene in
            let reply = try await scene.client.call(.post, scene.stacks + "/preview", token: scene.token, body: [
                "stack_name": "ap-pv3", "template": .string(Self.grouped),
                "files": ["outer.yaml": .string(Self.outer), "prov.yaml": .string(Self.provider)],
            ])
            let resources = reply.json["stack"]["resources"].listValue ?? []
            let members = try #require(resources.first { $0[0]["parent_resource"] == "grp" }?.listValue)
            #expect(Set(members.map { $0["resource_name"] }) == ["0", "1"])
            #expect(members.allSatisfy { $0["stack_name"] == "ap-pv3-grp" && $0["resource_type"] == "OS::Heat::Value" })
            #expect(members.first { $0["resource_name"] == "1" }?["properties"] == ["value": "m1", "type": .null])
            let deep = try #require(resources.first { $0[0].listValue != nil }?[0][0])
            #expect(deep["stack_name"] == "ap-pv3-deep-deep" && deep["parent_resource"] == "deep")
            #expect(deep["properties"]["value"] == "L" && deep["attributes"] == ["value": "L"])
        }
    }

    /// A provider template whose parameter is given a value known only once the parent exists
    /// still previews as its resources, reading that string parameter as "" (Heat's answer).
    @Test func aNestedStackPreviewsEvenWithValuesNotKnownYet() async throws {
        try await withScene { scene in
            let template = """
            heat_template_version: 2018-08-31
            resources:
              r0: {type: OS::Heat::Value, properties: {value: x}}
              p:
                type: prov.yaml
                properties:
                  inner_name: {get_attr: [r0, value]}
            """
            let reply = try await scene.client.call(.post, scene.stacks + "/preview", token: scene.token, body: [
                "stack_name": "ap-pv5", "template": .string(template), "files": ["prov.yaml": .string(Self.provider)],
            ])
            let resources = reply.json["stack"]["resources"].listValue ?? []
            let nested = try #require(resources.first { $0.listValue != nil })
            #expect(nested[0]["stack_name"] == "ap-pv5-p" && nested[0]["parent_resource"] == "p")
            #expect(nested[0]["properties"] == ["value": "", "type": .null] && nested[0]["attributes"] == ["value": ""])
            #expect(resources.first { $0["resource_name"] == "r0" }?["required_by"] == ["p"])
        }
    }

    func validate(_ scene: HeatParityTests.Scene, _ body: Value, nested: Bool = false) async throws -> Value {
        let reply = try await scene.client.call(.post, "/v1/\(scene.project)/validate" + (nested ? "?show_nested=true" : ""),
                                                token: scene.token, body: body)
        #expect(reply.status == .ok, "\(reply.json)")
        return reply.json
    }

    /// Parameter groups in Heat's shape; the whole body equal to Heat's but for the hidden
    /// parameter's default, which Kiln masks on purpose (Heat echoes it).
    @Test func validateWithParameterGroupsIsHeats() async throws {
        try await withScene { scene in
            var expected = try scene.heat(Self.heatWithGroups).mapValue ?? [:]
            var parameters = expected["Parameters"]?.mapValue ?? [:]
            var hidden = parameters["b"]?.mapValue ?? [:]
            hidden["Default"] = "******"
            parameters["b"] = .map(hidden)
            expected["Parameters"] = .map(parameters)
            #expect(try await validate(scene, ["template": .string(Self.withGroups)]) == .map(expected))
            #expect(try await validate(scene, ["template": .string(Self.withGroups)], nested: true) == .map(expected))
        }
    }

    /// Provider templates through the registry and by path: the path appears in the echoed
    /// registry (the registry's own target does not), a hook given as one name stays one;
    /// `show_nested` adds each nested stack's type, description and parameters with the
    /// values its properties give.
    @Test func validateWithProviderTemplatesIsHeats() async throws {
        try await withScene { scene in
            let body: Value = ["template": .string(Self.withProviders), "environment": .string(Self.providersEnvironment),
                               "files": ["prov.yaml": .string(Self.provider)]]
            var plain = try scene.heat(Self.heatWithProviders).mapValue ?? [:]
            #expect(try await validate(scene, body, nested: true) == .map(plain))
            plain["NestedParameters"] = nil
            #expect(try await validate(scene, body) == .map(plain))
        }
    }

    /// A group shows its member "0" only; a property known only once resources exist gives
    /// its parameter no `Value`, here and further down; `parameter_defaults` are the defaults.
    @Test func validateShowNestedRecursesAsHeatDoes() async throws {
        try await withScene { scene in
            let body: Value = ["template": .string(Self.nesting), "environment": .string(Self.nestingEnvironment),
                               "files": ["prov.yaml": .string(Self.provider), "outer.yaml": .string(Self.outer)]]
            let expected = try scene.heat(Self.heatNesting)
            #expect(try await validate(scene, body, nested: true) == expected)
        }
    }
}
