import Foundation
import KilnCloud
import KilnEmulator
import Testing

@Suite("Addresses and IPAM")
struct IPAMTests {
    @Test func addressesAndNetworksParseAndPrint() {
        #expect(IPAddress("10.0.0.1")?.description == "10.0.0.1")
        #expect(IPAddress("10.0.0.256") == nil)
        #expect(IPAddress("fd00::1")?.description == "fd00::1")
        #expect(IPAddress("2001:db8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(CIDR("10.0.0.7/24")?.description == "10.0.0.0/24")
        #expect(CIDR("10.0.0.0/33") == nil)
        let cidr = CIDR("192.168.1.0/30")!
        #expect(cidr.firstHost.description == "192.168.1.1")
        #expect(cidr.lastHost.description == "192.168.1.2")
        #expect(CIDR("10.0.0.0/8")!.overlaps(CIDR("10.1.0.0/16")!))
        #expect(!CIDR("10.0.0.0/24")!.overlaps(CIDR("10.0.1.0/24")!))
    }

    @Test func subnetsGetNeutronsDefaultGatewayAndPool() async throws {
        let (_, session) = try await emulatedCloud()
        let (_, subnet) = try await makeNetwork(session)
        #expect(subnet.gatewayIP == "10.0.0.1")
        #expect(subnet.allocationPools == [AddressRange(start: "10.0.0.2", end: "10.0.0.254")])
    }

    @Test func portsTakeTheLowestFreeAddressAndNeverTheSameTwice() async throws {
        let (_, session) = try await emulatedCloud()
        let (network, subnet) = try await makeNetwork(session)
        let first = try await session.network.createPort(PortRequest(networkID: network.id))
        let second = try await session.network.createPort(PortRequest(networkID: network.id))
        #expect(first.fixedIPs == [FixedIP(subnetID: subnet.id, ipAddress: "10.0.0.2")])
        #expect(second.fixedIPs.map(\.ipAddress) == ["10.0.0.3"])
        #expect(first.macAddress.hasPrefix("fa:16:3e:") && first.macAddress != second.macAddress)
        // A freed address is handed out again.
        try await session.network.deletePort(id: first.id)
        let third = try await session.network.createPort(PortRequest(networkID: network.id))
        #expect(third.fixedIPs.map(\.ipAddress) == ["10.0.0.2"])

        let taken = await cloudError {
            _ = try await session.network.createPort(PortRequest(networkID: network.id, fixedIPs: [FixedIPRequest(ipAddress: "10.0.0.3")]))
        }
        #expect(taken?.kind == .conflict)
        #expect(taken?.message == "IP address 10.0.0.3 already allocated in subnet \(subnet.id)")
        let outside = await cloudError {
            _ = try await session.network.createPort(
                PortRequest(networkID: network.id, fixedIPs: [FixedIPRequest(subnetID: subnet.id, ipAddress: "10.9.0.3")]))
        }
        #expect(outside?.kind == .badRequest)
        let chosen = try await session.network.createPort(
            PortRequest(networkID: network.id, fixedIPs: [FixedIPRequest(subnetID: subnet.id, ipAddress: "10.0.0.200")]))
        #expect(chosen.fixedIPs.map(\.ipAddress) == ["10.0.0.200"])
    }

    @Test func anExhaustedPoolIsNeutronsError() async throws {
        let (_, session) = try await emulatedCloud()
        let (network, _) = try await makeNetwork(
            session, cidr: "10.1.0.0/24", pools: [AddressRange(start: "10.1.0.10", end: "10.1.0.11")])
        _ = try await session.network.createPort(PortRequest(networkID: network.id))
        _ = try await session.network.createPort(PortRequest(networkID: network.id))
        let exhausted = await cloudError { _ = try await session.network.createPort(PortRequest(networkID: network.id)) }
        #expect(exhausted?.message == "No more IP addresses available on network \(network.id).")
        #expect(exhausted?.httpStatus == 409)
        // The failed port took no quota and left no port behind.
        #expect(try await session.network.ports(networkID: network.id, deviceID: nil).count == 2)
    }

    @Test func overlappingSubnetsAndBadPoolsAreRefused() async throws {
        let (_, session) = try await emulatedCloud()
        let (network, _) = try await makeNetwork(session)
        let overlap = await cloudError {
            _ = try await session.network.createSubnet(SubnetRequest(networkID: network.id, cidr: "10.0.0.128/25"))
        }
        #expect(overlap?.message.contains("overlaps with another subnet") == true)
        let outside = await cloudError {
            _ = try await session.network.createSubnet(SubnetRequest(
                networkID: network.id, cidr: "10.2.0.0/24", allocationPools: [AddressRange(start: "10.2.0.10", end: "10.3.0.1")]))
        }
        #expect(outside?.message == "The allocation pool 10.2.0.10-10.3.0.1 spans beyond the subnet cidr 10.2.0.0/24.")
        let badCIDR = await cloudError { _ = try await session.network.createSubnet(SubnetRequest(networkID: network.id, cidr: "10.0.0/24")) }
        #expect(badCIDR?.kind == .badRequest)
    }

    @Test func routersJoinSubnetsAtTheirGatewayAndFloatingIPsMapToPorts() async throws {
        let (_, session) = try await emulatedCloud()
        let (network, subnet) = try await makeNetwork(session)
        let router = try await session.network.createRouter(
            RouterRequest(name: "r1", externalGateway: (networkID: "public", enableSNAT: true, fixedIPs: [])))
        #expect(router.externalGateway?.fixedIPs.first?.ipAddress == "172.24.4.2")
        let interface = try await session.network.addRouterInterface(routerID: router.id, subnetID: subnet.id, portID: nil)
        let interfacePort = try #require(try await session.network.port(interface.portID))
        #expect(interfacePort.fixedIPs.map(\.ipAddress) == ["10.0.0.1"])
        let again = await cloudError { _ = try await session.network.addRouterInterface(routerID: router.id, subnetID: subnet.id, portID: nil) }
        #expect(again?.message == "Bad router request: Router already has a port on subnet \(subnet.id).")
        let busy = await cloudError { try await session.network.deleteRouter(id: router.id) }
        #expect(busy?.message == "Router \(router.id) still has ports")

        let port = try await session.network.createPort(PortRequest(networkID: network.id))
        let floating = try await session.network.createFloatingIP(FloatingIPRequest(floatingNetworkID: "public", portID: port.id))
        #expect(floating.fixedIPAddress == port.fixedIPs[0].ipAddress)
        #expect(floating.routerID == router.id && floating.status == "ACTIVE")
        #expect(floating.floatingIPAddress == "172.24.4.3")
        // Deleting the port unmaps the address.
        try await session.network.deletePort(id: port.id)
        let unmapped = try #require(try await session.network.floatingIP(id: floating.id))
        #expect(unmapped.portID == nil && unmapped.status == "DOWN")

        try await session.network.removeRouterInterface(routerID: router.id, subnetID: subnet.id, portID: nil)
        try await session.network.deleteRouter(id: router.id)
        try await session.network.deleteFloatingIP(id: floating.id)
        try await session.network.deleteSubnet(id: subnet.id)
        try await session.network.deleteNetwork(id: network.id)
        #expect(try await session.network.networks().map(\.name) == ["public"])
    }
}
