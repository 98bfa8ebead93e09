import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

@Suite("Nested stacks")
struct NestedStackTests {
    static let provider = """
        heat_template_version: 2018-08-31
        parameters:
          greeting: {type: string}
          names: {type: comma_delimited_list, default: "a,b"}
        resources:
          inner:
            type: OS::Heat::Value
            properties:
              value: {list_join: [" ", [{get_param: greeting}, {list_join: ["+", {get_param: names}]}]]}
        outputs:
          message: {value: {get_attr: [inner, value]}}
        """

    func outputs(_ engine: Engine, _ stack: StackRecord) async throws -> [String: Value] {
        Dictionary(uniqueKeysWithValues: try await engine.outputs(of: stack).map { ($0.key, $0.value) })
    }

    func allStacks(_ engine: Engine) async throws -> [StackRecord] {
        try await engine.stacks(StackQuery(projectID: nil, showNested: true))
    }

    @Test func providerTemplateByFileType() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2018-08-31
            resources:
              hello:
                type: greeter.yaml
                properties: {greeting: hi, names: [x, y]}
            outputs:
              message: {value: {get_attr: [hello, message]}}
              ref: {value: {get_resource: hello}}
            """
        var req = request("p", template)
        req.files = ["greeter.yaml": Self.provider]
        let stack = try await engine.create(req)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let values = try await outputs(engine, stack)
        #expect(values["message"] == "hi x+y")

        // The child is a stack of its own, hidden from the default list, named as Heat names it.
        #expect(try await engine.stacks().map(\.name) == ["p"])
        let children = try await allStacks(engine).filter { $0.parentID == stack.id }
        #expect(children.count == 1)
        let child = try #require(children.first)
        #expect(child.parentResource == "hello")
        #expect(child.name.hasPrefix("p-hello-"))
        #expect(values["ref"] == .string(child.id))
        #expect(try await engine.resources(of: stack).first?.type == "greeter.yaml")

        // Updating a property updates the child.
        var change = UpdateRequest(templateName: "p.yaml", template: template.replacingOccurrences(of: "greeting: hi", with: "greeting: bye"))
        change.files = req.files
        let updated = try await engine.update("p", change)
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        #expect(try await outputs(engine, updated)["message"] == "bye x+y")
        #expect(try await allStacks(engine).filter { $0.parentID == stack.id }.map(\.id) == [child.id])
    }

    @Test func providerTemplateThroughResourceRegistry() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let providerWithID = Self.provider + "\n  OS::stack_id: {value: custom-id}\n"
        let template = """
            heat_template_version: 2018-08-31
            resources:
              hello:
                type: My::Greeter
                properties: {greeting: hey}
              user:
                type: OS::Heat::Value
                properties: {value: {get_resource: hello}}
            outputs:
              message: {value: {get_attr: [hello, message]}}
              ref: {value: {get_attr: [user, value]}}
            """
        var req = request("r", template)
        req.environments = [NamedText(name: "env.yaml", text: "resource_registry:\n  My::Greeter: greeter.yaml\n")]
        req.files = ["greeter.yaml": providerWithID]
        let stack = try await engine.create(req)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let values = try await outputs(engine, stack)
        #expect(values["message"] == "hey a+b")
        // An OS::stack_id output is the resource's reference id.
        #expect(values["ref"] == "custom-id")
    }

    static let group = """
        heat_template_version: 2018-08-31
        parameters:
          count: {type: number, default: 3}
          remove: {type: json, default: []}
        resources:
          group:
            type: OS::Heat::ResourceGroup
            properties:
              count: {get_param: count}
              removal_policies: [{resource_list: {get_param: remove}}]
              resource_def:
                type: OS::Heat::TestResource
                properties: {value: "member-%index%"}
        outputs:
          refs: {value: {get_attr: [group, refs]}}
          one: {value: {get_attr: [group, resource.1]}}
          one_output: {value: {get_attr: [group, resource.1.output]}}
          outputs: {value: {get_attr: [group, output]}}
          by_member: {value: {get_attr: [group, attributes, output]}}
          removed: {value: {get_attr: [group, removed_rsrc_list]}}
        """

    func memberNames(_ engine: Engine, of stack: StackRecord) async throws -> [String] {
        let child = try await #require(try allStacks(engine).first { $0.parentID == stack.id })
        return try await engine.resources(of: child).map(\.name).sorted { Int($0)! < Int($1)! }
    }

    @Test func resourceGroupScalesUpAndDown() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("g", Self.group))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        var values = try await outputs(engine, stack)
        #expect(values["refs"]?.listValue?.count == 3)
        #expect(values["one"] == values["refs"]?.listValue?[1])
        #expect(values["one"]?.stringValue?.contains("-1-") == true)
        #expect(values["one_output"] == "member-1")
        #expect(values["outputs"] == ["member-0", "member-1", "member-2"])
        #expect(values["by_member"] == ["0": "member-0", "1": "member-1", "2": "member-2"])
        await #expect(try memberNames(engine, of: stack) == ["0", "1", "2"])

        let up = try await engine.update("g", UpdateRequest(parameters: ["count": "5"], existing: true))
        #expect(up.statusText == "UPDATE_COMPLETE", "\(up.statusReason)")
        await #expect(try memberNames(engine, of: up) == ["0", "1", "2", "3", "4"])
        values = try await outputs(engine, up)
        #expect(values["outputs"]?.listValue?.count == 5)

        let down = try await engine.update("g", UpdateRequest(parameters: ["count": "2"], existing: true))
        #expect(down.statusText == "UPDATE_COMPLETE", "\(down.statusReason)")
        await #expect(try memberNames(engine, of: down) == ["0", "1"])
        await #expect(try outputs(engine, down)["outputs"] == ["member-0", "member-1"])
    }

    @Test func removalPoliciesRemoveNamedMembersForGood() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("rp", Self.group))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let updated = try await engine.update("rp", UpdateRequest(parameters: ["remove": "[\"1\"]"], existing: true))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        // Member 1 goes; the group keeps its size with a new name, and "1" is never reused.
        await #expect(try memberNames(engine, of: updated) == ["0", "2", "3"])
        let values = try await outputs(engine, updated)
        #expect(values["removed"] == ["1"])
        #expect(values["outputs"] == ["member-0", "member-2", "member-3"])

        let again = try await engine.update("rp", UpdateRequest(parameters: ["remove": "[]", "count": "4"], existing: true))
        #expect(again.statusText == "UPDATE_COMPLETE", "\(again.statusReason)")
        await #expect(try memberNames(engine, of: again) == ["0", "2", "3", "4"])

        // A member may also be named by its reference id (as `refs` shows it).
        let refOfThree = try await #require(try outputs(engine, again)["refs"]?.listValue?[2].stringValue)
        let byRef = try await engine.update("rp", UpdateRequest(parameters: ["remove": "[\"\(refOfThree)\"]"], existing: true))
        #expect(byRef.statusText == "UPDATE_COMPLETE", "\(byRef.statusReason)")
        await #expect(try memberNames(engine, of: byRef) == ["0", "2", "4", "5"])
        await #expect(try outputs(engine, byRef)["removed"] == ["1", "3"])
    }

    @Test func rollingUpdateAndBatchCreateChangeMembersInSteps() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        func template(_ value: String) -> String {
            """
            heat_template_version: 2018-08-31
            resources:
              group:
                type: OS::Heat::ResourceGroup
                update_policy:
                  batch_create: {max_batch_size: 2}
                  rolling_update: {max_batch_size: 2, min_in_service: 1}
                properties:
                  count: 5
                  resource_def:
                    type: OS::Heat::TestResource
                    properties: {value: "\(value)-%index%"}
            outputs:
              outputs: {value: {get_attr: [group, output]}}
            """
        }
        let stack = try await engine.create(request("ru", template("a")))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let child = try await #require(try allStacks(engine).first { $0.parentID == stack.id })
        // Batches of two: the child stack is created, then updated twice (2, 4, 5 members).
        let childEvents = try await engine.events(of: child).filter { $0.resourceName == child.name }.map(\.statusText)
        #expect(childEvents.filter { $0 == "UPDATE_COMPLETE" }.count == 2)
        await #expect(try outputs(engine, stack)["outputs"] == ["a-0", "a-1", "a-2", "a-3", "a-4"])

        let updated = try await engine.update("ru", UpdateRequest(templateName: "ru.yaml", template: template("b")))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        await #expect(try outputs(engine, updated)["outputs"] == ["b-0", "b-1", "b-2", "b-3", "b-4"])
        let events = try await engine.events(of: child).filter { $0.resourceName == child.name }.map(\.statusText)
        // Five members, two at a time: three more updates of the child.
        #expect(events.filter { $0 == "UPDATE_COMPLETE" }.count == 5)
    }

    @Test func resourceChainCreatesInOrder() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2018-08-31
            resources:
              chain:
                type: OS::Heat::ResourceChain
                properties:
                  resources: [OS::Heat::TestResource, OS::Heat::TestResource, OS::Heat::TestResource]
                  resource_properties: {value: linked}
            outputs:
              refs: {value: {get_attr: [chain, refs]}}
              second: {value: {get_attr: [chain, resource.1.output]}}
              by_member: {value: {get_attr: [chain, attributes, output]}}
            """
        let stack = try await engine.create(request("c", template))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let values = try await outputs(engine, stack)
        #expect(values["refs"]?.listValue?.count == 3)
        #expect(values["second"] == "linked")
        #expect(values["by_member"] == ["0": "linked", "1": "linked", "2": "linked"])
        let child = try await #require(try allStacks(engine).first { $0.parentID == stack.id })
        let completions = try await engine.events(of: child)
            .filter { $0.resourceName != child.name && $0.statusText == "CREATE_COMPLETE" }.map(\.resourceName)
        #expect(completions == ["0", "1", "2"])
        let starts = try await engine.events(of: child)
            .filter { $0.resourceName != child.name }.map { "\($0.resourceName) \($0.statusText)" }
        // Each member starts only after the one before it completed.
        #expect(starts == ["0 CREATE_IN_PROGRESS", "0 CREATE_COMPLETE", "1 CREATE_IN_PROGRESS", "1 CREATE_COMPLETE",
                           "2 CREATE_IN_PROGRESS", "2 CREATE_COMPLETE"])
        await #expect(try engine.resources(of: child).first { $0.name == "2" }?.requires == ["1"])
    }

    @Test func heatStackResourceRunsItsTemplate() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2018-08-31
            resources:
              remote:
                type: OS::Heat::Stack
                properties:
                  template: |
                    heat_template_version: 2018-08-31
                    parameters:
                      word: {type: string}
                    resources:
                      v: {type: OS::Heat::Value, properties: {value: {get_param: word}}}
                    outputs:
                      said: {value: {get_attr: [v, value]}}
                  parameters: {word: hello}
            outputs:
              said: {value: {get_attr: [remote, outputs, said]}}
              name: {value: {get_attr: [remote, stack_name]}}
            """
        let stack = try await engine.create(request("h", template))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let values = try await outputs(engine, stack)
        #expect(values["said"] == "hello")
        #expect(values["name"]?.stringValue?.hasPrefix("h-remote-") == true)
    }

    @Test func deletingTheParentDeletesEveryChildStack() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        // A group of provider-template members: two levels of nested stacks.
        let template = """
            heat_template_version: 2018-08-31
            resources:
              group:
                type: OS::Heat::ResourceGroup
                properties:
                  count: 2
                  resource_def:
                    type: greeter.yaml
                    properties: {greeting: "n%index%"}
            outputs:
              messages: {value: {get_attr: [group, message]}}
            """
        var req = request("d", template)
        req.files = ["greeter.yaml": Self.provider]
        let stack = try await engine.create(req)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        await #expect(try outputs(engine, stack)["messages"] == ["n0 a+b", "n1 a+b"])
        await #expect(try allStacks(engine).count == 4)

        let deleted = try await engine.delete("d")
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        await #expect(try allStacks(engine).isEmpty)
    }

    @Test func failingMemberFailsTheGroupWithItsReason() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2018-08-31
            parameters:
              fail: {type: boolean, default: true}
            resources:
              group:
                type: OS::Heat::ResourceGroup
                properties:
                  count: 2
                  resource_def:
                    type: OS::Heat::TestResource
                    properties: {fail: {get_param: fail}}
            """
        let stack = try await engine.create(request("f", template))
        #expect(stack.statusText == "CREATE_FAILED")
        let group = try await #require(try engine.resources(of: stack).first)
        #expect(group.statusText == "CREATE_FAILED")
        #expect(group.statusReason.contains("Test Resource failed"))
        #expect(stack.statusReason.contains("Test Resource failed"))

        // Fixing the member on update replaces the failed group, carrying on with its child.
        let fixed = try await engine.update("f", UpdateRequest(parameters: ["fail": "false"], existing: true))
        #expect(fixed.statusText == "UPDATE_COMPLETE", "\(fixed.statusReason)")
        await #expect(try allStacks(engine).count == 2)
        let child = try await #require(try allStacks(engine).first { $0.parentID == stack.id })
        await #expect(try engine.resources(of: child).allSatisfy { $0.statusText != "CREATE_FAILED" })
        _ = try await engine.delete("f")
        await #expect(try allStacks(engine).isEmpty)
    }

    @Test func nestingDeeperThanFiveLevelsFails() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        // Each level is an OS::Heat::Stack holding the next: validation cannot see this depth.
        var inner = "heat_template_version: 2018-08-31\nresources:\n  leaf: {type: OS::Heat::None}\n"
        for _ in 0..<6 {
            let indented = inner.split(separator: "\n", omittingEmptySubsequences: false).map { "        " + $0 }.joined(separator: "\n")
            inner = "heat_template_version: 2018-08-31\nresources:\n  level:\n    type: OS::Heat::Stack\n    properties:\n      template: |\n\(indented)\n"
        }
        let stack = try await engine.create(request("deep", inner))
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason.contains("Recursion depth exceeds 5."))
    }
}

