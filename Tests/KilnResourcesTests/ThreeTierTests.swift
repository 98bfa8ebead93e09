import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// The repository's examples/ directory.
let examplesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples")

func example(_ name: String) throws -> String {
    try String(contentsOf: examplesDirectory.appendingPathComponent(name), encoding: .utf8)
}

extension CloudFixture {
    func createThreeTier(_ name: String = "app", web: Int = 2, rollback: Bool = false, extra: [String: String] = [:]) async throws -> StackRecord {
        try await engine.create(StackRequest(
            name: name, templateName: "three-tier.yaml", template: try example("three-tier.yaml"),
            parameters: ["web_count": String(web)].merging(extra) { $1 }, files: ["web-server.yaml": try example("web-server.yaml")],
            disableRollback: !rollback))
    }

    func updateThreeTier(_ stack: StackRecord, web: Int, extra: [String: String] = [:], rollback: Bool = false) async throws -> StackRecord {
        try await engine.update(stack.id, UpdateRequest(
            templateName: "three-tier.yaml", template: try example("three-tier.yaml"),
            parameters: ["web_count": String(web)].merging(extra) { $1 }, files: ["web-server.yaml": try example("web-server.yaml")],
            disableRollback: !rollback))
    }

    /// Every object the project holds, by kind, to compare topologies and find orphans.
    func inventory() async throws -> [String: Int] {
        let s = session
        var members = 0
        for pool in try await s.loadBalancer.pools() { members += try await s.loadBalancer.members(poolID: pool.id).count }
        return [
            "servers": try await s.compute.servers().count, "volumes": try await s.blockStorage.volumes().count,
            "ports": try await s.network.ports(networkID: nil, deviceID: nil).count,
            "networks": try await s.network.networks().filter { !$0.external }.count,
            "routers": try await s.network.routers().count, "floatingips": try await s.network.floatingIPs().count,
            "securitygroups": try await s.network.securityGroups().filter { $0.name != "default" }.count,
            "loadbalancers": try await s.loadBalancer.loadBalancers().count, "members": members,
        ]
    }

    func isEmpty() async throws -> Bool { try await inventory().values.allSatisfy { $0 == 0 } }
}

