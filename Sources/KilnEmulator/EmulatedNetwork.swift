import Foundation
import KilnCloud

/// Neutron, emulated: networks, subnets with IPAM, ports, routers, floating IPs, security groups.
extension EmulatedSession: NetworkService {
    func networks() async throws -> [Network] {
        let project = projectID
        return try await read { tables in
            try (tables.all(.network) as [Network]).filter { $0.projectID == project || $0.shared || $0.external }
        }
    }

    func network(_ idOrName: String) async throws -> Network? {
        let project = projectID
        return try await read { try $0.network(idOrName, project: project) }
    }

    func createNetwork(_ request: NetworkRequest) async throws -> Network {
        try cloud.injectFault("network.create")
        try await cloud.callLatency("network")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let network: Network = try tables.get(.network, id) { return network }
            try tables.reserve(["networks": 1], project: project)
            let network = Network(
                id: newID(), name: request.name, projectID: project, adminStateUp: request.adminStateUp, shared: request.shared,
                external: request.external, portSecurityEnabled: request.portSecurityEnabled, dnsDomain: request.dnsDomain,
                tags: request.tags, createdAt: tables.now)
            try tables.putNetwork(network)
            try tables.remember(token: request.clientToken, id: network.id, project: project)
            return network
        }
    }

    func updateNetwork(id: String, _ update: NetworkUpdate) async throws -> Network {
        try await cloud.callLatency("network")
        let project = projectID
        return try await write { tables in
            var network = try tables.requireOwned(.network, id, project: project, label: "Network") as Network
            if let name = update.name { network.name = name }
            if let value = update.adminStateUp { network.adminStateUp = value }
            if let value = update.shared { network.shared = value }
            if let value = update.portSecurityEnabled { network.portSecurityEnabled = value }
            if let value = update.dnsDomain { network.dnsDomain = value }
            if let value = update.tags { network.tags = value }
            network.updatedAt = tables.now
            try tables.putNetwork(network)
            return network
        }
    }

    func deleteNetwork(id: String) async throws {
        try cloud.injectFault("network.delete")
        try await cloud.callLatency("network")
        let project = projectID
        try await write { tables in
            guard let network: Network = try tables.get(.network, id), network.projectID == project else {
                throw CloudError.notFound("Network", id)
            }
            let ports: [NetworkPort] = try tables.all(.port, parent: id)
            if ports.contains(where: { $0.deviceOwner != "network:dhcp" }) {
                throw CloudError(
                    .conflict,
                    "Unable to complete operation on network \(id). There are one or more ports still in use on the network.")
            }
            for subnetID in network.subnetIDs { try tables.delete(.subnet, subnetID) }
            try tables.delete(.network, id)
            try tables.forgetTokens(of: id)
            try tables.release(["networks": 1, "subnets": network.subnetIDs.count], project: project)
        }
    }

    // MARK: Subnets

    func subnets(networkID: String?) async throws -> [Subnet] {
        let project = projectID
        return try await read { tables in
            let visible = Set((try tables.all(.network) as [Network])
                .filter { $0.projectID == project || $0.shared || $0.external }.map(\.id))
            return try (tables.all(.subnet, parent: networkID) as [Subnet]).filter { $0.projectID == project || visible.contains($0.networkID) }
        }
    }

    func subnet(_ idOrName: String) async throws -> Subnet? {
        let project = projectID
        return try await read { try $0.subnet(idOrName, project: project) }
    }

    func createSubnet(_ request: SubnetRequest) async throws -> Subnet {
        try cloud.injectFault("subnet.create")
        try await cloud.callLatency("subnet")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let subnet: Subnet = try tables.get(.subnet, id) { return subnet }
            var network = try tables.requireNetwork(request.networkID, project: project)
            guard network.projectID == project else {
                throw CloudError(.notFound, "Network \(request.networkID) could not be found.")
            }
            guard let text = request.cidr, let cidr = CIDR(text) else {
                throw CloudError(.badRequest, "Invalid input for cidr. Reason: '\(request.cidr ?? "")' is not a valid IP subnet.")
            }
            guard cidr.version == request.ipVersion else {
                throw CloudError(.badRequest, "Invalid input for operation: cidr '\(text)' does not match the ip_version '\(request.ipVersion)'.")
            }
            let siblings: [Subnet] = try tables.all(.subnet, parent: network.id)
            if siblings.contains(where: { CIDR($0.cidr).map(cidr.overlaps) == true }) {
                throw CloudError(
                    .badRequest,
                    "Invalid input for operation: Requested subnet with cidr: \(cidr) for network: \(network.id) overlaps with another subnet.")
            }
            let gateway: String?
            switch request.gatewayIP {
            case .none: gateway = cidr.firstHost.description
            case .some(.none): gateway = nil
            case .some(.some(let text)):
                guard let address = IPAddress(text), cidr.contains(address) else {
                    throw CloudError(.badRequest, "Invalid input for operation: Gateway IP \(text) is not in subnet \(cidr).")
                }
                gateway = address.description
            }
            let pools = try Self.pools(request.allocationPools, cidr: cidr, gateway: gateway)
            try tables.reserve(["subnets": 1], project: project)
            let subnet = Subnet(
                id: newID(), name: request.name, projectID: project, networkID: network.id, cidr: cidr.description,
                ipVersion: request.ipVersion, gatewayIP: gateway, allocationPools: pools, dnsNameservers: request.dnsNameservers,
                hostRoutes: request.hostRoutes, enableDHCP: request.enableDHCP, tags: request.tags, createdAt: tables.now)
            try tables.putSubnet(subnet)
            network.subnetIDs.append(subnet.id)
            try tables.putNetwork(network)
            try tables.remember(token: request.clientToken, id: subnet.id, project: project)
            return subnet
        }
    }

    /// The pools asked for (inside the CIDR, not overlapping, not holding the gateway), or Neutron's default.
    static func pools(_ requested: [AddressRange]?, cidr: CIDR, gateway: String?) throws -> [AddressRange] {
        let gatewayAddress = gateway.flatMap(IPAddress.init)
        guard let requested, !requested.isEmpty else {
            var start = cidr.firstHost, end = cidr.lastHost
            if let gatewayAddress, gatewayAddress == start { start = start.advanced(by: 1) }
            if let gatewayAddress, gatewayAddress == end { end = end.advanced(by: UInt128.max) }
            guard start <= end else { return [] }
            if let gatewayAddress, gatewayAddress > start, gatewayAddress < end {
                return [AddressRange(start: start.description, end: gatewayAddress.advanced(by: UInt128.max).description),
                        AddressRange(start: gatewayAddress.advanced(by: 1).description, end: end.description)]
            }
            return [AddressRange(start: start.description, end: end.description)]
        }
        var ranges: [(IPAddress, IPAddress)] = []
        for pool in requested {
            guard let start = IPAddress(pool.start), let end = IPAddress(pool.end), start <= end,
                  cidr.contains(start), cidr.contains(end) else {
                throw CloudError(.badRequest, "The allocation pool \(pool.start)-\(pool.end) spans beyond the subnet cidr \(cidr).")
            }
            if let gatewayAddress, gatewayAddress >= start, gatewayAddress <= end {
                throw CloudError(.conflict, "Gateway ip \(gatewayAddress) conflicts with allocation pool \(pool.start)-\(pool.end)")
            }
            if ranges.contains(where: { start <= $0.1 && $0.0 <= end }) {
                throw CloudError(.badRequest, "Found overlapping allocation pools: \(pool.start)-\(pool.end)")
            }
            ranges.append((start, end))
        }
        return requested
    }

    func updateSubnet(id: String, _ update: SubnetUpdate) async throws -> Subnet {
        try await cloud.callLatency("subnet")
        let project = projectID
        return try await write { tables in
            var subnet = try tables.requireOwned(.subnet, id, project: project, label: "Subnet") as Subnet
            if let name = update.name { subnet.name = name }
            if let gateway = update.gatewayIP { subnet.gatewayIP = gateway }
            if let pools = update.allocationPools, let cidr = CIDR(subnet.cidr) {
                subnet.allocationPools = try Self.pools(pools, cidr: cidr, gateway: subnet.gatewayIP)
            }
            if let value = update.dnsNameservers { subnet.dnsNameservers = value }
            if let value = update.hostRoutes { subnet.hostRoutes = value }
            if let value = update.enableDHCP { subnet.enableDHCP = value }
            if let value = update.tags { subnet.tags = value }
            subnet.updatedAt = tables.now
            try tables.putSubnet(subnet)
            return subnet
        }
    }

    func deleteSubnet(id: String) async throws {
        try cloud.injectFault("subnet.delete")
        try await cloud.callLatency("subnet")
        let project = projectID
        try await write { tables in
            guard let subnet: Subnet = try tables.get(.subnet, id), subnet.projectID == project else { throw CloudError.notFound("Subnet", id) }
            if !(try tables.raw.ids(kind: EmulatedKind.ip.rawValue, parentID: id)).isEmpty {
                throw CloudError(
                    .conflict, "Unable to complete operation on subnet \(id): One or more ports have an IP allocation from this subnet.")
            }
            try tables.delete(.subnet, id)
            try tables.forgetTokens(of: id)
            if var network: Network = try tables.get(.network, subnet.networkID) {
                network.subnetIDs.removeAll { $0 == id }
                try tables.putNetwork(network)
            }
            try tables.release(["subnets": 1], project: project)
        }
    }

    // MARK: Ports

    func ports(networkID: String?, deviceID: String?) async throws -> [NetworkPort] {
        let project = projectID
        return try await read { tables in
            try (tables.all(.port, project: project, parent: networkID) as [NetworkPort]).filter { deviceID == nil || $0.deviceID == deviceID }
        }
    }

    func port(_ idOrName: String) async throws -> NetworkPort? {
        let project = projectID
        return try await read { try $0.port(idOrName, project: project) }
    }

    func createPort(_ request: PortRequest) async throws -> NetworkPort {
        try cloud.injectFault("port.create")
        try await cloud.callLatency("port")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let port: NetworkPort = try tables.get(.port, id) { return port }
            let port = try tables.makePort(request, project: project)
            try tables.remember(token: request.clientToken, id: port.id, project: project)
            return port
        }
    }

    func updatePort(id: String, _ update: PortUpdate) async throws -> NetworkPort {
        try await cloud.callLatency("port")
        let project = projectID
        return try await write { tables in
            var port = try tables.requireOwned(.port, id, project: project, label: "Port") as NetworkPort
            if let name = update.name { port.name = name }
            if let requests = update.fixedIPs {
                let network = try tables.requireNetwork(port.networkID, project: project)
                let kept = port.fixedIPs.filter { fixed in requests.contains { $0.ipAddress == fixed.ipAddress } }
                for fixed in port.fixedIPs where !kept.contains(fixed) { try tables.releaseAddress(fixed) }
                let added = requests.filter { request in !kept.contains { $0.ipAddress == request.ipAddress } }
                port.fixedIPs = kept + (try tables.allocate(added, network: network, portID: port.id, project: project))
            }
            if let value = update.adminStateUp { port.adminStateUp = value }
            if let value = update.portSecurityEnabled { port.portSecurityEnabled = value }
            if let groups = update.securityGroupIDs {
                port.securityGroupIDs = try groups.map { name in
                    guard let group = try tables.securityGroup(name, project: project) else { throw CloudError.notFound("Security group", name) }
                    return group.id
                }
            }
            if !port.portSecurityEnabled, !port.securityGroupIDs.isEmpty, update.portSecurityEnabled == false {
                if update.securityGroupIDs == nil { port.securityGroupIDs = [] }
            }
            if let value = update.allowedAddressPairs { port.allowedAddressPairs = value }
            if let value = update.deviceID {
                port.deviceID = value
                port.status = value.isEmpty ? "DOWN" : "ACTIVE"
            }
            if let value = update.deviceOwner { port.deviceOwner = value }
            if let value = update.dnsName { port.dnsName = value }
            if let value = update.tags { port.tags = value }
            port.updatedAt = tables.now
            try tables.putPort(port)
            return port
        }
    }

    func deletePort(id: String) async throws {
        try cloud.injectFault("port.delete")
        try await cloud.callLatency("port")
        let project = projectID
        try await write { tables in
            guard let port: NetworkPort = try tables.get(.port, id), port.projectID == project else { throw CloudError.notFound("Port", id) }
            if port.deviceOwner == "network:router_interface" {
                throw CloudError(.conflict, "Port \(id) cannot be deleted directly via the port API: has device owner network:router_interface.")
            }
            // A server's port goes out of its server too, as Nova sees the port vanish.
            if port.deviceOwner.hasPrefix("compute"), var server: Server = try tables.get(.server, port.deviceID) {
                server.portIDs.removeAll { $0 == id }
                server.ownedPortIDs.removeAll { $0 == id }
                try tables.putServer(server)
            }
            try tables.removePort(port)
        }
    }

    // MARK: Routers

    func routers() async throws -> [NetworkRouter] {
        let project = projectID
        return try await read { try $0.all(.router, project: project) }
    }

    func router(_ idOrName: String) async throws -> NetworkRouter? {
        let project = projectID
        return try await read { tables in
            try tables.find(.router, idOrName, project: project, label: "router") { (router: NetworkRouter) in router.projectID == project }
        }
    }

    func createRouter(_ request: RouterRequest) async throws -> NetworkRouter {
        try cloud.injectFault("router.create")
        try await cloud.callLatency("router")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let router: NetworkRouter = try tables.get(.router, id) { return router }
            try tables.reserve(["routers": 1], project: project)
            var router = NetworkRouter(
                id: newID(), name: request.name, projectID: project, adminStateUp: request.adminStateUp, distributed: request.distributed,
                ha: request.ha, tags: request.tags, createdAt: tables.now)
            if let gateway = request.externalGateway {
                try tables.setGateway(&router, gateway)
            }
            try tables.put(.router, router.id, router, project: project, name: router.name)
            try tables.remember(token: request.clientToken, id: router.id, project: project)
            return router
        }
    }

    func updateRouter(id: String, _ update: RouterUpdate) async throws -> NetworkRouter {
        try await cloud.callLatency("router")
        let project = projectID
        return try await write { tables in
            var router = try tables.requireOwned(.router, id, project: project, label: "Router") as NetworkRouter
            if let name = update.name { router.name = name }
            if let value = update.adminStateUp { router.adminStateUp = value }
            if let value = update.routes { router.routes = value }
            if let value = update.tags { router.tags = value }
            if let gateway = update.externalGateway {
                try tables.clearGateway(&router)
                if let gateway { try tables.setGateway(&router, gateway) }
            }
            router.updatedAt = tables.now
            try tables.put(.router, router.id, router, project: project, name: router.name, createdAt: router.createdAt)
            return router
        }
    }

    func deleteRouter(id: String) async throws {
        try cloud.injectFault("router.delete")
        try await cloud.callLatency("router")
        let project = projectID
        try await write { tables in
            guard var router: NetworkRouter = try tables.get(.router, id), router.projectID == project else { throw CloudError.notFound("Router", id) }
            let interfaces = (try tables.all(.port, project: project) as [NetworkPort])
                .filter { $0.deviceID == id && $0.deviceOwner == "network:router_interface" }
            if !interfaces.isEmpty {
                throw CloudError(.conflict, "Router \(id) still has ports")
            }
            try tables.clearGateway(&router)
            try tables.delete(.router, id)
            try tables.forgetTokens(of: id)
            try tables.release(["routers": 1], project: project)
        }
    }

    func addRouterInterface(routerID: String, subnetID: String?, portID: String?) async throws -> RouterInterface {
        try cloud.injectFault("router.update")
        try await cloud.callLatency("router")
        let project = projectID
        return try await write { tables in
            let router = try tables.requireOwned(.router, routerID, project: project, label: "Router") as NetworkRouter
            let existing = (try tables.all(.port, project: project) as [NetworkPort])
                .filter { $0.deviceID == router.id && $0.deviceOwner == "network:router_interface" }
            var port: NetworkPort
            if let portID {
                port = try tables.requirePort(portID, project: project)
                guard port.deviceID.isEmpty else { throw CloudError(.conflict, "Port \(port.id) is still in use.") }
                guard let first = port.fixedIPs.first else {
                    throw CloudError(.badRequest, "Bad router request: Router port must have at least one fixed IP.")
                }
                if existing.contains(where: { $0.fixedIPs.contains { $0.subnetID == first.subnetID } }) {
                    throw CloudError(.badRequest, "Bad router request: Router already has a port on subnet \(first.subnetID).")
                }
                port.deviceID = router.id
                port.deviceOwner = "network:router_interface"
                port.status = "ACTIVE"
                port.securityGroupIDs = []
                try tables.putPort(port)
            } else if let subnetID {
                let subnet = try tables.requireSubnet(subnetID, project: project)
                guard let gateway = subnet.gatewayIP else {
                    throw CloudError(.badRequest, "Bad router request: Subnet for router interface must have a gateway IP.")
                }
                if existing.contains(where: { $0.fixedIPs.contains { $0.subnetID == subnet.id } }) {
                    throw CloudError(.badRequest, "Bad router request: Router already has a port on subnet \(subnet.id).")
                }
                let id = newID()
                let address = try tables.allocateAddress(in: subnet, requested: gateway, portID: id, gatewayAllowed: true)
                try tables.reserve(["ports": 1], project: project)
                port = NetworkPort(
                    id: id, name: "", projectID: project, networkID: subnet.networkID, macAddress: Tables.macAddress(),
                    fixedIPs: [FixedIP(subnetID: subnet.id, ipAddress: address)], deviceID: router.id,
                    deviceOwner: "network:router_interface", portSecurityEnabled: false, createdAt: tables.now)
                try tables.putPort(port)
            } else {
                throw CloudError(.badRequest, "Bad router request: Either subnet_id or port_id must be specified.")
            }
            return RouterInterface(routerID: router.id, portID: port.id, subnetID: port.fixedIPs[0].subnetID, networkID: port.networkID)
        }
    }

    func removeRouterInterface(routerID: String, subnetID: String?, portID: String?) async throws {
        try await cloud.callLatency("router")
        let project = projectID
        try await write { tables in
            let router = try tables.requireOwned(.router, routerID, project: project, label: "Router") as NetworkRouter
            let interfaces = (try tables.all(.port, project: project) as [NetworkPort])
                .filter { $0.deviceID == router.id && $0.deviceOwner == "network:router_interface" }
            let match = interfaces.first { port in
                if let portID { return port.id == portID }
                if let subnetID { return port.fixedIPs.contains { $0.subnetID == subnetID } }
                return false
            }
            guard let port = match else {
                if let portID { throw CloudError(.notFound, "Router \(routerID) does not have an interface with id \(portID)") }
                throw CloudError(.notFound, "Router \(routerID) has no interface on subnet \(subnetID ?? "")")
            }
            try tables.removePort(port)
        }
    }

    // MARK: Floating IPs

    func floatingIPs() async throws -> [FloatingIP] {
        let project = projectID
        return try await read { try $0.all(.floatingip, project: project) }
    }

    func floatingIP(id: String) async throws -> FloatingIP? {
        let project = projectID
        return try await read { tables in
            guard let floating: FloatingIP = try tables.get(.floatingip, id), floating.projectID == project else { return nil }
            return floating
        }
    }

    func createFloatingIP(_ request: FloatingIPRequest) async throws -> FloatingIP {
        try cloud.injectFault("floatingip.create")
        try await cloud.callLatency("floatingip")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let floating: FloatingIP = try tables.get(.floatingip, id) {
                return floating
            }
            let network = try tables.requireNetwork(request.floatingNetworkID, project: project)
            guard network.external else {
                throw CloudError(.badRequest, "Bad floatingip request: Network \(network.id) is not a valid external network.")
            }
            try tables.reserve(["floatingips": 1], project: project)
            let id = newID()
            let fixed = try tables.allocate(
                [FixedIPRequest(subnetID: request.subnetID ?? network.subnetIDs.first, ipAddress: request.floatingIPAddress)],
                network: network, portID: id, project: project)
            var floating = FloatingIP(
                id: id, projectID: project, floatingNetworkID: network.id, floatingIPAddress: fixed[0].ipAddress,
                description: request.description, tags: request.tags, createdAt: tables.now)
            if let portID = request.portID {
                try tables.associate(&floating, portID: portID, fixedIPAddress: request.fixedIPAddress, project: project)
            }
            try tables.putFloatingIP(floating)
            try tables.remember(token: request.clientToken, id: floating.id, project: project)
            return floating
        }
    }

    func associateFloatingIP(id: String, portID: String?, fixedIPAddress: String?) async throws -> FloatingIP {
        try await cloud.callLatency("floatingip")
        let project = projectID
        return try await write { tables in
            var floating = try tables.requireOwned(.floatingip, id, project: project, label: "Floating IP") as FloatingIP
            if let portID {
                try tables.associate(&floating, portID: portID, fixedIPAddress: fixedIPAddress, project: project)
            } else {
                floating.portID = nil
                floating.fixedIPAddress = nil
                floating.routerID = nil
                floating.status = "DOWN"
            }
            floating.updatedAt = tables.now
            try tables.putFloatingIP(floating)
            return floating
        }
    }

    func deleteFloatingIP(id: String) async throws {
        try cloud.injectFault("floatingip.delete")
        try await cloud.callLatency("floatingip")
        let project = projectID
        try await write { tables in
            guard let floating: FloatingIP = try tables.get(.floatingip, id), floating.projectID == project else {
                throw CloudError.notFound("Floating IP", id)
            }
            let network: Network? = try tables.get(.network, floating.floatingNetworkID)
            for subnetID in network?.subnetIDs ?? [] {
                try tables.releaseAddress(FixedIP(subnetID: subnetID, ipAddress: floating.floatingIPAddress))
            }
            try tables.delete(.floatingip, id)
            try tables.forgetTokens(of: id)
            try tables.release(["floatingips": 1], project: project)
        }
    }

    // MARK: Security groups

    func securityGroups() async throws -> [SecurityGroup] {
        let project = projectID
        return try await read { try $0.all(.securitygroup, project: project) }
    }

    func securityGroup(_ idOrName: String) async throws -> SecurityGroup? {
        let project = projectID
        return try await read { try $0.securityGroup(idOrName, project: project) }
    }

    func createSecurityGroup(name: String, description: String, clientToken: String?) async throws -> SecurityGroup {
        try cloud.injectFault("securitygroup.create")
        try await cloud.callLatency("securitygroup")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(clientToken), let group: SecurityGroup = try tables.get(.securitygroup, id) { return group }
            if name == "default" { throw CloudError(.conflict, "Default security group already exists.") }
            try tables.reserve(["security_groups": 1], project: project)
            let id = newID()
            var group = SecurityGroup(id: id, name: name, projectID: project, description: description, createdAt: tables.now)
            for ethertype in ["IPv4", "IPv6"] {
                group.rules.append(SecurityGroupRule(
                    id: newID(), securityGroupID: id, projectID: project, direction: "egress", ethertype: ethertype, createdAt: tables.now))
            }
            try tables.putSecurityGroup(group)
            try tables.remember(token: clientToken, id: id, project: project)
            return group
        }
    }

    func updateSecurityGroup(id: String, name: String?, description: String?) async throws -> SecurityGroup {
        let project = projectID
        return try await write { tables in
            var group = try tables.requireOwned(.securitygroup, id, project: project, label: "Security group") as SecurityGroup
            if let name { group.name = name }
            if let description { group.description = description }
            group.updatedAt = tables.now
            try tables.putSecurityGroup(group)
            return group
        }
    }

    func deleteSecurityGroup(id: String) async throws {
        try cloud.injectFault("securitygroup.delete")
        try await cloud.callLatency("securitygroup")
        let project = projectID
        try await write { tables in
            guard let group: SecurityGroup = try tables.get(.securitygroup, id), group.projectID == project else {
                throw CloudError.notFound("Security group", id)
            }
            if group.name == "default" { throw CloudError(.conflict, "Insufficient rights for removing default security group.") }
            if (try tables.all(.port, project: project) as [NetworkPort]).contains(where: { $0.securityGroupIDs.contains(id) }) {
                throw CloudError(.conflict, "Security Group \(id) in use.")
            }
            try tables.raw.deleteRows(kind: EmulatedKind.sgrule.rawValue, parentID: id)
            try tables.delete(.securitygroup, id)
            try tables.forgetTokens(of: id)
            try tables.release(["security_groups": 1], project: project)
        }
    }

    func createSecurityGroupRule(_ request: SecurityGroupRuleRequest) async throws -> SecurityGroupRule {
        try cloud.injectFault("securitygroup.update")
        try await cloud.callLatency("securitygroup")
        let project = projectID
        return try await write { tables in
            guard var group = try tables.securityGroup(request.securityGroupID, project: project) else {
                throw CloudError.notFound("Security group", request.securityGroupID)
            }
            guard ["ingress", "egress"].contains(request.direction) else {
                throw CloudError(.badRequest, "Invalid input for direction. Reason: \(request.direction) is not in valid_values.")
            }
            guard ["IPv4", "IPv6"].contains(request.ethertype) else {
                throw CloudError(.badRequest, "Invalid input for ethertype. Reason: \(request.ethertype) is not in valid_values.")
            }
            if let low = request.portRangeMin, let high = request.portRangeMax, low > high {
                throw CloudError(.badRequest, "For TCP/UDP protocols, port_range_min must be <= port_range_max")
            }
            if let remote = request.remoteGroupID, try tables.securityGroup(remote, project: project) == nil {
                throw CloudError.notFound("Security group", remote)
            }
            let rule = SecurityGroupRule(
                id: newID(), securityGroupID: group.id, projectID: project, direction: request.direction, ethertype: request.ethertype,
                protocol: request.protocol, portRangeMin: request.portRangeMin, portRangeMax: request.portRangeMax,
                remoteIPPrefix: request.remoteIPPrefix, remoteGroupID: request.remoteGroupID, description: request.description,
                createdAt: tables.now)
            if let same = group.rules.first(where: { Self.sameRule($0, rule) }) {
                throw CloudError(.conflict, "Security group rule already exists. Rule id is \(same.id).")
            }
            group.rules.append(rule)
            group.updatedAt = tables.now
            try tables.putSecurityGroup(group)
            return rule
        }
    }

    static func sameRule(_ a: SecurityGroupRule, _ b: SecurityGroupRule) -> Bool {
        a.direction == b.direction && a.ethertype == b.ethertype && a.protocol == b.protocol && a.portRangeMin == b.portRangeMin
            && a.portRangeMax == b.portRangeMax && a.remoteIPPrefix == b.remoteIPPrefix && a.remoteGroupID == b.remoteGroupID
    }

    func securityGroupRules() async throws -> [SecurityGroupRule] {
        try await securityGroups().flatMap(\.rules)
    }

    func deleteSecurityGroupRule(id: String) async throws {
        let project = projectID
        try await write { tables in
            guard let index = try tables.raw.row(kind: EmulatedKind.sgrule.rawValue, id: id), index.projectID == project,
                  let groupID = index.parentID, var group: SecurityGroup = try tables.get(.securitygroup, groupID) else {
                throw CloudError.notFound("Security group rule", id)
            }
            group.rules.removeAll { $0.id == id }
            group.updatedAt = tables.now
            try tables.putSecurityGroup(group)
        }
    }
}

