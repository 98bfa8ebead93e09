import Foundation
import KilnModel
import KilnStore
import Testing

/// The auto-scaling and auto-healing commands on an embedded home: `kiln stack resource
/// signal` on a policy, `kiln cloud server fail`, `kiln stack resource mark-unhealthy` on the
/// group's member, then `kiln stack update --existing` replaces it.
@Suite("Auto-scaling from the command line")
struct ScalingCLITests {
    static let template = ScalingCrashTests.template.replacingOccurrences(
        of: "  web:\n", with: """
          monitor:
            type: OS::Octavia::HealthMonitor
            properties: {pool: {get_resource: pool}, type: HTTP, delay: 5, max_retries: 3, timeout: 5}
          web:

        """)

    func servers(_ home: KilnHome) async throws -> [Value] {
        let listed = try await home.kiln(["cloud", "list", "server", "--format", "json"])
        return (try Value.parseJSON(listed.stdout)).listValue ?? []
    }

    @Test func signalFailMarkUnhealthyAndUpdate() async throws {
        let home = try KilnHome()
        _ = try home.write("member.yaml", ScalingCrashTests.member)
        let template = try home.write("web.yaml", Self.template)
        let created = try await home.kiln(["stack", "create", "app", "-t", template])
        #expect(created.status == 0, "\(created.stderr)")

        let signalled = try await home.kiln(["stack", "resource", "signal", "app", "up", "--data", #"{"current": "alarm"}"#])
        #expect(signalled.status == 0, "\(signalled.stderr)")
        let size = try await home.kiln(["stack", "output", "show", "app", "size", "--format", "json"])
        #expect(size.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        let before = try await servers(home)
        #expect(before.count == 2)
        let victim = try #require(before.first?.mapValue?["id"]?.stringValue)

        let failed = try await home.kiln(["cloud", "server", "fail", victim])
        #expect(failed.status == 0, "\(failed.stderr)")
        #expect(failed.stdout.contains("ERROR") && failed.stdout.contains("OFFLINE"), "\(failed.stdout)")
        let members = try await home.kiln(["cloud", "list", "member", "--format", "json"])
        let statuses = (try Value.parseJSON(members.stdout).listValue ?? []).compactMap { $0.mapValue?["operating_status"]?.stringValue }
        #expect(statuses.sorted() == ["OFFLINE", "ONLINE"], "\(members.stdout)")

        // The group member whose server failed, in the group's child stack.
        let store = try await home.store()
        let stack = try #require(try await store.stack(named: "app", projectID: "default"))
        let child = try #require(try await store.childStacks(of: stack.id).first { $0.parentResource == "web" })
        var memberName: String?
        for grandchild in try await store.childStacks(of: child.id) {
            let server = try await store.resource(stackID: grandchild.id, name: "server")
            if server?.physicalID == victim { memberName = grandchild.parentResource }
        }
        let member = try #require(memberName)
        let marked = try await home.kiln(["stack", "resource", "mark-unhealthy", child.id, member, "server failed"])
        #expect(marked.status == 0, "\(marked.stderr)")
        let updated = try await home.kiln(["stack", "update", "app", "--existing"])
        #expect(updated.status == 0, "\(updated.stderr)")

        let after = try await servers(home)
        #expect(after.count == 2)
        #expect(!after.contains { $0.mapValue?["id"]?.stringValue == victim })
        #expect(after.allSatisfy { $0.mapValue?["status"] == "ACTIVE" })
        let healed = try await home.kiln(["cloud", "list", "member", "--format", "json"])
        let now = (try Value.parseJSON(healed.stdout).listValue ?? []).compactMap { $0.mapValue?["operating_status"]?.stringValue }
        #expect(now == ["ONLINE", "ONLINE"], "\(healed.stdout)")
    }
}

/// The same commands in client mode, against a `kiln serve` on loopback.
@Suite("Auto-scaling in client mode")
struct ScalingClientModeTests {
    static let template = """
        heat_template_version: 2018-08-31
        resources:
          group:
            type: OS::Heat::AutoScalingGroup
            properties:
              min_size: 1
              max_size: 2
              resource: {type: OS::Heat::TestResource, properties: {value: m}}
          up:
            type: OS::Heat::ScalingPolicy
            properties: {auto_scaling_group_id: {get_resource: group}, adjustment_type: exact_capacity, scaling_adjustment: 2}
        outputs:
          size: {value: {get_attr: [group, current_size]}}
          members: {value: {get_attr: [group, refs_map]}}
        """

    @Test func resourceSignalAndMarkUnhealthyThroughTheAPI() async throws {
        let server = try await ServedKiln()
        let local = try KilnHome()
        let template = try local.write("group.yaml", Self.template)
        let created = try await server.client(["stack", "create", "g", "-t", template, "--wait"])
        #expect(created.status == 0, "\(created.stderr)")
        let signalled = try await server.client(["stack", "resource", "signal", "g", "up"])
        #expect(signalled.status == 0, "\(signalled.stderr)")
        let size = try await server.client(["stack", "output", "show", "g", "size", "--format", "json"])
        #expect(size.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(size.stdout) \(size.stderr)")
        let events = try await server.client(["stack", "event", "list", "g", "--resource", "up", "--format", "json"])
        #expect(events.stdout.contains("scaling group from 1 to 2"), "\(events.stdout)")
        let group = try await server.client(["stack", "resource", "show", "g", "group", "--format", "json"])
        #expect(group.stdout.contains("UPDATE_COMPLETE"), "\(group.stdout)")
        let marked = try await server.client(["stack", "resource", "mark-unhealthy", "g", "group", "checking"])
        #expect(marked.status == 0, "\(marked.stderr)")
        let shown = try await server.client(["stack", "resource", "show", "g", "group", "--format", "json"])
        #expect(shown.stdout.contains("CHECK_FAILED") && shown.stdout.contains("checking"), "\(shown.stdout)")
    }
}