@Suite("The three-tier example on the emulated cloud")
struct ThreeTierTests {
    @Test func createsTheWholeTopologyAndDeletesItAll() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.createThreeTier(web: 3)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let made = try await fixture.inventory()
        // 3 web + 1 db servers, each with a volume; web servers are pool members; ports: 4 servers,
        // the router's interface and gateway, the VIP.
        #expect(made == [
            "servers": 4, "volumes": 4, "ports": 7, "networks": 1, "routers": 1, "floatingips": 1, "securitygroups": 2,
            "loadbalancers": 1, "members": 3,
        ])
        let outputs = try await fixture.outputs(stack)
        let web = outputs["web_addresses"]?.listValue?.compactMap(\.stringValue) ?? []
        #expect(web.count == 3 && web.allSatisfy { $0.hasPrefix("10.10.") })
        #expect(outputs["url"]?.stringValue?.hasPrefix("http://172.24.4.") == true)
        // Members are the web servers' addresses, monitored.
        let pool = try #require(try await fixture.session.loadBalancer.pools().first)
        let members = try await fixture.session.loadBalancer.members(poolID: pool.id)
        #expect(Set(members.map(\.address)) == Set(web))
        #expect(members.allSatisfy { $0.status.operating == "ONLINE" })
        // Every volume is attached to a server.
        #expect(try await fixture.session.blockStorage.volumes().allSatisfy { $0.status == "in-use" })

        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE")
        #expect(try await fixture.isEmpty())
    }

    @Test func scalingTheWebTierAddsAndRemovesServersVolumesAndMembers() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.createThreeTier(web: 2)
        let grown = try await fixture.updateThreeTier(stack, web: 4)
        #expect(grown.statusText == "UPDATE_COMPLETE", "\(grown.statusReason)")
        var made = try await fixture.inventory()
        #expect(made["servers"] == 5 && made["volumes"] == 5 && made["members"] == 4)
        let shrunk = try await fixture.updateThreeTier(stack, web: 1)
        #expect(shrunk.statusText == "UPDATE_COMPLETE", "\(shrunk.statusReason)")
        made = try await fixture.inventory()
        #expect(made["servers"] == 2 && made["volumes"] == 2 && made["members"] == 1)
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    @Test func aNewFlavorResizesTheServerInPlaceAndReplacePolicyReplacesIt() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            parameters:
              flavor: {type: string, default: m1.tiny}
              policy: {type: string, default: RESIZE}
            resources:
              server:
                type: OS::Nova::Server
                properties:
                  flavor: {get_param: flavor}
                  image: cirros-0.6.2-x86_64-disk
                  flavor_update_policy: {get_param: policy}
            outputs:
              id: {value: {get_resource: server}}
            """
        let stack = try await fixture.create("resize", template)
        let first = try await fixture.outputs(stack)["id"]?.stringValue
        let resized = try await fixture.engine.update(stack.id, UpdateRequest(template: template, parameters: ["flavor": "m1.small"]))
        #expect(resized.statusText == "UPDATE_COMPLETE", "\(resized.statusReason)")
        let server = try #require(try await fixture.session.compute.server(id: first ?? ""))
        #expect(server.flavorID == "2" && server.status == "ACTIVE")

        let replaced = try await fixture.engine.update(
            stack.id, UpdateRequest(template: template, parameters: ["flavor": "m1.medium", "policy": "REPLACE"]))
        #expect(replaced.statusText == "UPDATE_COMPLETE", "\(replaced.statusReason)")
        let second = try await fixture.outputs(replaced)["id"]?.stringValue
        #expect(second != nil && second != first)
        let servers = try await fixture.session.compute.servers()
        #expect(servers.map(\.id) == [second] && servers.first?.flavorID == "3")
    }

    @Test func quotaExhaustedByAReplacementFailsTheUpdateAndRollbackRestoresTheOldServer() async throws {
        let fixture = try await CloudFixture(EmulatorOptions(quotas: Quotas(limits: ["instances": 1, "cores": 20, "ram": 51200])))
        let template = """
            heat_template_version: 2021-04-16
            parameters:
              flavor: {type: string, default: m1.tiny}
            resources:
              server:
                type: OS::Nova::Server
                properties:
                  flavor: {get_param: flavor}
                  image: cirros-0.6.2-x86_64-disk
                  flavor_update_policy: REPLACE
            """
        let stack = try await fixture.create("quota", template)
        let old = try #require(try await fixture.session.compute.servers().first)
        let updated = try await fixture.engine.update(
            stack.id, UpdateRequest(template: template, parameters: ["flavor": "m1.small"], disableRollback: false))
        let trail = try await fixture.engine.events(of: updated, nestedDepth: 0).map { "\($0.resourceName) \($0.statusText) \($0.reason)" }
        #expect(updated.statusText == "ROLLBACK_COMPLETE", "\(updated.statusReason) \(trail)")
        let events = try await fixture.engine.events(of: updated, nestedDepth: 0)
        #expect(events.contains { $0.statusText == "UPDATE_FAILED" && $0.reason.contains("Quota exceeded for instances: Requested 1, but already used 1 of 1 instances") })
        let servers = try await fixture.session.compute.servers()
        #expect(servers.map(\.id) == [old.id] && servers.first?.flavorID == "1" && servers.first?.status == "ACTIVE")
    }

    @Test func unknownFlavorsImagesAndNetworksAreLocatedErrorsWithSuggestions() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              server:
                type: OS::Nova::Server
                properties:
                  flavor: m1.smal
                  image: cirros
                  networks:
                    - network: privte
            """
        await #expect {
            _ = try await fixture.create("bad", template)
        } throws: { error in
            let text = "\(error)"
            return text.contains("bad.yaml:6:") && text.contains("The Flavor (m1.smal) could not be found. (did you mean 'm1.small'?)")
                && text.contains("The Image (cirros) could not be found.") && text.contains("bad.yaml:9:")
                && text.contains("The Network (privte) could not be found.")
        }
        #expect(try await fixture.engine.stacks(StackQuery(projectID: nil)).isEmpty)
        #expect(try await fixture.isEmpty())
    }

    @Test func injectedFaultsFailTheCreateAndDeleteLeavesNothing() async throws {
        for fault in ["server.create=1", "volume.create=1", "loadbalancer.create=1", "subnet.create=1", "member.create=1", "router.create=1"] {
            let fixture = try await CloudFixture(EmulatorOptions(faults: try CloudFaults(parsing: fault)))
            let stack = try await fixture.createThreeTier(web: 2)
            #expect(stack.statusText == "CREATE_FAILED", "\(fault): \(stack.statusText)")
            let deleted = try await fixture.engine.delete(stack.id)
            #expect(deleted.statusText == "DELETE_COMPLETE", "\(fault): \(deleted.statusReason)")
            let left = try await fixture.inventory()
            #expect(left.values.allSatisfy { $0 == 0 }, "\(fault): \(left)")
        }
    }

    @Test func theSameTopologyTwiceGivesTheSameShape() async throws {
        let one = try await CloudFixture(), two = try await CloudFixture()
        _ = try await one.createThreeTier(web: 2)
        _ = try await two.createThreeTier(web: 2)
        #expect(try await one.inventory() == two.inventory())
        let addresses = { (fixture: CloudFixture) async throws -> [String] in
            try await fixture.session.network.ports(networkID: nil, deviceID: nil).flatMap { $0.fixedIPs.map(\.ipAddress) }.sorted()
        }
        #expect(try await addresses(one) == addresses(two))
    }
}
