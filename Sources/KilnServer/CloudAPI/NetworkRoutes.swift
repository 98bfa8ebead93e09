import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Neutron's v2.0 API over the cloud's network service: networks, subnets, ports, routers
/// (with interfaces), floating IPs, security groups and rules, the extension list.
struct NetworkRoutes {
    let call: CloudCall
    var network: any NetworkService { call.session.network }

    func route() async throws -> Response {
        var path = call.path
        guard path.first == "v2.0" else { throw CloudError(.notFound, "The resource could not be found.") }
        path.removeFirst()
        if var last = path.last, last.hasSuffix(".json") {
            last.removeLast(5)
            path[path.count - 1] = last
        }
        let project = call.token.projectID
        switch (call.method, path.first, path.count) {
        // Networks
        case (.get, "networks", 1):
            return list("networks", try await network.networks().map { networkJSON($0) }, fields: ["id", "name", "router:external", "shared", "status"])
        case (.get, "networks", 2): return .json(["network": networkJSON(try await find(await network.network(path[1]), "Network", path[1]))])
        case (.post, "networks", 1):
            let body = try await call.body("network")
            let made = try await network.createNetwork(NetworkRequest(
                name: body["name"]?.stringValue ?? "", adminStateUp: body["admin_state_up"] != false, shared: body["shared"] == true,
                external: body["router:external"] == true, portSecurityEnabled: body["port_security_enabled"] != false,
                dnsDomain: body["dns_domain"]?.stringValue ?? ""))
            return .json(["network": networkJSON(made)], status: .created)
        case (.put, "networks", 2):
            let body = try await call.body("network")
            let updated = try await network.updateNetwork(id: path[1], NetworkUpdate(
                name: body["name"]?.stringValue, adminStateUp: body["admin_state_up"].flatMap(bool), shared: body["shared"].flatMap(bool),
                portSecurityEnabled: body["port_security_enabled"].flatMap(bool)))
            return .json(["network": networkJSON(updated)])
        case (.delete, "networks", 2):
            try await network.deleteNetwork(id: path[1])
            return .empty(.noContent)
        // Subnets
        case (.get, "subnets", 1):
            return list("subnets", try await network.subnets(networkID: nil).map(subnetJSON), fields: ["id", "name", "network_id", "cidr", "ip_version"])
        case (.get, "subnets", 2): return .json(["subnet": subnetJSON(try await find(await network.subnet(path[1]), "Subnet", path[1]))])
        case (.post, "subnets", 1):
            let body = try await call.body("subnet")
            guard let networkID = body["network_id"]?.stringValue else { throw CloudError(.badRequest, "Failed to parse request. Required attribute 'network_id' not specified") }
            let gateway: String?? = body.keys.contains("gateway_ip") ? .some(body["gateway_ip"]?.stringValue) : .none
            let made = try await network.createSubnet(SubnetRequest(
                name: body["name"]?.stringValue ?? "", networkID: networkID, cidr: body["cidr"]?.stringValue,
                ipVersion: body["ip_version"]?.numberValue.map { Int($0) } ?? 4, gatewayIP: gateway,
                allocationPools: body["allocation_pools"]?.listValue.map { $0.compactMap(Self.range) },
                dnsNameservers: (body["dns_nameservers"]?.listValue ?? []).compactMap(\.stringValue),
                hostRoutes: (body["host_routes"]?.listValue ?? []).compactMap(Self.route), enableDHCP: body["enable_dhcp"] != false))
            return .json(["subnet": subnetJSON(made)], status: .created)
        case (.put, "subnets", 2):
            let body = try await call.body("subnet")
            let updated = try await network.updateSubnet(id: path[1], SubnetUpdate(
                name: body["name"]?.stringValue, dnsNameservers: body["dns_nameservers"]?.listValue.map { $0.compactMap(\.stringValue) },
                enableDHCP: body["enable_dhcp"].flatMap(bool)))
            return .json(["subnet": subnetJSON(updated)])
        case (.delete, "subnets", 2):
            try await network.deleteSubnet(id: path[1])
            return .empty(.noContent)
        // Ports
        case (.get, "ports", 1):
            let ports = try await network.ports(networkID: call.first("network_id"), deviceID: call.first("device_id"))
            return list("ports", ports.map(portJSON), fields: ["id", "name", "device_owner", "mac_address", "status"])
        case (.get, "ports", 2): return .json(["port": portJSON(try await find(await network.port(path[1]), "Port", path[1]))])
        case (.post, "ports", 1):
            let body = try await call.body("port")
            guard let networkID = body["network_id"]?.stringValue else { throw CloudError(.badRequest, "Failed to parse request. Required attribute 'network_id' not specified") }
            let made = try await network.createPort(PortRequest(
                name: body["name"]?.stringValue ?? "", networkID: networkID,
                fixedIPs: body["fixed_ips"]?.listValue.map { $0.compactMap(Self.fixedIP) },
                macAddress: body["mac_address"]?.stringValue, adminStateUp: body["admin_state_up"] != false,
                securityGroupIDs: body["security_groups"]?.listValue.map { $0.compactMap(\.stringValue) },
                portSecurityEnabled: body["port_security_enabled"].flatMap(bool),
                deviceID: body["device_id"]?.stringValue ?? "", deviceOwner: body["device_owner"]?.stringValue ?? ""))
            return .json(["port": portJSON(made)], status: .created)
        case (.put, "ports", 2):
            let body = try await call.body("port")
            let updated = try await network.updatePort(id: path[1], PortUpdate(
                name: body["name"]?.stringValue, fixedIPs: body["fixed_ips"]?.listValue.map { $0.compactMap(Self.fixedIP) },
                adminStateUp: body["admin_state_up"].flatMap(bool),
                securityGroupIDs: body["security_groups"]?.listValue.map { $0.compactMap(\.stringValue) },
                deviceID: body["device_id"]?.stringValue, deviceOwner: body["device_owner"]?.stringValue))
            return .json(["port": portJSON(updated)])
        case (.delete, "ports", 2):
            try await network.deletePort(id: path[1])
            return .empty(.noContent)
        // Routers
        case (.get, "routers", 1):
            return list("routers", try await network.routers().map(routerJSON), fields: ["id", "name", "status"])
        case (.get, "routers", 2): return .json(["router": routerJSON(try await find(await network.router(path[1]), "Router", path[1]))])
        case (.post, "routers", 1):
            let body = try await call.body("router")
            let made = try await network.createRouter(RouterRequest(
                name: body["name"]?.stringValue ?? "", adminStateUp: body["admin_state_up"] != false,
                externalGateway: Self.gateway(body["external_gateway_info"])))
            return .json(["router": routerJSON(made)], status: .created)
        case (.put, "routers", 2):
            let body = try await call.body("router")
            let gateway: (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])?? =
                body.keys.contains("external_gateway_info") ? .some(Self.gateway(body["external_gateway_info"])) : .none
            let updated = try await network.updateRouter(id: path[1], RouterUpdate(
                name: body["name"]?.stringValue, adminStateUp: body["admin_state_up"].flatMap(bool), externalGateway: gateway))
            return .json(["router": routerJSON(updated)])
        case (.put, "routers", 3) where path[2] == "add_router_interface":
            let body = try await call.body()
            let interface = try await network.addRouterInterface(
                routerID: path[1], subnetID: body["subnet_id"]?.stringValue, portID: body["port_id"]?.stringValue)
            return .json(["id": .string(interface.routerID), "port_id": .string(interface.portID), "subnet_id": .string(interface.subnetID),
                          "subnet_ids": [.string(interface.subnetID)], "network_id": .string(interface.networkID),
                          "tenant_id": .string(project), "project_id": .string(project), "tags": []])
        case (.put, "routers", 3) where path[2] == "remove_router_interface":
            let body = try await call.body()
            try await network.removeRouterInterface(routerID: path[1], subnetID: body["subnet_id"]?.stringValue, portID: body["port_id"]?.stringValue)
            return .json(["id": .string(path[1]), "tenant_id": .string(project)])
        case (.delete, "routers", 2):
            try await network.deleteRouter(id: path[1])
            return .empty(.noContent)
        // Floating IPs
        case (.get, "floatingips", 1):
            return list("floatingips", try await network.floatingIPs().map(floatingJSON), fields: ["id", "floating_ip_address", "port_id", "status"])
        case (.get, "floatingips", 2):
            return .json(["floatingip": floatingJSON(try await find(await network.floatingIP(id: path[1]), "Floating IP", path[1]))])
        case (.post, "floatingips", 1):
            let body = try await call.body("floatingip")
            guard let external = body["floating_network_id"]?.stringValue else { throw CloudError(.badRequest, "Failed to parse request. Required attribute 'floating_network_id' not specified") }
            let made = try await network.createFloatingIP(FloatingIPRequest(
                floatingNetworkID: external, floatingIPAddress: body["floating_ip_address"]?.stringValue,
                subnetID: body["subnet_id"]?.stringValue, portID: body["port_id"]?.stringValue,
                fixedIPAddress: body["fixed_ip_address"]?.stringValue, description: body["description"]?.stringValue ?? ""))
            return .json(["floatingip": floatingJSON(made)], status: .created)
        case (.put, "floatingips", 2):
            let body = try await call.body("floatingip")
            let updated = try await network.associateFloatingIP(
                id: path[1], portID: body["port_id"]?.stringValue, fixedIPAddress: body["fixed_ip_address"]?.stringValue)
            return .json(["floatingip": floatingJSON(updated)])
        case (.delete, "floatingips", 2):
            try await network.deleteFloatingIP(id: path[1])
            return .empty(.noContent)
        // Security groups
        case (.get, "security-groups", 1):
            return list("security_groups", try await network.securityGroups().map(groupJSON), fields: ["id", "name"])
        case (.get, "security-groups", 2):
            return .json(["security_group": groupJSON(try await find(await network.securityGroup(path[1]), "Security group", path[1]))])
        case (.post, "security-groups", 1):
            let body = try await call.body("security_group")
            let made = try await network.createSecurityGroup(
                name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue ?? "", clientToken: nil)
            return .json(["security_group": groupJSON(made)], status: .created)
        case (.delete, "security-groups", 2):
            try await network.deleteSecurityGroup(id: path[1])
            return .empty(.noContent)
        case (.get, "security-group-rules", 1):
            return list("security_group_rules", try await network.securityGroupRules().map(ruleJSON), fields: ["id", "security_group_id", "direction"])
        case (.post, "security-group-rules", 1):
            let body = try await call.body("security_group_rule")
            guard let group = body["security_group_id"]?.stringValue else { throw CloudError(.badRequest, "Failed to parse request. Required attribute 'security_group_id' not specified") }
            let made = try await network.createSecurityGroupRule(SecurityGroupRuleRequest(
                securityGroupID: group, direction: body["direction"]?.stringValue ?? "ingress", ethertype: body["ethertype"]?.stringValue ?? "IPv4",
                protocol: body["protocol"]?.stringValue, portRangeMin: body["port_range_min"]?.numberValue.map { Int($0) },
                portRangeMax: body["port_range_max"]?.numberValue.map { Int($0) }, remoteIPPrefix: body["remote_ip_prefix"]?.stringValue,
                remoteGroupID: body["remote_group_id"]?.stringValue, description: body["description"]?.stringValue ?? ""))
            return .json(["security_group_rule": ruleJSON(made)], status: .created)
        case (.delete, "security-group-rules", 2):
            try await network.deleteSecurityGroupRule(id: path[1])
            return .empty(.noContent)
        case (.get, "extensions", 1):
            let aliases = ["router", "external-net", "security-group", "quotas", "port-security", "standard-attr-tag", "binding",
                           "extra_dhcp_opt", "allowed-address-pairs", "ext-gw-mode", "standard-attr-description", "network-mtu",
                           "dns-integration", "availability_zone", "subnet_allocation", "project-id"]
            return .json(["extensions": .list(aliases.map { ["alias": .string($0), "name": .string($0), "description": "", "updated": "2024-01-01T00:00:00-00:00", "links": []] })])
        case (.get, "availability_zones", 1):
            return .json(["availability_zones": [["name": "nova", "resource": "network", "state": "available"], ["name": "nova", "resource": "router", "state": "available"]]])
        default:
            throw CloudError(.notFound, "The resource could not be found.")
        }
    }

    func find<T>(_ lookup: @autoclosure () async throws -> T?, _ what: String, _ id: String) async throws -> T {
        guard let found = try await lookup() else { throw CloudError(.notFound, "\(what) \(id) could not be found.") }
        return found
    }

    func bool(_ value: Value) -> Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    /// `{"collection": [...]}`, filtered by the query's fields as Neutron filters.
    func list(_ key: String, _ items: [Value], fields: [String]) -> Response {
        .json([key: .list(call.filtered(items, by: fields + ["project_id", "tenant_id", "network_id", "device_id", "device_owner"]))])
    }

    static func range(_ value: Value) -> AddressRange? {
        guard let map = value.mapValue, let start = map["start"]?.stringValue, let end = map["end"]?.stringValue else { return nil }
        return AddressRange(start: start, end: end)
    }

    static func route(_ value: Value) -> HostRoute? {
        guard let map = value.mapValue, let destination = map["destination"]?.stringValue, let nexthop = map["nexthop"]?.stringValue else { return nil }
        return HostRoute(destination: destination, nexthop: nexthop)
    }

    static func fixedIP(_ value: Value) -> FixedIPRequest? {
        guard let map = value.mapValue else { return nil }
        return FixedIPRequest(subnetID: map["subnet_id"]?.stringValue, ipAddress: map["ip_address"]?.stringValue)
    }

    static func gateway(_ value: Value?) -> (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])? {
        guard let map = value?.mapValue, let id = map["network_id"]?.stringValue else { return nil }
        return (id, map["enable_snat"] != false, (map["external_fixed_ips"]?.listValue ?? []).compactMap(fixedIP))
    }

    func standard(_ id: String, project: String, created: Date, updated: Date, tags: [String]) -> [String: Value] {
        ["id": .string(id), "tenant_id": .string(project), "project_id": .string(project), "created_at": CloudTime.iso(created),
         "updated_at": CloudTime.iso(updated), "revision_number": 1, "tags": .list(tags.map(Value.string))]
    }

    func networkJSON(_ network: Network) -> Value {
        var json = standard(network.id, project: network.projectID, created: network.createdAt, updated: network.updatedAt, tags: network.tags)
        json.merge([
            "name": .string(network.name), "admin_state_up": .bool(network.adminStateUp), "status": .string(network.status),
            "subnets": .list(network.subnetIDs.map(Value.string)), "shared": .bool(network.shared),
            "router:external": .bool(network.external), "mtu": .int(network.mtu), "port_security_enabled": .bool(network.portSecurityEnabled),
            "availability_zones": ["nova"], "availability_zone_hints": [], "description": "", "ipv4_address_scope": .null,
            "ipv6_address_scope": .null, "is_default": false, "l2_adjacency": true, "dns_domain": .string(network.dnsDomain),
            "qos_policy_id": .null,
        ]) { $1 }
        return .map(json)
    }

    func subnetJSON(_ subnet: Subnet) -> Value {
        var json = standard(subnet.id, project: subnet.projectID, created: subnet.createdAt, updated: subnet.updatedAt, tags: subnet.tags)
        json.merge([
            "name": .string(subnet.name), "network_id": .string(subnet.networkID), "cidr": .string(subnet.cidr),
            "ip_version": .int(subnet.ipVersion), "gateway_ip": Value(subnet.gatewayIP),
            "allocation_pools": .list(subnet.allocationPools.map { ["start": .string($0.start), "end": .string($0.end)] }),
            "dns_nameservers": .list(subnet.dnsNameservers.map(Value.string)),
            "host_routes": .list(subnet.hostRoutes.map { ["destination": .string($0.destination), "nexthop": .string($0.nexthop)] }),
            "enable_dhcp": .bool(subnet.enableDHCP), "ipv6_address_mode": Value(subnet.ipv6AddressMode),
            "ipv6_ra_mode": Value(subnet.ipv6RAMode), "subnetpool_id": .null, "description": "", "service_types": [],
            "segment_id": .null, "dns_publish_fixed_ip": false,
        ]) { $1 }
        return .map(json)
    }

    func portJSON(_ port: NetworkPort) -> Value {
        var json = standard(port.id, project: port.projectID, created: port.createdAt, updated: port.updatedAt, tags: port.tags)
        json.merge([
            "name": .string(port.name), "network_id": .string(port.networkID), "mac_address": .string(port.macAddress),
            "fixed_ips": .list(port.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] }),
            "device_id": .string(port.deviceID), "device_owner": .string(port.deviceOwner), "status": .string(port.status),
            "admin_state_up": .bool(port.adminStateUp), "security_groups": .list(port.securityGroupIDs.map(Value.string)),
            "allowed_address_pairs": .list(port.allowedAddressPairs.map { ["ip_address": .string($0.ipAddress), "mac_address": .string($0.macAddress ?? port.macAddress)] }),
            "port_security_enabled": .bool(port.portSecurityEnabled), "binding:vnic_type": .string(port.vnicType),
            "binding:host_id": "", "binding:profile": [:], "binding:vif_type": port.deviceID.isEmpty ? "unbound" : "ovs",
            "binding:vif_details": [:], "dns_name": .string(port.dnsName), "dns_assignment": [], "description": "",
            "extra_dhcp_opts": [], "qos_policy_id": .null, "qos_network_policy_id": .null, "propagate_uplink_status": false,
        ]) { $1 }
        return .map(json)
    }

    func routerJSON(_ router: NetworkRouter) -> Value {
        var json = standard(router.id, project: router.projectID, created: router.createdAt, updated: router.updatedAt, tags: router.tags)
        var gateway: Value = .null
        if let info = router.externalGateway {
            gateway = ["network_id": .string(info.networkID), "enable_snat": .bool(info.enableSNAT),
                       "external_fixed_ips": .list(info.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] })]
        }
        json.merge([
            "name": .string(router.name), "admin_state_up": .bool(router.adminStateUp), "status": .string(router.status),
            "external_gateway_info": gateway, "routes": .list(router.routes.map { ["destination": .string($0.destination), "nexthop": .string($0.nexthop)] }),
            "distributed": .bool(router.distributed), "ha": .bool(router.ha), "description": "", "availability_zones": ["nova"],
            "availability_zone_hints": [], "flavor_id": .null,
        ]) { $1 }
        return .map(json)
    }

    func floatingJSON(_ floating: FloatingIP) -> Value {
        var json = standard(floating.id, project: floating.projectID, created: floating.createdAt, updated: floating.updatedAt, tags: floating.tags)
        json.merge([
            "floating_network_id": .string(floating.floatingNetworkID), "floating_ip_address": .string(floating.floatingIPAddress),
            "fixed_ip_address": Value(floating.fixedIPAddress), "port_id": Value(floating.portID), "router_id": Value(floating.routerID),
            "status": .string(floating.status), "description": .string(floating.description), "dns_name": "", "dns_domain": "",
            "port_details": .null, "qos_policy_id": .null, "port_forwardings": [],
        ]) { $1 }
        return .map(json)
    }

    func ruleJSON(_ rule: SecurityGroupRule) -> Value {
        var json = standard(rule.id, project: rule.projectID, created: rule.createdAt, updated: rule.createdAt, tags: [])
        json.merge([
            "security_group_id": .string(rule.securityGroupID), "direction": .string(rule.direction), "ethertype": .string(rule.ethertype),
            "protocol": Value(rule.protocol), "port_range_min": Value(rule.portRangeMin), "port_range_max": Value(rule.portRangeMax),
            "remote_ip_prefix": Value(rule.remoteIPPrefix), "remote_group_id": Value(rule.remoteGroupID),
            "remote_address_group_id": .null, "normalized_cidr": Value(rule.remoteIPPrefix), "description": .string(rule.description),
            "belongs_to_default_sg": false,
        ]) { $1 }
        return .map(json)
    }

    func groupJSON(_ group: SecurityGroup) -> Value {
        var json = standard(group.id, project: group.projectID, created: group.createdAt, updated: group.updatedAt, tags: group.tags)
        json.merge([
            "name": .string(group.name), "description": .string(group.description), "stateful": .bool(group.stateful),
            "security_group_rules": .list(group.rules.map(ruleJSON)), "shared": false,
        ]) { $1 }
        return .map(json)
    }
}
