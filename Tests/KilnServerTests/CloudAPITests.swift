import Foundation
import Hummingbird
import KilnCloud
import KilnEmulator
import KilnModel
import KilnServer
import KilnStore
import Testing

/// The emulated cloud's OpenStack APIs over real HTTP on loopback, with the built-in identity.
@Suite("Cloud APIs served by kiln serve")
struct CloudAPITests {
    static func fixture() async throws -> ServerFixture {
        try await ServerFixture(cloud: { store in try await EmulatedCloud(store: store) })
    }

    @Test func theCatalogListsTheCloudsServicesAndVersionDocumentsAnswer() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { client in
            let reply = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": [
                    "name": "admin", "password": .string(fixture.adminPassword), "domain": ["name": "Default"]]]],
                "scope": ["project": ["name": "admin", "domain": ["name": "Default"]]],
            ]])
            let types = (reply.json["token"]["catalog"].listValue ?? []).compactMap { $0["type"].stringValue }
            #expect(Set(types).isSuperset(of: ["compute", "network", "volumev3", "load-balancer", "image", "orchestration"]))
            let compute = try await client.call(.get, "/compute/v2.1")
            #expect(compute.json["version"]["version"] == "2.79")
            let network = try await client.call(.get, "/network")
            #expect(network.json["versions"][0]["id"] == "v2.0")
        }
    }

    @Test func networksServersAndVolumesThroughTheirAPIs() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let network = try await client.call(.post, "/network/v2.0/networks", token: token, body: ["network": ["name": "net1"]])
            #expect(network.status == .created)
            let networkID = try #require(network.json["network"]["id"].stringValue)
            let subnet = try await client.call(.post, "/network/v2.0/subnets", token: token, body: [
                "subnet": ["network_id": .string(networkID), "cidr": "192.168.7.0/24", "ip_version": 4, "name": "sub1"]])
            #expect(subnet.json["subnet"]["gateway_ip"] == "192.168.7.1")
            #expect(subnet.json["subnet"]["allocation_pools"][0]["start"] == "192.168.7.2")

            let created = try await client.call(.post, "/compute/v2.1/servers", token: token, body: ["server": [
                "name": "vm1", "flavorRef": "1", "imageRef": "cirros-0.6.2-x86_64-disk", "networks": [["uuid": .string(networkID)]]]])
            #expect(created.status == .accepted)
            let serverID = try #require(created.json["server"]["id"].stringValue)
            let shown = try await client.call(.get, "/compute/v2.1/servers/\(serverID)", token: token)
            #expect(shown.json["server"]["status"] == "ACTIVE")
            #expect(shown.json["server"]["addresses"]["net1"][0]["addr"] == "192.168.7.2")
            #expect(shown.json["server"]["OS-EXT-STS:vm_state"] == "active")
            let ports = try await client.call(.get, "/network/v2.0/ports?device_id=\(serverID)", token: token)
            #expect(ports.json["ports"].listValue?.count == 1)
            #expect(ports.json["ports"][0]["device_owner"] == "compute:nova")

            let volume = try await client.call(.post, "/volume/v3/\(project)/volumes", token: token, body: ["volume": ["size": 2, "name": "data"]])
            #expect(volume.status == .accepted)
            let volumeID = try #require(volume.json["volume"]["id"].stringValue)
            let attached = try await client.call(.post, "/compute/v2.1/servers/\(serverID)/os-volume_attachments", token: token,
                                                 body: ["volumeAttachment": ["volumeId": .string(volumeID)]])
            #expect(attached.json["volumeAttachment"]["device"] == "/dev/vdb")
            let volumes = try await client.call(.get, "/volume/v3/\(project)/volumes/detail", token: token)
            #expect(volumes.json["volumes"][0]["status"] == "in-use")
            #expect(volumes.json["volumes"][0]["attachments"][0]["server_id"] == .string(serverID))

            // Errors in each service's own shape.
            let missing = try await client.call(.get, "/compute/v2.1/servers/nope", token: token)
            #expect(missing.status == .notFound)
            #expect(missing.json["itemNotFound"]["message"] == "Instance nope could not be found.")
            let neutron = try await client.call(.get, "/network/v2.0/networks/nope", token: token)
            #expect(neutron.json["NeutronError"]["type"] == "NotFound")
            let busy = try await client.call(.delete, "/network/v2.0/networks/\(networkID)", token: token)
            #expect(busy.status == .conflict)
            let unauthenticated = try await client.call(.get, "/compute/v2.1/servers")
            #expect(unauthenticated.status == .unauthorized)

            #expect(try await client.call(.delete, "/compute/v2.1/servers/\(serverID)", token: token).status == .noContent)
            #expect(try await client.call(.get, "/network/v2.0/ports?device_id=\(serverID)", token: token).json["ports"].listValue?.isEmpty == true)
        }
    }

    @Test func quotaRefusalsAreNovasForbidden() async throws {
        let fixture = try await ServerFixture(cloud: { store in
            try await EmulatedCloud(store: store, options: EmulatorOptions(quotas: Quotas(limits: ["instances": 1])))
        })
        try await fixture.run { client in
            let (token, _) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let body: Value = ["server": ["name": "a", "flavorRef": "1", "imageRef": "cirros-0.6.2-x86_64-disk", "networks": "none"]]
            #expect(try await client.call(.post, "/compute/v2.1/servers", token: token, body: body).status == .accepted)
            let refused = try await client.call(.post, "/compute/v2.1/servers", token: token, body: body)
            #expect(refused.status == .forbidden)
            #expect(refused.json["forbidden"]["message"] == "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")
        }
    }

    @Test func loadBalancersAndMembersThroughOctaviasAPI() async throws {
        let fixture = try await Self.fixture()
        try await fixture.run { client in
            let (token, _) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let network = try await client.call(.post, "/network/v2.0/networks", token: token, body: ["network": ["name": "n"]])
            let subnet = try await client.call(.post, "/network/v2.0/subnets", token: token, body: [
                "subnet": ["network_id": network.json["network"]["id"], "cidr": "10.5.0.0/24", "ip_version": 4]])
            let lb = try await client.call(.post, "/load-balancer/v2/lbaas/loadbalancers", token: token,
                                           body: ["loadbalancer": ["name": "lb1", "vip_subnet_id": subnet.json["subnet"]["id"]]])
            #expect(lb.status == .created)
            #expect(lb.json["loadbalancer"]["provisioning_status"] == "ACTIVE")
            let lbID = try #require(lb.json["loadbalancer"]["id"].stringValue)
            let listener = try await client.call(.post, "/load-balancer/v2/lbaas/listeners", token: token,
                                                 body: ["listener": ["loadbalancer_id": .string(lbID), "protocol": "HTTP", "protocol_port": 80]])
            let pool = try await client.call(.post, "/load-balancer/v2/lbaas/pools", token: token, body: [
                "pool": ["listener_id": listener.json["listener"]["id"], "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN"]])
            let poolID = try #require(pool.json["pool"]["id"].stringValue)
            let member = try await client.call(.post, "/load-balancer/v2/lbaas/pools/\(poolID)/members", token: token,
                                               body: ["member": ["address": "10.5.0.9", "protocol_port": 80]])
            #expect(member.status == .created)
            let members = try await client.call(.get, "/load-balancer/v2/lbaas/pools/\(poolID)/members", token: token)
            #expect(members.json["members"][0]["address"] == "10.5.0.9")
            let children = try await client.call(.delete, "/load-balancer/v2/lbaas/loadbalancers/\(lbID)", token: token)
            #expect(children.status == .badRequest)
            #expect(children.json["faultstring"] == .string("Cannot delete Load Balancer \(lbID) - it has children"))
            let cascade = try await client.call(.delete, "/load-balancer/v2/lbaas/loadbalancers/\(lbID)?cascade=true", token: token)
            #expect(cascade.status == .noContent)
        }
    }
}
