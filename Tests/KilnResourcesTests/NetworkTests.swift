import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

@Suite("Neutron resource types on the emulated cloud")
struct NetworkTests {
    static func topology(dns: String = "[8.8.8.8]", rules: String = "[{protocol: tcp, port_range_min: 22, port_range_max: 22}]") -> String {
        """
        heat_template_version: 2021-04-16
        resources:
          net:
            type: OS::Neutron::Net
            properties: {name: app-net}
          subnet:
            type: OS::Neutron::Subnet
            properties:
              name: app-subnet
              network: {get_resource: net}
              cidr: 10.5.0.0/24
              gateway_ip: 10.5.0.1
              allocation_pools: [{start: 10.5.0.100, end: 10.5.0.150}]
              dns_nameservers: \(dns)
              host_routes: [{destination: 192.168.0.0/24, nexthop: 10.5.0.254}]
              enable_dhcp: false
          sg:
            type: OS::Neutron::SecurityGroup
            properties: {name: app-sg, rules: \(rules)}
          extra_rule:
            type: OS::Neutron::SecurityGroupRule
            properties: {security_group: {get_resource: sg}, protocol: icmp, remote_ip_prefix: 10.0.0.0/8}
          port:
            type: OS::Neutron::Port
            depends_on: [subnet, sg]
            properties:
              network: {get_resource: net}
              fixed_ips: [{subnet: {get_resource: subnet}}]
              security_groups: [app-sg]
              mac_address: "fa:16:3e:00:00:01"
              allowed_address_pairs: [{ip_address: 10.5.0.200}]
          router:
            type: OS::Neutron::Router
            properties: {external_gateway_info: {network: public}}
          by_subnet:
            type: OS::Neutron::RouterInterface
            properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
          inner_router:
            type: OS::Neutron::Router
          router_port:
            type: OS::Neutron::Port
            properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}, ip_address: 10.5.0.2}]}
          by_port:
            type: OS::Neutron::RouterInterface
            properties: {router: {get_resource: inner_router}, port: {get_resource: router_port}}
          fip:
            type: OS::Neutron::FloatingIP
            depends_on: by_subnet
            properties: {floating_network: public, port_id: {get_resource: port}}
          spare_fip:
            type: OS::Neutron::FloatingIP
            properties: {floating_network: public}
        outputs:
          port_ips: {value: {get_attr: [port, fixed_ips]}}
          mac: {value: {get_attr: [port, mac_address]}}
          port_network: {value: {get_attr: [port, network_id]}}
          net_id: {value: {get_resource: net}}
          floating: {value: {get_attr: [fip, floating_ip_address]}}
          floating_fixed: {value: {get_attr: [fip, fixed_ip_address]}}
          subnet_pools: {value: {get_attr: [subnet, allocation_pools]}}
          subnet_dns: {value: {get_attr: [subnet, dns_nameservers]}}
          gateway: {value: {get_attr: [router, external_gateway_info, network_id]}}
          sg_id: {value: {get_resource: sg}}
          router_interface: {value: {get_resource: by_subnet}}
          net_subnets: {value: {get_attr: [net, subnets]}}
          subnet_id: {value: {get_resource: subnet}}
        """
    }

    @Test func aWholeNetworkTopologyWithItsAttributes() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("neutron", Self.topology())
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = try await fixture.outputs(stack)
        let netID = try #require(outputs["net_id"]?.stringValue)
        let ip = outputs["port_ips"]?.listValue?.first?.mapValue?["ip_address"]?.stringValue ?? ""
        let last = Int(ip.split(separator: ".").last ?? "") ?? 0
        #expect(ip.hasPrefix("10.5.0.") && (100...150).contains(last), "\(ip)")
        #expect(outputs["mac"] == "fa:16:3e:00:00:01" && outputs["port_network"]?.stringValue == netID)
        #expect(outputs["floating"]?.stringValue?.hasPrefix("172.24.4.") == true && outputs["floating_fixed"]?.stringValue == ip)
        #expect(outputs["subnet_pools"] == [["start": "10.5.0.100", "end": "10.5.0.150"]] && outputs["subnet_dns"] == ["8.8.8.8"])
        #expect(outputs["gateway"] == "5f0b4e0a-8f1c-4c55-9d1e-2a7b0c0e0001")
        // The subnet, made after the network, shows in the network's attributes.
        #expect(outputs["net_subnets"] == .list([outputs["subnet_id"] ?? .null]))
        let routerInterface = outputs["router_interface"]?.stringValue ?? ""
        #expect(routerInterface.contains(":subnet_id="))
        let inner = try await fixture.resource(stack, "inner_router").physicalID ?? ""
        let routerPort = try await fixture.resource(stack, "router_port").physicalID ?? ""
        #expect(try await fixture.resource(stack, "by_port").physicalID == "\(inner):port_id=\(routerPort)")
        #expect(try await fixture.session.network.port(routerPort)?.deviceID == inner)

