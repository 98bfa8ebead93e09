import Foundation
import Hummingbird
import KilnModel
import KilnServer
import Testing

/// Answers of Kiln's Heat API held against real Heat's for the same requests. Every
/// expected value here was measured with heat-oracle (Heat 27 on 127.0.0.1:8004); where
/// Kiln differs on purpose, the test says so.
@Suite struct HeatParityTests {
    /// A signed-in admin and helpers for one server.
    struct Scene {
        let client: ServerFixture.Client
        let token: String
        let project: String

        var stacks: String { "/v1/\(project)/stacks" }

        /// Creates a stack from YAML text and waits for it; its path `.../stacks/NAME/ID`.
        func create(_ name: String, _ template: String, files: [String: String] = [:], extra: [String: Value] = [:]) async throws -> String {
            var body: [String: Value] = ["stack_name": .string(name), "template": .string(template), "files": .map(files.mapValues(Value.string))]
            body.merge(extra) { _, given in given }
            let created = try await client.call(.post, stacks, token: token, body: .map(body))
            #expect(created.status == .created, "\(created.json)")
            let path = pathOf(created.json["stack"]["links"][0]["href"].stringValue ?? "")
            _ = try await client.waitForStack(path, token: token)
            return path
        }

        func get(_ path: String) async throws -> ServerFixture.Client.Reply { try await client.call(.get, path, token: token) }

        /// Heat's JSON, measured for project `admin`, as this project would see it.
        func heat(_ json: String) throws -> Value { try Value.parseJSON(json.replacingOccurrences(of: "\"admin\"", with: "\"\(project)\"")) }
    }

