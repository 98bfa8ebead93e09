import Foundation
import KilnModel
import KilnStore
import Testing

/// `kill -9` of a `kiln stack signal` while the scale-out it started builds its new server:
/// the next command finishes the resize, with no orphaned server or pool member.
@Suite("Crash recovery of a scale-out")
struct ScalingCrashTests {
    static let member = """
        heat_template_version: 2021-04-16
        parameters:
          network: {type: string}
          subnet: {type: string}
          pool: {type: string}
        resources:
          server:
            type: OS::Nova::Server
            properties:
              flavor: m1.tiny
              image: cirros-0.6.2-x86_64-disk
              networks: [{network: {get_param: network}}]
          member:
            type: OS::Octavia::PoolMember
            properties:
              pool: {get_param: pool}
              address: {get_attr: [server, first_address]}
              protocol_port: 80
              subnet: {get_param: subnet}
        """

    static let template = """
        heat_template_version: 2021-04-16
        resources:
          net: {type: OS::Neutron::Net}
          subnet:
            type: OS::Neutron::Subnet
            properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
          lb:
            type: OS::Octavia::LoadBalancer
            properties: {vip_subnet: {get_resource: subnet}}
          listener:
            type: OS::Octavia::Listener
            properties: {loadbalancer: {get_resource: lb}, protocol: HTTP, protocol_port: 80}
          pool:
            type: OS::Octavia::Pool
            properties: {listener: {get_resource: listener}, lb_algorithm: ROUND_ROBIN, protocol: HTTP}
          web:
            type: OS::Heat::AutoScalingGroup
            properties:
              min_size: 1
              max_size: 3
              resource:
                type: member.yaml
                properties: {network: {get_resource: net}, subnet: {get_resource: subnet}, pool: {get_resource: pool}}
          up:
            type: OS::Heat::ScalingPolicy
            properties: {auto_scaling_group_id: {get_resource: web}, adjustment_type: change_in_capacity, scaling_adjustment: 1}
        outputs:
          size: {value: {get_attr: [web, current_size]}}
        """

    /// Servers take long enough that the kill lands while the new one builds.
    static let latency = ["--cloud-latency", "server=10s,others=10ms"]

    func count(_ kind: String, in store: any Store) async throws -> Int {
        try await store.cloudRead { tables in try tables.rows(kind: kind, projectID: nil, parentID: nil).count }
    }

    @Test func aScaleOutKilledWhileTheServerBuildsIsFinishedWithoutOrphans() async throws {
        let home = try KilnHome()
        _ = try home.write("member.yaml", Self.member)
        let template = try home.write("web.yaml", Self.template)
        let created = try await home.kiln(["stack", "create", "app", "-t", template])
        #expect(created.status == 0, "\(created.stderr)")

        let crash = try await CrashRun.start(["stack", "resource", "signal", "app", "up"] + Self.latency, in: home)
        try await crash.waitUntil("the new server building", seconds: 60) { store in try await count("server", in: store) >= 2 }
        crash.killNow()
        let stack = try #require(try await crash.stack("app"))
        let group = try #require(try await crash.store.resource(stackID: stack.id, name: "web"))
        #expect(group.statusText == "UPDATE_IN_PROGRESS", "killed too late to test recovery")
        #expect(group.metadata.mapValue?["scaling_in_progress"] == .bool(true))

        // Any next command finishes the resize the killed one started.
        let shown = try await home.kiln(["stack", "output", "show", "app", "size", "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let resized = try #require(try await crash.store.resource(stackID: stack.id, name: "web"))
        #expect(resized.statusText == "UPDATE_COMPLETE", "\(resized.statusReason)")
        #expect(resized.metadata.mapValue?["scaling_in_progress"] == .bool(false))
        #expect(shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(shown.stdout)")
        #expect(try await count("server", in: crash.store) == 2)
        #expect(try await count("member", in: crash.store) == 2)
        let inProgress = try await crash.store.stacks(StackQuery(projectID: nil, statuses: ["IN_PROGRESS"], showNested: true))
        #expect(inProgress.isEmpty, "\(inProgress.map(\.name))")

        let deleted = try await home.kiln(["stack", "delete", "app", "--yes"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        for kind in ["server", "port", "member", "loadbalancer"] {
            #expect(try await count(kind, in: crash.store) == 0, "\(kind) left after the delete")
        }
    }
}
