import Foundation
import KilnCloud
import KilnStore

/// Neutron's rules on the emulator's rows: lookups, IPAM and ports, shared by the network,
/// compute and load-balancer services (a server's or a load balancer's ports are ports).
extension Tables {
    /// By id, then by name among what the project sees; two matches by name is Neutron's conflict.
    func find<T: Decodable>(_ kind: EmulatedKind, _ idOrName: String, project: String, label: String,
                            visible: (T) -> Bool) throws -> T? {
        if let object: T = try get(kind, idOrName), visible(object) { return object }
        let matches: [T] = try named(kind, idOrName).filter(visible)
        if matches.count > 1 {
            throw CloudError(.conflict, "Multiple \(label) matches found for name '\(idOrName)', use an ID to be more specific.")
        }
        return matches.first
    }

    func network(_ idOrName: String, project: String) throws -> Network? {
        try find(.network, idOrName, project: project, label: "network") { (network: Network) in
            network.projectID == project || network.shared || network.external
        }
    }

    func requireNetwork(_ idOrName: String, project: String) throws -> Network {
        guard let network = try network(idOrName, project: project) else { throw CloudError.notFound("Network", idOrName) }
        return network
    }

    func subnet(_ idOrName: String, project: String) throws -> Subnet? {
        try find(.subnet, idOrName, project: project, label: "subnet") { (subnet: Subnet) in
            if subnet.projectID == project { return true }
            return ((try? network(subnet.networkID, project: project)) ?? nil) != nil
        }
    }

    func requireSubnet(_ idOrName: String, project: String) throws -> Subnet {
        guard let subnet = try subnet(idOrName, project: project) else { throw CloudError.notFound("Subnet", idOrName) }
        return subnet
    }

    func port(_ idOrName: String, project: String) throws -> NetworkPort? {
        try find(.port, idOrName, project: project, label: "port") { (port: NetworkPort) in port.projectID == project }
    }

    func requirePort(_ idOrName: String, project: String) throws -> NetworkPort {
        guard let port = try port(idOrName, project: project) else { throw CloudError.notFound("Port", idOrName) }
        return port
    }

    func securityGroup(_ idOrName: String, project: String) throws -> SecurityGroup? {
        try find(.securitygroup, idOrName, project: project, label: "security_group") { (group: SecurityGroup) in group.projectID == project }
    }

    func putNetwork(_ network: Network) throws {
        try put(.network, network.id, network, project: network.projectID, name: network.name, createdAt: network.createdAt)
    }

    func putSubnet(_ subnet: Subnet) throws {
        try put(.subnet, subnet.id, subnet, project: subnet.projectID, parent: subnet.networkID, name: subnet.name, createdAt: subnet.createdAt)
    }

    func putPort(_ port: NetworkPort) throws {
        try put(.port, port.id, port, project: port.projectID, parent: port.networkID, name: port.name, createdAt: port.createdAt)
    }

    func putFloatingIP(_ floating: FloatingIP) throws {
        try put(.floatingip, floating.id, floating, project: floating.projectID, parent: floating.portID,
                name: floating.floatingIPAddress, createdAt: floating.createdAt)
    }

    // MARK: IPAM

    /// Takes an address of the subnet for `portID`: the one asked for (refused when outside the
    /// subnet, the gateway's, or taken) or the lowest free one of the allocation pools.
    func allocateAddress(in subnet: Subnet, requested: String?, portID: String, gatewayAllowed: Bool = false) throws -> String {
        guard let cidr = CIDR(subnet.cidr) else { throw CloudError(.serverError, "subnet \(subnet.id) has a bad CIDR \(subnet.cidr)") }
        let kind = EmulatedKind.ip.rawValue
        if let requested {
            guard let address = IPAddress(requested), cidr.contains(address), address != cidr.network else {
                throw CloudError(.badRequest, "IP address \(requested) is not a valid IP for the specified subnet.")
            }
            if !gatewayAllowed, let gateway = subnet.gatewayIP, IPAddress(gateway) == address {
                throw CloudError(.conflict, "IP address \(requested) already allocated in subnet \(subnet.id)")
            }
            let row = ipRow(subnet: subnet, address: address, portID: portID)
            guard try raw.insertIfAbsent(row) else {
                throw CloudError(.conflict, "IP address \(address) already allocated in subnet \(subnet.id)")
            }
            return address.description
        }
        let taken = Set(try raw.ids(kind: kind, parentID: subnet.id))
        for pool in subnet.allocationPools {
            guard let start = IPAddress(pool.start), let end = IPAddress(pool.end) else { continue }
            var candidate = start
            while candidate <= end {
                if !taken.contains("\(subnet.id)/\(candidate)") {
                    try raw.put(ipRow(subnet: subnet, address: candidate, portID: portID))
                    return candidate.description
                }
                candidate = candidate.advanced(by: 1)
            }
        }
        throw CloudError(.conflict, "No more IP addresses available on network \(subnet.networkID).")
    }