    func withScene(_ test: @Sendable (Scene) async throws -> Void) async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            try await test(Scene(client: client, token: token, project: project))
        }
    }

    // MARK: Output errors (issue 13 item 4)

    static let failingOutput = """
    heat_template_version: 2018-08-31
    resources:
      v:
        type: OS::Heat::Value
        properties:
          value: hello
    outputs:
      bad:
        description: map_merge of a string
        value: {map_merge: [{get_attr: [v, value]}, {a: 1}]}
      good:
        value: {get_attr: [v, value]}
    """

    /// Heat: the stack is CREATE_COMPLETE; `output show` and the stack's outputs give
    /// `output_value: null` with `output_error`; the output list gives key and description only.
    @Test func anOutputThatCannotBeComputedFailsNothing() async throws {
        try await withScene { scene in
            let path = try await scene.create("oe1", Self.failingOutput)
            let stack = try await scene.get(path).json["stack"]
            #expect(stack["stack_status"] == "CREATE_COMPLETE")
            #expect(stack["stack_status_reason"] == "Stack CREATE completed successfully")
            let outputs = stack["outputs"].listValue ?? []
            let bad = try #require(outputs.first { $0["output_key"] == "bad" })
            #expect(Set(bad.mapValue?.keys.map { $0 } ?? []) == ["output_key", "description", "output_error", "output_value"])
            #expect(bad["output_value"] == .null && bad["description"] == "map_merge of a string")
            // Heat words it "Incorrect arguments: Items to merge must be maps. 'hello' is ..."; Kiln in its own words.
            #expect(bad["output_error"].stringValue?.contains("must be maps") == true, "\(bad)")
            #expect(outputs.first { $0["output_key"] == "good" } == [
                "output_key": "good", "description": "No description given", "output_value": "hello"])

            let listed = try await scene.get(path + "/outputs").json
            #expect(listed == ["outputs": [
                ["output_key": "bad", "description": "map_merge of a string"],
                ["output_key": "good", "description": "No description given"],
            ]])
            let shown = try await scene.get(path + "/outputs/bad").json["output"]
            #expect(shown == bad)
        }
    }

    /// Heat: an output of a provider template that fails makes the parent's output reading
    /// it fail too, "Error in RESOURCE output NAME: ..."; both stacks are CREATE_COMPLETE.
    @Test func aNestedOutputThatFailsFailsTheOutputReadingIt() async throws {
        try await withScene { scene in
            let child = """
            heat_template_version: 2018-08-31
            resources:
              v: {type: OS::Heat::Value, properties: {value: inner}}
            outputs:
              broken:
                value: {map_merge: [{get_attr: [v, value]}]}
              fine:
                value: {get_attr: [v, value]}
            """
            let parent = """
            heat_template_version: 2018-08-31
            resources:
              nested: {type: child5.yaml}
            outputs:
              through:
                value: {get_attr: [nested, broken]}
              fine:
                value: {get_attr: [nested, fine]}
            """
            let path = try await scene.create("oe5", parent, files: ["child5.yaml": child])
            let stack = try await scene.get(path).json["stack"]
            #expect(stack["stack_status"] == "CREATE_COMPLETE")
            let through = try await scene.get(path + "/outputs/through").json["output"]
            #expect(through["output_value"] == .null)
            // Heat: "Error in nested output broken: Incorrect arguments: ..." (RESOURCE is `nested`)
            let error = through["output_error"].stringValue ?? ""
            #expect(error.hasPrefix("Error in nested output broken: ") && error.contains("must be maps"), "\(through)")
            #expect(try await scene.get(path + "/outputs/fine").json["output"]["output_value"] == "inner")
        }
    }

    /// Heat (measured with heat-oracle): an attribute a provider template cannot give, and a
    /// nested output reading a parameter the nested template lacks, fail only the outputs
    /// reading them: `The Referenced Attribute (n nope) is incorrect.` and
    /// `Error in n output undef: The Parameter (nothere) was not provided.`; the stack is
    /// CREATE_COMPLETE and the other output has its value.
    @Test func outputsAProviderTemplateCannotGiveFailOnlyThemselves() async throws {
        try await withScene { scene in
            let inner = """
            heat_template_version: 2018-08-31
            outputs:
              a: {value: 1}
              undef: {value: {get_param: nothere}}
            """
            let outer = """
            heat_template_version: 2018-08-31
            resources:
              n: {type: inner2.yaml}
            outputs:
              bad: {value: {get_attr: [n, nope]}}
              undef: {value: {get_attr: [n, undef]}}
              fine: {value: {get_attr: [n, a]}}
            """
            let path = try await scene.create("oe6", outer, files: ["inner2.yaml": inner])
            let stack = try await scene.get(path).json["stack"]
            #expect(stack["stack_status"] == "CREATE_COMPLETE", "\(stack)")
            let bad = try await scene.get(path + "/outputs/bad").json["output"]
            #expect(bad["output_value"] == .null)
            #expect(bad["output_error"].stringValue?.contains("The Referenced Attribute (n nope) is incorrect.") == true, "\(bad)")
            let undef = try await scene.get(path + "/outputs/undef").json["output"]
            #expect(undef["output_value"] == .null)
            #expect(undef["output_error"].stringValue?.hasPrefix("Error in n output undef: ") == true, "\(undef)")
            #expect(undef["output_error"].stringValue?.contains("The Parameter (nothere) was not provided.") == true, "\(undef)")
            #expect(try await scene.get(path + "/outputs/fine").json["output"]["output_value"] == 1)
        }
    }

    // MARK: A stack's own events (item 7)

    /// Heat: the stack's events are named after the stack; `resources/{stack name}/events`
    /// lists them (newest first by default), event show works through that path with
    /// `resource_type: OS::Heat::Stack` and `resource_properties: {}`; nothing found is a 404.
    @Test func theStacksOwnEventsAnswerUnderItsName() async throws {
        try await withScene { scene in
            let path = try await scene.create("ev1", Self.failingOutput)
            let all = try await scene.get(path + "/events").json["events"].listValue ?? []
            #expect(all.map { $0["resource_status"] } == ["CREATE_COMPLETE", "CREATE_COMPLETE", "CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS"])
            #expect(all.first?["resource_name"] == "ev1" && all.last?["resource_name"] == "ev1")
            #expect(all.first?["physical_resource_id"].stringValue == path.split(separator: "/").last.map(String.init))

            let own = try await scene.get(path + "/resources/ev1/events").json["events"].listValue ?? []
            #expect(own.map { $0["resource_status_reason"] } == ["Stack CREATE completed successfully", "Stack CREATE started"])
            #expect(own.allSatisfy { $0["resource_name"] == "ev1" && $0["logical_resource_id"] == "ev1" })
            let ascending = try await scene.get(path + "/resources/ev1/events?sort_dir=asc&limit=1").json["events"].listValue ?? []
            #expect(ascending.map { $0["resource_status_reason"] } == ["Stack CREATE started"])

            let id = try #require(own.first?["id"].stringValue)
            let shown = try await scene.get(path + "/resources/ev1/events/\(id)")
            #expect(shown.status == .ok)
            let event = shown.json["event"]
            #expect(event["resource_type"] == "OS::Heat::Stack" && event["resource_properties"] == .map([:]))
            #expect(event["resource_status"] == "CREATE_COMPLETE" && event["resource_name"] == "ev1")
            #expect(event["links"][0]["href"].stringValue?.hasSuffix("/resources/ev1/events/\(id)") == true)

            let wrongPath = try await scene.get(path + "/resources/v/events/\(id)")
            #expect(wrongPath.status == .notFound && wrongPath.json["error"]["message"] == .string("No event \(id) found"))
            #expect(wrongPath.json["error"]["type"] == "HTTPNotFound")
            // The stack's name is no resource: resource show is Heat's 404 (so `openstack stack
            // event show STACK STACK ID`, which reads the resource first, fails as against Heat).
            let notAResource = try await scene.get(path + "/resources/ev1")
            #expect(notAResource.status == .notFound && notAResource.json["error"]["type"] == "ResourceNotFound")
            #expect(notAResource.json["error"]["message"] == "The Resource (ev1) could not be found in Stack ev1.")
            let nothing = try await scene.get(path + "/resources/nope/events")
            #expect(nothing.status == .notFound && nothing.json["error"]["message"] == "No events found for resource nope")
            let filtered = try await scene.get(path + "/resources/v/events?resource_status=FAILED")
            #expect(filtered.status == .notFound && filtered.json["error"]["message"] == "No events found for resource v")
        }
    }

    // MARK: Stack fields on update (item 11)

    /// Heat: PUT without `tags` clears them (show `[]`, list `null`), PATCH keeps them;
    /// `timeout_mins` and `disable_rollback` are kept by both when not given.
    @Test func aFullUpdateClearsTagsAndKeepsTimeoutAndRollback() async throws {
        try await withScene { scene in
            let template = "heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {value: x}}\n"
            let path = try await scene.create("u1", template, extra: ["tags": "t1,t2", "timeout_mins": 7, "disable_rollback": false])
            func fields() async throws -> [Value] {
                let stack = try await scene.get(path).json["stack"]
                return [stack["stack_status"], stack["tags"], stack["timeout_mins"], stack["disable_rollback"]]
            }
            func update(_ method: HTTPRequest.Method, _ body: Value) async throws -> [Value] {
                #expect(try await scene.client.call(method, path, token: scene.token, body: body).status == .accepted)
                _ = try await scene.client.waitForStack(path, token: scene.token)
                return try await fields()
            }
            #expect(try await fields() == ["CREATE_COMPLETE", ["t1", "t2"], 7, false])
            #expect(try await update(.patch, [:]) == ["UPDATE_COMPLETE", ["t1", "t2"], 7, false])
            #expect(try await update(.put, ["template": .string(template)]) == ["UPDATE_COMPLETE", [], 7, false])
            let listed = try await scene.get(scene.stacks).json["stacks"][0]
            #expect(listed["tags"] == .null)
            #expect(try await update(.put, ["template": .string(template), "tags": "x1", "timeout_mins": 9, "disable_rollback": true])
                == ["UPDATE_COMPLETE", ["x1"], 9, true])
            #expect(try await update(.patch, ["parameters": [:]]) == ["UPDATE_COMPLETE", ["x1"], 9, true])
            #expect(try await update(.put, ["template": .string(template)]) == ["UPDATE_COMPLETE", [], 9, true])
        }
    }
}
