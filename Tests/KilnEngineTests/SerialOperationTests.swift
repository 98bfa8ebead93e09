import Foundation
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// Every operation with one resource worked on at a time (`maxParallel` 1): the same results,
/// in dependency order.
@Suite struct SerialOperationTests {
    static let chain = """
        heat_template_version: 2021-04-16
        resources:
          a: {type: OS::Heat::TestResource, properties: {value: one}}
          b: {type: OS::Heat::TestResource, properties: {value: {get_attr: [a, output]}}}
          c: {type: OS::Heat::None, depends_on: [b]}
          d: {type: OS::Heat::None, depends_on: [a]}
        """

    /// Index of a resource's first event with this status text.
    func position(_ events: [EventRecord], _ name: String, _ status: String) throws -> Int {
        try #require(events.firstIndex { $0.resourceName == name && $0.statusText == status }, "\(name) \(status)")
    }

    /// With one at a time, a resource's IN_PROGRESS event never comes while another resource
    /// is still in progress (stack events, named after the stack, are left out).
    func expectOneAtATime(_ events: [EventRecord], stack: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var open: Set<String> = []
        for event in events where event.resourceName != stack {
            if event.status == .inProgress {
                #expect(open.subtracting([event.resourceName]).isEmpty,
                        "\(event.resourceName) \(event.statusText) while \(open.sorted()) in progress", sourceLocation: sourceLocation)
                open.insert(event.resourceName)
            } else {
                open.remove(event.resourceName)
            }
        }
        #expect(open.isEmpty, "left in progress: \(open.sorted())", sourceLocation: sourceLocation)
    }

    @Test func createUpdateActionsAndDeleteOneAtATime() async throws {
        let home = TemporaryHome()
        let engine = try home.engine(maxParallel: 1)
        let created = try await engine.create(request("serial", Self.chain))
        #expect(created.statusText == "CREATE_COMPLETE", "\(created.statusReason)")
        let createdResources = try await engine.resources(of: created)
        #expect(Set(createdResources.map(\.name)) == ["a", "b", "c", "d"])
        #expect(createdResources.allSatisfy { $0.statusText == "CREATE_COMPLETE" })
        var events = try await engine.events(of: created)
        for (dependent, dependency) in [("b", "a"), ("c", "b"), ("d", "a")] {
            #expect(try position(events, dependency, "CREATE_COMPLETE") < position(events, dependent, "CREATE_IN_PROGRESS"))
            #expect(try position(events, dependency, "CREATE_COMPLETE") < position(events, dependent, "CREATE_COMPLETE"))
        }
        // Ready resources in the order they became ready (template order among those ready together): a; b and d; then c.
        let completions = events.filter { $0.statusText == "CREATE_COMPLETE" && $0.resourceName != "serial" }.map(\.resourceName)
        #expect(completions == ["a", "b", "d", "c"])
        expectOneAtATime(events, stack: "serial")

        // An update that replaces a (TestResource's update_replace), changes b and removes d.
        let oldA = try await engine.resources(of: created).first { $0.name == "a" }?.physicalID
        let changed = """
            heat_template_version: 2021-04-16
            resources:
              a: {type: OS::Heat::TestResource, properties: {value: two, update_replace: true}}
              b: {type: OS::Heat::TestResource, properties: {value: {get_attr: [a, output]}}}
              c: {type: OS::Heat::None, depends_on: [b]}
            """
        let updated = try await engine.update("serial", UpdateRequest(templateName: "serial.yaml", template: changed))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        let resources = try await engine.resources(of: updated)
        #expect(Set(resources.map(\.name)) == ["a", "b", "c"])
        #expect(resources.allSatisfy { $0.status == .complete })
        #expect(resources.first { $0.name == "a" }?.physicalID != oldA)
        events = try await engine.events(of: updated)
        // The new a is made before b, which reads it, is updated.
        let newA = try #require(events.lastIndex { $0.resourceName == "a" && $0.statusText == "CREATE_COMPLETE" })
        #expect(try newA < position(events, "b", "UPDATE_IN_PROGRESS"))
        // d, removed, and the replaced a are deleted.
        #expect(try position(events, "d", "DELETE_COMPLETE") > position(events, "serial", "UPDATE_IN_PROGRESS"))
        #expect(events.contains { $0.resourceName == "a" && $0.statusText == "DELETE_COMPLETE" && $0.physicalResourceID == oldA })
        expectOneAtATime(events, stack: "serial")

        for (action, expected) in [("suspend", "SUSPEND_COMPLETE"), ("resume", "RESUME_COMPLETE"), ("check", "CHECK_COMPLETE")] {
            let stack: StackRecord
            switch action {
            case "suspend": stack = try await engine.suspend("serial")
            case "resume": stack = try await engine.resume("serial")
            default: stack = try await engine.check("serial")
            }
            #expect(stack.statusText == expected, "\(stack.statusReason)")
            #expect(try await engine.resources(of: stack).allSatisfy { $0.statusText == expected })
        }
        expectOneAtATime(try await engine.events(of: created), stack: "serial")

        let deleted = try await engine.delete("serial")
        #expect(deleted.statusText == "DELETE_COMPLETE")
        #expect(try await engine.stacks(StackQuery(projectID: nil)).isEmpty)
    }

    @Test func deleteTakesDependentsFirst() async throws {
        let home = TemporaryHome()
        let engine = try home.engine(maxParallel: 1)
        let log = OwnerLog()
        let all = EventLog()
        _ = try await engine.create(request("serial", Self.chain))
        let deleted = try await engine.delete("serial", observer: { event in
            all.observer(event)
            if event.statusText == "DELETE_COMPLETE" { log.add(event.resourceName) }
        })
        #expect(deleted.statusText == "DELETE_COMPLETE")
        #expect(Set(log.all) == ["a", "b", "c", "d", "serial"])
        expectOneAtATime(all.all, stack: "serial")
        let order = log.all
        func index(_ name: String) throws -> Int { try #require(order.firstIndex(of: name), "\(name)") }
        #expect(try index("c") < index("b"))
        #expect(try index("b") < index("a"))
        #expect(try index("d") < index("a"))
        #expect(order.last == "serial")
    }

    @Test func aFailedCreateRollsBackOneAtATime() async throws {
        let home = TemporaryHome()
        let engine = try home.engine(maxParallel: 1)
        let failing = """
            heat_template_version: 2021-04-16
            resources:
              a: {type: OS::Heat::TestResource, properties: {value: one}}
              b: {type: OS::Heat::TestResource, properties: {value: two, fail: true}, depends_on: [a]}
            """
        let stack = try await engine.create(request("rb", failing, rollback: true))
        #expect(stack.statusText == "ROLLBACK_COMPLETE", "\(stack.statusReason)")
        #expect(try await engine.resources(of: stack).isEmpty)
        let events = try await engine.events(of: stack)
        #expect(try position(events, "b", "CREATE_FAILED") < position(events, "a", "DELETE_COMPLETE"))
    }
}
