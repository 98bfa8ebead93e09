import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// An OS::Heat::AutoScalingGroup of a provider template holding a server and its pool member,
/// as Heat's autoscaling example has it, on the emulated cloud: scaling out adds members,
/// scaling in removes them with their servers; a failed server's member goes OFFLINE and
/// mark-unhealthy + update replaces it (Heat's auto-healing).
@Suite("Auto-scaling behind a load balancer")
struct ScalingLoadBalancerTests {
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
              metadata: {"metering.server_group": {get_param: "OS::stack_id"}}
          member:
            type: OS::Octavia::PoolMember
            properties:
              pool: {get_param: pool}
              address: {get_attr: [server, first_address]}
              protocol_port: 80
              subnet: {get_param: subnet}
        outputs:
          address: {value: {get_attr: [server, first_address]}}
          server: {value: {get_resource: server}}
        """

    static let template = """
        heat_template_version: 2021-04-16
        resources:
        \(networkResources)
          lb:
            type: OS::Octavia::LoadBalancer
            properties: {vip_subnet: {get_resource: subnet}}
          listener:
            type: OS::Octavia::Listener
            properties: {loadbalancer: {get_resource: lb}, protocol: HTTP, protocol_port: 80}
          pool:
            type: OS::Octavia::Pool
            properties: {listener: {get_resource: listener}, lb_algorithm: ROUND_ROBIN, protocol: HTTP}
          monitor:
            type: OS::Octavia::HealthMonitor
            properties: {pool: {get_resource: pool}, type: HTTP, delay: 5, max_retries: 3, timeout: 5}
          web:
            type: OS::Heat::AutoScalingGroup
            properties:
              min_size: 1
              max_size: 3
              resource:
                type: member.yaml
                properties:
                  network: {get_resource: net}
                  subnet: {get_resource: subnet}
                  pool: {get_resource: pool}
          up:
            type: OS::Heat::ScalingPolicy
            properties: {auto_scaling_group_id: {get_resource: web}, adjustment_type: change_in_capacity, scaling_adjustment: 1, cooldown: 0}
          down:
            type: OS::Heat::ScalingPolicy
            properties: {auto_scaling_group_id: {get_resource: web}, adjustment_type: change_in_capacity, scaling_adjustment: -1, cooldown: 0}
        outputs:
          addresses: {value: {get_attr: [web, outputs_list, address]}}
          servers: {value: {get_attr: [web, outputs, server]}}
        """

    func create(_ fixture: CloudFixture) async throws -> StackRecord {
        try await fixture.engine.create(StackRequest(
            name: "web", templateName: "web.yaml", template: Self.template, files: ["member.yaml": Self.member], disableRollback: true))
    }

    func memberAddresses(_ fixture: CloudFixture) async throws -> Set<String> {
        let pool = try #require(try await fixture.session.loadBalancer.pools().first)
        return Set(try await fixture.session.loadBalancer.members(poolID: pool.id).map(\.address))
    }

    func addresses(_ fixture: CloudFixture, _ stack: StackRecord) async throws -> [String] {
        (try await fixture.outputs(stack)["addresses"]?.listValue ?? []).compactMap(\.stringValue)
    }

    @Test func scalingOutAddsPoolMembersAndScalingInRemovesThemWithTheirServers() async throws {
        let fixture = try await CloudFixture()
        let stack = try await create(fixture)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let alarm: Value = ["previous": "ok", "current": "alarm", "reason": "cpu high"]
        for size in [2, 3, 3] {
            try await fixture.engine.signal("web", resource: "up", data: alarm)
            let addresses = try await addresses(fixture, stack)
            #expect(addresses.count == size)
            #expect(try await memberAddresses(fixture) == Set(addresses))
            #expect(try await fixture.session.compute.servers().count == size)
        }
        let before = try await addresses(fixture, stack)
        try await fixture.engine.signal("web", resource: "down", data: alarm)
        // The oldest member goes: its pool member and its server, nothing else.
        let after = try await addresses(fixture, stack)
        #expect(after == Array(before.dropFirst()))
        #expect(try await memberAddresses(fixture) == Set(after))
        #expect(try await fixture.session.compute.servers().count == 2)
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    /// Within a member, the pool member is removed before its server: when the cloud refuses
    /// the member's delete, the scale-in fails with the server still there and serving.
    @Test func scaleInRemovesThePoolMemberBeforeItsServer() async throws {
        let fixture = try await CloudFixture(EmulatorOptions(faults: CloudFaults(rules: [.init(operation: "member.delete", times: 1)])))
        let stack = try await create(fixture)
        try await fixture.engine.signal("web", resource: "up", data: .null)
        #expect(try await fixture.session.compute.servers().count == 2)
        await #expect(throws: EngineError.self) { try await fixture.engine.signal("web", resource: "down", data: .null) }
        #expect(try await fixture.session.compute.servers().count == 2)
        #expect(try await memberAddresses(fixture).count == 2)
        let group = try await fixture.resource(stack, "web")
        #expect(group.statusText == "UPDATE_FAILED")
        #expect(group.statusReason.hasPrefix("Error resizing the group web: "), "\(group.statusReason)")
        // A failed group ignores signals until a stack update brings it back, as Heat's does.
        try await fixture.engine.signal("web", resource: "down", data: .null)
        let events = try await fixture.engine.events(of: stack, resource: "down").map(\.reason)
        #expect(events.last?.contains("is UPDATE_FAILED, not COMPLETE") == true, "\(events)")
        let repaired = try await fixture.engine.update(stack.id, UpdateRequest(existing: true))
        #expect(repaired.statusText == "UPDATE_COMPLETE", "\(repaired.statusReason)")
        // The replacement group carries on with the child stack's live member and finishes the
        // scale-in: the member whose delete failed goes now, with its server.
        #expect(try await fixture.session.compute.servers().count == 1)
        #expect(try await memberAddresses(fixture).count == 1)
        #expect(try await fixture.resource(stack, "web").statusText == "CREATE_COMPLETE")
    }

    /// A monitored member follows its server: OFFLINE while it is stopped, ONLINE again once started.
    @Test func monitoredMembersFollowTheirServersStatus() async throws {
        let fixture = try await CloudFixture()
        let stack = try await create(fixture)
        #expect(stack.statusText == "CREATE_COMPLETE")
        let server = try #require(try await fixture.session.compute.servers().first)
        let pool = try #require(try await fixture.session.loadBalancer.pools().first)
        try await fixture.session.compute.performAction(.stop, serverID: server.id)
        _ = try await fixture.session.compute.waitForServer(id: server.id, statuses: ["SHUTOFF"], untilGone: false, timeout: 10)
        #expect(try await fixture.session.loadBalancer.members(poolID: pool.id).map(\.status.operating) == ["OFFLINE"])
        try await fixture.session.compute.performAction(.start, serverID: server.id)
        _ = try await fixture.session.compute.waitForServer(id: server.id, statuses: ["ACTIVE"], untilGone: false, timeout: 10)
        let member = try #require(try await fixture.session.loadBalancer.members(poolID: pool.id).first)
        #expect(member.status.operating == "ONLINE")
        #expect(try await fixture.session.loadBalancer.member(poolID: pool.id, id: member.id)?.status.operating == "ONLINE")
    }

    @Test func aFailedServerGoesOfflineAndMarkUnhealthyThenUpdateReplacesIt() async throws {
        let fixture = try await CloudFixture()
        let stack = try await create(fixture)
        try await fixture.engine.signal("web", resource: "up", data: .null)
        let servers = try #require(try await fixture.outputs(stack)["servers"]?.mapValue)
        #expect(servers.count == 2)
        let (failedMember, failedServer) = try #require(servers.sorted { $0.key < $1.key }.first)
        let serverID = try #require(failedServer.stringValue)

        let (server, members) = try await fixture.cloud.failServer(serverID, projectID: "default")
        #expect(server.status == "ERROR")
        #expect(members.count == 1 && members.first?.status.operating == "OFFLINE")
        let pool = try #require(try await fixture.session.loadBalancer.pools().first)
        let statuses = try await fixture.session.loadBalancer.members(poolID: pool.id).map(\.status.operating).sorted()
        #expect(statuses == ["OFFLINE", "ONLINE"])

        // Heat's auto-healing: mark the group's member unhealthy in its child stack, update the stack.
        let child = try #require(try await fixture.store.childStacks(of: stack.id).first { $0.parentResource == "web" })
        try await fixture.engine.markUnhealthy(child.id, resource: failedMember, unhealthy: true, reason: "server failed")
        let healed = try await fixture.engine.update(stack.id, UpdateRequest(existing: true))
        #expect(healed.statusText == "UPDATE_COMPLETE", "\(healed.statusReason)")
        let now = try #require(try await fixture.outputs(stack)["servers"]?.mapValue)
        #expect(now.count == 2)
        #expect(now[failedMember] == nil && !now.values.contains(failedServer))
        let remaining = try await fixture.session.compute.servers()
        #expect(remaining.count == 2 && remaining.allSatisfy { $0.status == "ACTIVE" } && !remaining.contains { $0.id == serverID })
        let healthy = try await fixture.session.loadBalancer.members(poolID: pool.id)
        #expect(healthy.count == 2 && healthy.allSatisfy { $0.status.operating == "ONLINE" })
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }
}
