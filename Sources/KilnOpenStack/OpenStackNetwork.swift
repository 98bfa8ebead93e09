import Foundation
import KilnCloud
import KilnModel

/// Neutron over REST (v2.0).
extension OpenStackServices: NetworkService {
    /// By id, else the only one with the name.
    /// By id, else the only one with the name (Neutron filters by name; the driver checks again).
    func find<T>(_ idOrName: String, _ collection: String, _ key: String, _ decode: (Value) -> T, name: (T) -> String) async throws -> T? {
        if let json = try await get("/\(collection)/\(segment(idOrName))", key) { return decode(json) }
        let matches = try await api.list(.network, "/\(collection)" + query([("name", idOrName)]), collection.replacingOccurrences(of: "-", with: "_"))
            .map(decode).filter { name($0) == idOrName }
        if matches.count > 1 { throw CloudError(.conflict, "Multiple matches found for name '\(idOrName)', use an ID to be more specific.") }
        return matches.first
    }

    func get(_ path: String, _ key: String) async throws -> Value? {
        do { return try await api.call(.network, "GET", path)[key] } catch let error as CloudError where error.kind == .notFound { return nil }
    }

    static func network(_ json: Value) -> Network {
        var network = Network(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            adminStateUp: json["admin_state_up"].bool ?? true, shared: json["shared"].bool ?? false, external: json["router:external"].bool ?? false,
            mtu: json["mtu"].int ?? 1500, portSecurityEnabled: json["port_security_enabled"].bool ?? true, createdAt: json["created_at"].date)
        network.subnetIDs = json["subnets"].strings
        network.status = json["status"].stringValue ?? "ACTIVE"
        network.dnsDomain = json["dns_domain"].stringValue ?? ""
        network.tags = json["tags"].strings
        return network
    }

    func networks() async throws -> [Network] { (try await api.list(.network, "/networks", "networks")).map(Self.network) }
    func network(_ idOrName: String) async throws -> Network? {
        try await find(idOrName, "networks", "network", Self.network, name: \.name)
    }
    func createNetwork(_ request: NetworkRequest) async throws -> Network {
        var body: [String: Value] = ["name": .string(request.name), "admin_state_up": .bool(request.adminStateUp), "shared": .bool(request.shared),
                                     "port_security_enabled": .bool(request.portSecurityEnabled)]
        if !request.dnsDomain.isEmpty { body["dns_domain"] = .string(request.dnsDomain) }
        return Self.network(try await api.call(.network, "POST", "/networks", body: ["network": .map(body)])["network"])
    }
    func updateNetwork(id: String, _ update: NetworkUpdate) async throws -> Network {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let value = update.adminStateUp { body["admin_state_up"] = .bool(value) }
        if let value = update.shared { body["shared"] = .bool(value) }
        if let value = update.portSecurityEnabled { body["port_security_enabled"] = .bool(value) }
        if let value = update.dnsDomain { body["dns_domain"] = .string(value) }
        return Self.network(try await api.call(.network, "PUT", "/networks/\(id)", body: ["network": .map(body)])["network"])
    }
    func deleteNetwork(id: String) async throws { try await api.call(.network, "DELETE", "/networks/\(id)") }

    static func subnet(_ json: Value) -> Subnet {
        Subnet(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
               networkID: json["network_id"].stringValue ?? "", cidr: json["cidr"].stringValue ?? "", ipVersion: json["ip_version"].int ?? 4,
               gatewayIP: json["gateway_ip"].stringValue,
               allocationPools: (json["allocation_pools"].listValue ?? []).map { AddressRange(start: $0["start"].stringValue ?? "", end: $0["end"].stringValue ?? "") },
               dnsNameservers: json["dns_nameservers"].strings,
               hostRoutes: (json["host_routes"].listValue ?? []).map { HostRoute(destination: $0["destination"].stringValue ?? "", nexthop: $0["nexthop"].stringValue ?? "") },
               enableDHCP: json["enable_dhcp"].bool ?? true, createdAt: json["created_at"].date)
    }