        let network = fixture.session.network
        let subnet = try #require(try await network.subnet("app-subnet"))
        #expect(subnet.gatewayIP == "10.5.0.1" && !subnet.enableDHCP && subnet.hostRoutes.map(\.nexthop) == ["10.5.0.254"])
        let sgID = try #require(outputs["sg_id"]?.stringValue)
        let port = try #require(try await network.ports(networkID: netID, deviceID: nil).first { $0.macAddress == "fa:16:3e:00:00:01" })
        #expect(port.securityGroupIDs == [sgID] && port.allowedAddressPairs.map(\.ipAddress) == ["10.5.0.200"])
        let group = try #require(try await network.securityGroup(sgID))
        let ingress = group.rules.filter { $0.direction == "ingress" }.map { "\($0.protocol ?? "any") \($0.portRangeMin ?? 0)" }.sorted()
        #expect(ingress == ["icmp 0", "tcp 22"])
        #expect(group.rules.filter { $0.direction == "egress" }.count == 2)

        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.isEmpty())
    }

    @Test func subnetsAndSecurityGroupRulesUpdateInPlace() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("inplace", Self.topology())
        let before = try await fixture.engine.resources(of: stack).reduce(into: [String: String]()) { $0[$1.name] = $1.physicalID }
        let updated = try await fixture.update(
            stack, Self.topology(dns: "[1.1.1.1, 9.9.9.9]", rules: "[{protocol: tcp, port_range_min: 80, port_range_max: 80}, {direction: egress, protocol: tcp, port_range_min: 443, port_range_max: 443}]"))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        let after = try await fixture.engine.resources(of: updated).reduce(into: [String: String]()) { $0[$1.name] = $1.physicalID }
        #expect(after == before)
        let network = fixture.session.network
        #expect(try await network.subnet("app-subnet")?.dnsNameservers == ["1.1.1.1", "9.9.9.9"])
        let group = try #require(try await network.securityGroup(before["sg"] ?? ""))
        let rules = group.rules.map { "\($0.direction) \($0.protocol ?? "any") \($0.portRangeMin ?? 0)" }.sorted()
        // The group's rules are exactly the template's now: as in Heat, the rule another resource
        // added (icmp) goes too, and the default egress rules give way to the template's egress rule.
        #expect(rules == ["egress tcp 443", "ingress tcp 80"], "\(rules)")
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    @Test func floatingIPAssociationMapsAndUnmapsAnAddress() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
            \(networkResources)
              router:
                type: OS::Neutron::Router
                properties: {external_gateway_info: {network: public}}
              iface:
                type: OS::Neutron::RouterInterface
                properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
              port:
                type: OS::Neutron::Port
                properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}, ip_address: 10.0.0.7}]}
              fip:
                type: OS::Neutron::FloatingIP
                properties: {floating_network: public}
              assoc:
                type: OS::Neutron::FloatingIPAssociation
                depends_on: iface
                properties: {floatingip_id: {get_resource: fip}, port_id: {get_resource: port}}
            outputs:
              fip: {value: {get_resource: fip}}
              fixed: {value: {get_attr: [fip, fixed_ip_address]}}
            """
        let stack = try await fixture.create("assoc", template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let fipID = try #require(try await fixture.outputs(stack)["fip"]?.stringValue)
        #expect(try await fixture.session.network.floatingIP(id: fipID)?.fixedIPAddress == "10.0.0.7")
        // The floating IP resource's own attributes follow the association.
        #expect(try await fixture.outputs(stack)["fixed"] == "10.0.0.7")
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    @Test func anUnknownSecurityGroupOnAPortIsLocated() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
            \(networkResources)
              port:
                type: OS::Neutron::Port
                depends_on: subnet
                properties: {network: {get_resource: net}, security_groups: [default, nosuch]}
            """
        let stack = try await fixture.create("badsg", template)
        #expect(stack.statusText == "CREATE_FAILED")
        let reason = try await fixture.resource(stack, "port").statusReason
        #expect(reason == "Property error: resources.port.properties.security_groups[1]: Error validating value 'nosuch': The Security Group (nosuch) could not be found.", "\(reason)")
    }
}