extension Tables {
    /// An object of the project by id, or Neutron/Nova's not-found.
    func requireOwned<T: Decodable>(_ kind: EmulatedKind, _ id: String, project: String, label: String) throws -> T {
        guard let row = try raw.row(kind: kind.rawValue, id: id), row.projectID == project else { throw CloudError.notFound(label, id) }
        return try decode(row, as: T.self)
    }

    func setGateway(_ router: inout NetworkRouter, _ gateway: (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])) throws {
        let network = try requireNetwork(gateway.networkID, project: router.projectID)
        guard network.external else {
            throw CloudError(.badRequest, "Bad router request: Network \(network.id) is not an external network.")
        }
        let portID = newID()
        let fixed = try allocate(gateway.fixedIPs.isEmpty ? nil : gateway.fixedIPs, network: network, portID: portID, project: router.projectID)
        let port = NetworkPort(
            id: portID, name: "", projectID: router.projectID, networkID: network.id, macAddress: Self.macAddress(), fixedIPs: fixed,
            deviceID: router.id, deviceOwner: "network:router_gateway", portSecurityEnabled: false, createdAt: now)
        try putPort(port)
        router.gatewayPortID = portID
        router.externalGateway = ExternalGateway(networkID: network.id, enableSNAT: gateway.enableSNAT, fixedIPs: fixed)
    }

    func clearGateway(_ router: inout NetworkRouter) throws {
        if let portID = router.gatewayPortID, let port: NetworkPort = try get(.port, portID) {
            for fixed in port.fixedIPs { try releaseAddress(fixed) }
            try delete(.port, portID)
        }
        router.gatewayPortID = nil
        router.externalGateway = nil
    }

    /// Maps a floating address to one of the port's fixed addresses.
    func associate(_ floating: inout FloatingIP, portID: String, fixedIPAddress: String?, project: String) throws {
        let port = try requirePort(portID, project: project)
        let candidates = port.fixedIPs.filter { IPAddress($0.ipAddress)?.version == 4 }
        guard let fixed = fixedIPAddress.map({ address in candidates.first { $0.ipAddress == address } }) ?? candidates.first else {
            if let fixedIPAddress {
                throw CloudError(.badRequest, "Bad floatingip request: Port \(port.id) does not have fixed ip \(fixedIPAddress).")
            }
            throw CloudError(.badRequest, "Bad floatingip request: Port \(port.id) does not have any IPv4 address.")
        }
        if let other: FloatingIP = try all(.floatingip, parent: port.id).first(where: { $0.id != floating.id && $0.fixedIPAddress == fixed.ipAddress }) {
            throw CloudError(
                .conflict,
                "Cannot associate floating IP \(floating.floatingIPAddress) (\(floating.id)) with port \(port.id) using fixed IP \(fixed.ipAddress), as that fixed IP already has a floating IP on external network \(other.floatingNetworkID).")
        }
        floating.portID = port.id
        floating.fixedIPAddress = fixed.ipAddress
        floating.status = "ACTIVE"
        let routers = (try all(.port, project: project) as [NetworkPort]).filter {
            $0.deviceOwner == "network:router_interface" && $0.fixedIPs.contains { $0.subnetID == fixed.subnetID }
        }
        floating.routerID = routers.first?.deviceID
    }
}