    func subnets(networkID: String?) async throws -> [Subnet] {
        (try await api.list(.network, "/subnets" + query([("network_id", networkID)]), "subnets")).map(Self.subnet)
    }
    func subnet(_ idOrName: String) async throws -> Subnet? {
        try await find(idOrName, "subnets", "subnet", Self.subnet, name: \.name)
    }
    func createSubnet(_ request: SubnetRequest) async throws -> Subnet {
        var body: [String: Value] = ["name": .string(request.name), "network_id": .string(request.networkID), "ip_version": .int(request.ipVersion),
                                     "enable_dhcp": .bool(request.enableDHCP), "dns_nameservers": .list(request.dnsNameservers.map(Value.string))]
        if let cidr = request.cidr { body["cidr"] = .string(cidr) }
        if case .some(let gateway) = request.gatewayIP { body["gateway_ip"] = gateway.map(Value.string) ?? .null }
        if let pools = request.allocationPools { body["allocation_pools"] = .list(pools.map { ["start": .string($0.start), "end": .string($0.end)] }) }
        if let mode = request.ipv6AddressMode { body["ipv6_address_mode"] = .string(mode) }
        if let mode = request.ipv6RAMode { body["ipv6_ra_mode"] = .string(mode) }
        if !request.hostRoutes.isEmpty { body["host_routes"] = .list(request.hostRoutes.map { ["destination": .string($0.destination), "nexthop": .string($0.nexthop)] }) }
        return Self.subnet(try await api.call(.network, "POST", "/subnets", body: ["subnet": .map(body)])["subnet"])
    }
    func updateSubnet(id: String, _ update: SubnetUpdate) async throws -> Subnet {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let servers = update.dnsNameservers { body["dns_nameservers"] = .list(servers.map(Value.string)) }
        if case .some(let gateway) = update.gatewayIP { body["gateway_ip"] = gateway.map(Value.string) ?? .null }
        if let pools = update.allocationPools { body["allocation_pools"] = .list(pools.map { ["start": .string($0.start), "end": .string($0.end)] }) }
        if let routes = update.hostRoutes { body["host_routes"] = .list(routes.map { ["destination": .string($0.destination), "nexthop": .string($0.nexthop)] }) }
        if let value = update.enableDHCP { body["enable_dhcp"] = .bool(value) }
        return Self.subnet(try await api.call(.network, "PUT", "/subnets/\(id)", body: ["subnet": .map(body)])["subnet"])
    }
    func deleteSubnet(id: String) async throws { try await api.call(.network, "DELETE", "/subnets/\(id)") }

    static func port(_ json: Value) -> NetworkPort {
        var port = NetworkPort(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            networkID: json["network_id"].stringValue ?? "", macAddress: json["mac_address"].stringValue ?? "",
            fixedIPs: (json["fixed_ips"].listValue ?? []).map { FixedIP(subnetID: $0["subnet_id"].stringValue ?? "", ipAddress: $0["ip_address"].stringValue ?? "") },
            deviceID: json["device_id"].stringValue ?? "", deviceOwner: json["device_owner"].stringValue ?? "",
            adminStateUp: json["admin_state_up"].bool ?? true, securityGroupIDs: json["security_groups"].strings,
            portSecurityEnabled: json["port_security_enabled"].bool ?? true, createdAt: json["created_at"].date)
        port.status = json["status"].stringValue ?? port.status
        port.allowedAddressPairs = (json["allowed_address_pairs"].listValue ?? []).map {
            AddressPair(ipAddress: $0["ip_address"].stringValue ?? "", macAddress: $0["mac_address"].stringValue)
        }
        port.vnicType = json["binding:vnic_type"].stringValue ?? "normal"
        port.dnsName = json["dns_name"].stringValue ?? ""
        port.tags = json["tags"].strings
        return port
    }