    private func ipRow(subnet: Subnet, address: IPAddress, portID: String) -> KilnStoreRow {
        KilnStoreRow(kind: EmulatedKind.ip.rawValue, id: "\(subnet.id)/\(address)", projectID: subnet.projectID, parentID: subnet.id,
                     body: portID, createdAt: now)
    }

    func releaseAddress(_ fixed: FixedIP) throws {
        guard let address = IPAddress(fixed.ipAddress) else { return }
        try raw.delete(kind: EmulatedKind.ip.rawValue, id: "\(fixed.subnetID)/\(address)")
    }

    /// Addresses for a port: those asked for, or one from the network's first subnet of each version.
    func allocate(_ requests: [FixedIPRequest]?, network: Network, portID: String, project: String) throws -> [FixedIP] {
        var result: [FixedIP] = []
        do {
            if let requests {
                for request in requests {
                    let subnet: Subnet
                    if let subnetID = request.subnetID {
                        subnet = try requireSubnet(subnetID, project: project)
                        guard subnet.networkID == network.id else {
                            throw CloudError(.badRequest, "Invalid input for operation: Failed to create port on network \(network.id), because fixed_ips included invalid subnet \(subnet.id).")
                        }
                    } else if let address = request.ipAddress.flatMap(IPAddress.init) {
                        let subnets: [Subnet] = try all(.subnet, parent: network.id)
                        guard let match = subnets.first(where: { CIDR($0.cidr)?.contains(address) == true }) else {
                            throw CloudError(.badRequest, "IP address \(address) is not a valid IP for the defined networks subnets.")
                        }
                        subnet = match
                    } else {
                        throw CloudError(.badRequest, "Invalid input for fixed_ips: a subnet_id or an ip_address is required.")
                    }
                    let address = try allocateAddress(in: subnet, requested: request.ipAddress, portID: portID)
                    result.append(FixedIP(subnetID: subnet.id, ipAddress: address))
                }
            } else {
                let subnets: [Subnet] = try all(.subnet, parent: network.id)
                var versions: Set<Int> = []
                for subnet in subnets where !versions.contains(subnet.ipVersion) {
                    versions.insert(subnet.ipVersion)
                    let address = try allocateAddress(in: subnet, requested: nil, portID: portID)
                    result.append(FixedIP(subnetID: subnet.id, ipAddress: address))
                }
            }
        } catch {
            for fixed in result { try releaseAddress(fixed) }
            throw error
        }
        return result
    }

    static func macAddress() -> String {
        "fa:16:3e:" + (0..<3).map { _ in String(format: "%02x", Int.random(in: 0...255)) }.joined(separator: ":")
    }

    /// Makes a port: quota, addresses, security groups (the project's `default` unless given).
    func makePort(_ request: PortRequest, project: String) throws -> NetworkPort {
        let network = try requireNetwork(request.networkID, project: project)
        let id = newID()
        try reserve(["ports": 1], project: project)
        let fixed = try allocate(request.fixedIPs, network: network, portID: id, project: project)
        let security = request.portSecurityEnabled ?? network.portSecurityEnabled
        var groups: [String] = []
        if security, request.deviceOwner.hasPrefix("compute") || request.deviceOwner.isEmpty {
            if let requested = request.securityGroupIDs {
                for name in requested {
                    guard let group = try securityGroup(name, project: project) else { throw CloudError.notFound("Security group", name) }
                    groups.append(group.id)
                }
            } else if let group = try securityGroup("default", project: project) {
                groups = [group.id]
            }
        } else if let requested = request.securityGroupIDs, !requested.isEmpty, !security {
            throw CloudError(.conflict, "Port has security group associated. Cannot disable port security or ip address until security group is removed")
        }
        let port = NetworkPort(
            id: id, name: request.name, projectID: project, networkID: network.id, macAddress: request.macAddress ?? Self.macAddress(),
            fixedIPs: fixed, deviceID: request.deviceID, deviceOwner: request.deviceOwner, adminStateUp: request.adminStateUp,
            securityGroupIDs: groups, allowedAddressPairs: request.allowedAddressPairs, portSecurityEnabled: security,
            vnicType: request.vnicType, dnsName: request.dnsName, tags: request.tags, createdAt: now)
        try putPort(port)
        return port
    }

    /// Removes a port: its addresses, its floating IPs' mapping, its quota.
    func removePort(_ port: NetworkPort) throws {
        for fixed in port.fixedIPs { try releaseAddress(fixed) }
        let floating: [FloatingIP] = try all(.floatingip, parent: port.id)
        for var address in floating {
            address.portID = nil
            address.fixedIPAddress = nil
            address.routerID = nil
            address.status = "DOWN"
            address.updatedAt = now
            try putFloatingIP(address)
        }
        try release(["ports": 1], project: port.projectID)
        try delete(.port, port.id)
        try forgetTokens(of: port.id)
    }
}

typealias KilnStoreRow = CloudRow