@Suite("Nested stack events")
struct NestedStackEventTests {
    @Test func eventsOfNestedStacksByDepth() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              group:
                type: OS::Heat::ResourceGroup
                properties:
                  count: 2
                  resource_def: {type: OS::Heat::None}
            """
        let stack = try await engine.create(request("outer", template))
        let child = try await #require(try engine.nestedStacks(of: stack).first)
        #expect(child.parentID == stack.id && child.parentResource == "group")
        let shallow = try await engine.events(of: stack, nestedDepth: 0).map(\.resourceName)
        #expect(shallow == ["outer", "group", "group", "outer"])
        let deep = try await engine.events(of: stack, nestedDepth: 1).map { "\($0.resourceName) \($0.statusText)" }
        #expect(deep.count == 4 + 6)
        #expect(deep.contains("\(child.name)/0 CREATE_COMPLETE"))
        #expect(deep.contains("\(child.name) CREATE_COMPLETE"))
        // The child's events come while the group resource is in progress.
        let groupStarted = try #require(deep.firstIndex(of: "group CREATE_IN_PROGRESS"))
        let groupDone = try #require(deep.firstIndex(of: "group CREATE_COMPLETE"))
        let memberDone = try #require(deep.firstIndex(of: "\(child.name)/1 CREATE_COMPLETE"))
        #expect(groupStarted < memberDone && memberDone < groupDone)
    }
}

@Suite("resource_facade")
struct ResourceFacadeTests {
    @Test func providerTemplatesSeeTheirOwnersFacade() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let inner = """
            heat_template_version: 2021-04-16
            resources:
              v:
                type: OS::Heat::Value
                properties:
                  value:
                    role: {get_attr: [meta, value, role]}
                    policy: {resource_facade: deletion_policy}
              meta: {type: OS::Heat::Value, properties: {value: {resource_facade: metadata}}}
            outputs:
              seen: {value: {get_attr: [v, value]}}
              update: {value: {resource_facade: update_policy}}
            """
        var outer = request("f", """
            heat_template_version: 2021-04-16
            resources:
              inner:
                type: inner.yaml
                metadata: {role: web}
                deletion_policy: Retain
                update_policy: {batch: 2}
            outputs:
              seen: {value: {get_attr: [inner, seen]}}
              update: {value: {get_attr: [inner, update]}}
            """)
        outer.files = ["inner.yaml": inner]
        let stack = try await engine.create(outer)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = try await engine.outputs(of: stack)
        #expect(outputs.first { $0.key == "seen" }?.value == ["role": "web", "policy": "Retain"])
        #expect(outputs.first { $0.key == "update" }?.value == ["batch": 2])
    }
}