    func ports(networkID: String?, deviceID: String?) async throws -> [NetworkPort] {
        (try await api.list(.network, "/ports" + query([("network_id", networkID), ("device_id", deviceID)]), "ports")).map(Self.port)
    }
    func port(_ idOrName: String) async throws -> NetworkPort? {
        try await find(idOrName, "ports", "port", Self.port, name: \.name)
    }
    static func fixedIPs(_ requests: [FixedIPRequest]) -> Value {
        .list(requests.map { request in
            var map: [String: Value] = [:]
            if let subnet = request.subnetID { map["subnet_id"] = .string(subnet) }
            if let address = request.ipAddress { map["ip_address"] = .string(address) }
            return .map(map)
        })
    }
    static func pairs(_ pairs: [AddressPair]) -> Value {
        .list(pairs.map { pair in
            var map: [String: Value] = ["ip_address": .string(pair.ipAddress)]
            if let mac = pair.macAddress { map["mac_address"] = .string(mac) }
            return .map(map)
        })
    }
    func createPort(_ request: PortRequest) async throws -> NetworkPort {
        var body: [String: Value] = ["name": .string(request.name), "network_id": .string(request.networkID), "admin_state_up": .bool(request.adminStateUp)]
        if let fixed = request.fixedIPs { body["fixed_ips"] = Self.fixedIPs(fixed) }
        if let groups = request.securityGroupIDs { body["security_groups"] = .list(groups.map(Value.string)) }
        if let mac = request.macAddress { body["mac_address"] = .string(mac) }
        if let security = request.portSecurityEnabled { body["port_security_enabled"] = .bool(security) }
        if !request.deviceOwner.isEmpty { body["device_owner"] = .string(request.deviceOwner) }
        if !request.deviceID.isEmpty { body["device_id"] = .string(request.deviceID) }
        if !request.allowedAddressPairs.isEmpty { body["allowed_address_pairs"] = Self.pairs(request.allowedAddressPairs) }
        if request.vnicType != "normal" { body["binding:vnic_type"] = .string(request.vnicType) }
        if !request.dnsName.isEmpty { body["dns_name"] = .string(request.dnsName) }
        return Self.port(try await api.call(.network, "POST", "/ports", body: ["port": .map(body)])["port"])
    }
    func updatePort(id: String, _ update: PortUpdate) async throws -> NetworkPort {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let fixed = update.fixedIPs { body["fixed_ips"] = Self.fixedIPs(fixed) }
        if let groups = update.securityGroupIDs { body["security_groups"] = .list(groups.map(Value.string)) }
        if let value = update.adminStateUp { body["admin_state_up"] = .bool(value) }
        if let pairs = update.allowedAddressPairs { body["allowed_address_pairs"] = Self.pairs(pairs) }
        if let value = update.portSecurityEnabled { body["port_security_enabled"] = .bool(value) }
        if let value = update.deviceID { body["device_id"] = .string(value) }
        if let value = update.deviceOwner { body["device_owner"] = .string(value) }
        if let value = update.dnsName { body["dns_name"] = .string(value) }
        return Self.port(try await api.call(.network, "PUT", "/ports/\(id)", body: ["port": .map(body)])["port"])
    }
    func deletePort(id: String) async throws { try await api.call(.network, "DELETE", "/ports/\(id)") }

