import Foundation
@testable import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

/// `external_id` and `restricted_actions`, each status and reason as heat-oracle (Heat 27)
/// gave them.
@Suite("External resources and restricted actions")
struct ExternalResourceTests {
    let template = """
        heat_template_version: 2018-08-31
        resources:
          r: {type: OS::Heat::RandomString, external_id: my-ext-123}
          n: {type: OS::Heat::None, external_id: none-ext-9}
          d:
            type: OS::Heat::Value
            properties: {value: {get_resource: n}}
        outputs:
          r: {value: {get_resource: r}}
          n: {value: {get_resource: n}}
          d: {value: {get_attr: [d, value]}}
        """

    func lines(_ engine: Engine, _ stack: StackRecord) async throws -> [String] {
        try await engine.events(of: stack).map { "\($0.resourceName) \($0.statusText) \($0.reason)" }
    }

    @Test func takenInNotCreatedAndLeftOnDelete() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("e", template))
        #expect(stack.statusText == "CREATE_COMPLETE")
        let events = try await lines(engine, stack).filter { $0.hasPrefix("n ") || $0.hasPrefix("r ") }
        #expect(events.filter { $0.hasPrefix("n ") } == [
            "n ADOPT_IN_PROGRESS state changed",
            "n ADOPT_COMPLETE state changed",
            "n CHECK_COMPLETE CHECK not supported for OS::Heat::None",
        ])
        #expect(events.filter { $0.hasPrefix("r ") }.last == "r CHECK_COMPLETE CHECK not supported for OS::Heat::RandomString")
        let resources = try await engine.resources(of: stack)
        #expect(resources.first { $0.name == "n" }?.physicalID == "none-ext-9")
        #expect(resources.first { $0.name == "n" }?.statusText == "CHECK_COMPLETE")
        // Heat: get_resource is the physical id for None; a RandomString's is its (absent) value.
        let outputs = Dictionary(uniqueKeysWithValues: try await engine.outputs(of: stack).map { ($0.key, $0.value) })
        #expect(outputs["n"] == "none-ext-9")
        #expect(outputs["r"] == .null)
        #expect(outputs["d"] == "none-ext-9")
        // A delete forgets them (events as usual) without deleting what it did not make.
        let deleted = try await engine.delete("e")
        #expect(deleted.statusText == "DELETE_COMPLETE")
    }

    /// An external object that is a stack cannot be taken in (Heat: Stack Adopt is not supported).
    @Test func aNestedStackCannotBeExternal() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        var req = request("x", """
            heat_template_version: 2018-08-31
            resources:
              s: {type: inner.yaml, external_id: 8d3c0000-0000-0000-0000-000000000000}
              w: {type: OS::Heat::None}
            """)
        req.files = ["inner.yaml": "heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::Heat::None}\n"]
        let stack = try await engine.create(req)
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason == "Resource ADOPT failed: NotSupported: resources.s: Stack Adopt is not supported.")
        let s = try #require(try await engine.resources(of: stack).first { $0.name == "s" })
        #expect(s.statusText == "ADOPT_FAILED")
        #expect(s.statusReason == "NotSupported: resources.s: Stack Adopt is not supported.")
    }

    /// Changing, removing or adding external_id on a resource that exists: Heat fails the
    /// update at once, touching no resource.
    @Test(arguments: [
        ("none-ext-9", "none-ext-10", "n", "OS::Heat::None"),
        ("none-ext-9", nil, "n", "OS::Heat::None"),
    ] as [(String, String?, String, String)])
    func externalIDMayNotChange(old: String, new: String?, name: String, type: String) async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        _ = try await engine.create(request("u", template))
        let changed = new.map { template.replacingOccurrences(of: old, with: $0) }
            ?? template.replacingOccurrences(of: ", external_id: \(old)", with: "")
        let updated = try await engine.update("u", UpdateRequest(templateName: "u.yaml", template: changed))
        #expect(updated.statusText == "UPDATE_FAILED")
        #expect(updated.statusReason == "Resource UPDATE failed: NotSupported: resources.\(name): Update to property external_id of \(name) (\(type)) is not supported.")
        let resourceEvents = try await engine.events(of: updated).filter { $0.resourceName != "u" && $0.action == .update }
        #expect(resourceEvents.isEmpty)
        // An update that keeps it as it is succeeds, touching nothing.
        let same = try await engine.update("u", UpdateRequest(templateName: "u.yaml", template: template))
        #expect(same.statusText == "UPDATE_COMPLETE")
    }

    /// Heat: new properties of an external resource are taken without events; the update completes.
    @Test func newPropertiesOfAnExternalResource() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let original = "heat_template_version: 2018-08-31\nresources:\n  n: {type: OS::Heat::None, external_id: ext-n, properties: {v: first}}\n"
        let stack = try await engine.create(request("p", original))
        let updated = try await engine.update("p", UpdateRequest(templateName: "p.yaml", template: original.replacingOccurrences(of: "first", with: "second")))
        #expect(updated.statusText == "UPDATE_COMPLETE")
        #expect(try await engine.events(of: updated).filter { $0.resourceName == "n" && $0.action == .update }.isEmpty)
        let n = try #require(try await engine.resources(of: stack).first { $0.name == "n" })
        #expect(n.properties.mapValue?["v"] == "second")
        #expect(n.physicalID == "ext-n")
    }

    @Test func addingExternalIDToAResourceThatExistsIsRefused() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        _ = try await engine.create(request("a", template))
        let changed = template.replacingOccurrences(of: "type: OS::Heat::Value\n", with: "type: OS::Heat::Value\n    external_id: val-ext\n")
        let updated = try await engine.update("a", UpdateRequest(templateName: "a.yaml", template: changed))
        #expect(updated.statusReason == "Resource UPDATE failed: NotSupported: resources.d: Update to property external_id of d (OS::Heat::Value) is not supported.")
    }

    /// restricted_actions: the resource keeps its state; an UPDATE_FAILED event says why.
    @Test func restrictedActions() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        var req = request("ra", """
            heat_template_version: 2018-08-31
            parameters:
              v: {type: string, default: one}
              len: {type: number, default: 8}
            resources:
              val: {type: OS::Heat::Value, properties: {value: {get_param: v}}}
              rnd: {type: OS::Heat::RandomString, properties: {length: {get_param: len}}}
            """)
        req.environments = [NamedText(name: "env.yaml", text: """
            resource_registry:
              resources:
                val: {restricted_actions: update}
                rnd: {restricted_actions: [replace]}
            """)]
        let stack = try await engine.create(req)
        #expect(stack.statusText == "CREATE_COMPLETE")
        let update = try await engine.update("ra", UpdateRequest(parameters: ["v": "two"], existing: true))
        #expect(update.statusText == "UPDATE_FAILED")
        #expect(update.statusReason == "Resource UPDATE failed: ResourceActionRestricted: resources.val: update is restricted for resource.")
        #expect(try await lines(engine, stack).contains("val UPDATE_FAILED update is restricted for resource."))
        #expect(try await engine.resources(of: stack).first { $0.name == "val" }?.statusText == "CREATE_COMPLETE")

        let replace = try await engine.update("ra", UpdateRequest(parameters: ["v": "one", "len": "9"], existing: true))
        #expect(replace.statusReason == "Resource UPDATE failed: ResourceActionRestricted: resources.rnd: replace is restricted for resource.")
        #expect(try await engine.resources(of: stack).first { $0.name == "rnd" }?.statusText == "CREATE_COMPLETE")
    }
}