    static func router(_ json: Value) -> NetworkRouter {
        var router = NetworkRouter(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
                                   adminStateUp: json["admin_state_up"].bool ?? true, createdAt: json["created_at"].date)
        router.status = json["status"].stringValue ?? "ACTIVE"
        router.routes = (json["routes"].listValue ?? []).map { HostRoute(destination: $0["destination"].stringValue ?? "", nexthop: $0["nexthop"].stringValue ?? "") }
        router.distributed = json["distributed"].bool ?? false
        router.ha = json["ha"].bool ?? false
        router.tags = json["tags"].strings
        let gateway = json["external_gateway_info"]
        if let network = gateway["network_id"].stringValue {
            router.externalGateway = ExternalGateway(
                networkID: network, enableSNAT: gateway["enable_snat"].bool ?? true,
                fixedIPs: (gateway["external_fixed_ips"].listValue ?? []).map { FixedIP(subnetID: $0["subnet_id"].stringValue ?? "", ipAddress: $0["ip_address"].stringValue ?? "") })
        }
        return router
    }
    static func gateway(_ gateway: (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])?) -> Value {
        guard let gateway else { return .null }
        var map: [String: Value] = ["network_id": .string(gateway.networkID), "enable_snat": .bool(gateway.enableSNAT)]
        if !gateway.fixedIPs.isEmpty { map["external_fixed_ips"] = fixedIPs(gateway.fixedIPs) }
        return .map(map)
    }

    func routers() async throws -> [NetworkRouter] { (try await api.list(.network, "/routers", "routers")).map(Self.router) }
    func router(_ idOrName: String) async throws -> NetworkRouter? {
        try await find(idOrName, "routers", "router", Self.router, name: \.name)
    }
    func createRouter(_ request: RouterRequest) async throws -> NetworkRouter {
        var body: [String: Value] = ["name": .string(request.name), "admin_state_up": .bool(request.adminStateUp)]
        if request.externalGateway != nil { body["external_gateway_info"] = Self.gateway(request.externalGateway) }
        return Self.router(try await api.call(.network, "POST", "/routers", body: ["router": .map(body)])["router"])
    }
    func updateRouter(id: String, _ update: RouterUpdate) async throws -> NetworkRouter {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if case .some(let gateway) = update.externalGateway { body["external_gateway_info"] = Self.gateway(gateway) }
        if let routes = update.routes { body["routes"] = .list(routes.map { ["destination": .string($0.destination), "nexthop": .string($0.nexthop)] }) }
        return Self.router(try await api.call(.network, "PUT", "/routers/\(id)", body: ["router": .map(body)])["router"])
    }
    func deleteRouter(id: String) async throws { try await api.call(.network, "DELETE", "/routers/\(id)") }
    func addRouterInterface(routerID: String, subnetID: String?, portID: String?) async throws -> RouterInterface {
        var body: [String: Value] = [:]
        if let subnetID { body["subnet_id"] = .string(subnetID) }
        if let portID { body["port_id"] = .string(portID) }
        let json = try await api.call(.network, "PUT", "/routers/\(routerID)/add_router_interface", body: .map(body))
        return RouterInterface(routerID: routerID, portID: json["port_id"].stringValue ?? "", subnetID: json["subnet_id"].stringValue ?? "",
                               networkID: json["network_id"].stringValue ?? "")
    }
    func removeRouterInterface(routerID: String, subnetID: String?, portID: String?) async throws {
        var body: [String: Value] = [:]
        if let subnetID { body["subnet_id"] = .string(subnetID) }
        if let portID { body["port_id"] = .string(portID) }
        try await api.call(.network, "PUT", "/routers/\(routerID)/remove_router_interface", body: .map(body))
    }

    static func floating(_ json: Value) -> FloatingIP {
        var floating = FloatingIP(id: json["id"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
                                  floatingNetworkID: json["floating_network_id"].stringValue ?? "",
                                  floatingIPAddress: json["floating_ip_address"].stringValue ?? "", createdAt: json["created_at"].date)
        floating.portID = json["port_id"].stringValue
        floating.fixedIPAddress = json["fixed_ip_address"].stringValue
        floating.routerID = json["router_id"].stringValue
        floating.status = json["status"].stringValue ?? "DOWN"
        floating.description = json["description"].stringValue ?? ""
        floating.dnsName = json["dns_name"].stringValue ?? ""
        floating.tags = json["tags"].strings
        return floating
    }
    func floatingIPs() async throws -> [FloatingIP] { (try await api.list(.network, "/floatingips", "floatingips")).map(Self.floating) }
    func floatingIP(id: String) async throws -> FloatingIP? { try await get("/floatingips/\(id)", "floatingip").map(Self.floating) }
    func createFloatingIP(_ request: FloatingIPRequest) async throws -> FloatingIP {
        var body: [String: Value] = ["floating_network_id": .string(request.floatingNetworkID)]
        if let port = request.portID { body["port_id"] = .string(port) }
        if let fixed = request.fixedIPAddress { body["fixed_ip_address"] = .string(fixed) }
        if let address = request.floatingIPAddress { body["floating_ip_address"] = .string(address) }
        if let subnet = request.subnetID { body["subnet_id"] = .string(subnet) }
        if !request.description.isEmpty { body["description"] = .string(request.description) }
        return Self.floating(try await api.call(.network, "POST", "/floatingips", body: ["floatingip": .map(body)])["floatingip"])
    }
    func associateFloatingIP(id: String, portID: String?, fixedIPAddress: String?) async throws -> FloatingIP {
        var body: [String: Value] = ["port_id": portID.map(Value.string) ?? .null]
        if let fixedIPAddress { body["fixed_ip_address"] = .string(fixedIPAddress) }
        return Self.floating(try await api.call(.network, "PUT", "/floatingips/\(id)", body: ["floatingip": .map(body)])["floatingip"])
    }
    func deleteFloatingIP(id: String) async throws { try await api.call(.network, "DELETE", "/floatingips/\(id)") }

    static func rule(_ json: Value) -> SecurityGroupRule {
        SecurityGroupRule(id: json["id"].stringValue ?? "", securityGroupID: json["security_group_id"].stringValue ?? "",
                          projectID: json["project_id"].stringValue ?? "", direction: json["direction"].stringValue ?? "ingress",
                          ethertype: json["ethertype"].stringValue ?? "IPv4", protocol: json["protocol"].stringValue,
                          portRangeMin: json["port_range_min"].int, portRangeMax: json["port_range_max"].int,
                          remoteIPPrefix: json["remote_ip_prefix"].stringValue, remoteGroupID: json["remote_group_id"].stringValue,
                          description: json["description"].stringValue ?? "", createdAt: json["created_at"].date)
    }
    static func group(_ json: Value) -> SecurityGroup {
        SecurityGroup(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
                      description: json["description"].stringValue ?? "", rules: (json["security_group_rules"].listValue ?? []).map(rule),
                      createdAt: json["created_at"].date)
    }
    func securityGroups() async throws -> [SecurityGroup] {
        (try await api.list(.network, "/security-groups", "security_groups")).map(Self.group)
    }
    func securityGroup(_ idOrName: String) async throws -> SecurityGroup? {
        try await find(idOrName, "security-groups", "security_group", Self.group, name: \.name)
    }
    func createSecurityGroup(name: String, description: String, clientToken: String?) async throws -> SecurityGroup {
        Self.group(try await api.call(.network, "POST", "/security-groups", body: ["security_group": ["name": .string(name), "description": .string(description)]])["security_group"])
    }
    func updateSecurityGroup(id: String, name: String?, description: String?) async throws -> SecurityGroup {
        var body: [String: Value] = [:]
        if let name { body["name"] = .string(name) }
        if let description { body["description"] = .string(description) }
        if body.isEmpty, let group = try await securityGroup(id) { return group }
        return Self.group(try await api.call(.network, "PUT", "/security-groups/\(id)", body: ["security_group": .map(body)])["security_group"])
    }
    func deleteSecurityGroup(id: String) async throws { try await api.call(.network, "DELETE", "/security-groups/\(id)") }
    func createSecurityGroupRule(_ request: SecurityGroupRuleRequest) async throws -> SecurityGroupRule {
        var body: [String: Value] = ["security_group_id": .string(request.securityGroupID), "direction": .string(request.direction),
                                     "ethertype": .string(request.ethertype)]
        if let value = request.protocol { body["protocol"] = .string(value) }
        if let value = request.portRangeMin { body["port_range_min"] = .int(value) }
        if let value = request.portRangeMax { body["port_range_max"] = .int(value) }
        if let value = request.remoteIPPrefix { body["remote_ip_prefix"] = .string(value) }
        if let value = request.remoteGroupID { body["remote_group_id"] = .string(value) }
        if !request.description.isEmpty { body["description"] = .string(request.description) }
        return Self.rule(try await api.call(.network, "POST", "/security-group-rules", body: ["security_group_rule": .map(body)])["security_group_rule"])
    }
    func securityGroupRules() async throws -> [SecurityGroupRule] {
        (try await api.list(.network, "/security-group-rules", "security_group_rules")).map(Self.rule)
    }
    func deleteSecurityGroupRule(id: String) async throws { try await api.call(.network, "DELETE", "/security-group-rules/\(id)") }
}
