import Foundation

/// A Neutron network.
public struct Network: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var adminStateUp: Bool
    public var shared: Bool
    /// `router:external`: floating addresses and router gateways come from it.
    public var external: Bool
    public var mtu: Int
    public var status: String
    public var subnetIDs: [String]
    public var portSecurityEnabled: Bool
    public var dnsDomain: String
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, adminStateUp: Bool = true, shared: Bool = false, external: Bool = false,
                mtu: Int = 1450, portSecurityEnabled: Bool = true, dnsDomain: String = "", tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.adminStateUp = adminStateUp
        self.shared = shared
        self.external = external
        self.mtu = mtu
        self.status = "ACTIVE"
        self.subnetIDs = []
        self.portSecurityEnabled = portSecurityEnabled
        self.dnsDomain = dnsDomain
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct NetworkRequest: Sendable {
    public var name: String
    public var adminStateUp: Bool
    public var shared: Bool
    public var external: Bool
    public var portSecurityEnabled: Bool
    public var dnsDomain: String
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", adminStateUp: Bool = true, shared: Bool = false, external: Bool = false,
                portSecurityEnabled: Bool = true, dnsDomain: String = "", tags: [String] = [], clientToken: String? = nil) {
        self.name = name
        self.adminStateUp = adminStateUp
        self.shared = shared
        self.external = external
        self.portSecurityEnabled = portSecurityEnabled
        self.dnsDomain = dnsDomain
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct NetworkUpdate: Sendable {
    public var name: String?
    public var adminStateUp: Bool?
    public var shared: Bool?
    public var portSecurityEnabled: Bool?
    public var dnsDomain: String?
    public var tags: [String]?
    public init(name: String? = nil, adminStateUp: Bool? = nil, shared: Bool? = nil, portSecurityEnabled: Bool? = nil,
                dnsDomain: String? = nil, tags: [String]? = nil) {
        self.name = name
        self.adminStateUp = adminStateUp
        self.shared = shared
        self.portSecurityEnabled = portSecurityEnabled
        self.dnsDomain = dnsDomain
        self.tags = tags
    }
}

/// An inclusive address range of a subnet's allocation pools.
public struct AddressRange: Codable, Sendable, Equatable {
    public var start: String
    public var end: String
    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }
}

public struct HostRoute: Codable, Sendable, Equatable {
    public var destination: String
    public var nexthop: String
    public init(destination: String, nexthop: String) {
        self.destination = destination
        self.nexthop = nexthop
    }
}

/// A Neutron subnet: a CIDR of a network, whose addresses the cloud hands out (IPAM).
public struct Subnet: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var networkID: String
    public var cidr: String
    public var ipVersion: Int
    public var gatewayIP: String?
    public var allocationPools: [AddressRange]
    public var dnsNameservers: [String]
    public var hostRoutes: [HostRoute]
    public var enableDHCP: Bool
    public var ipv6AddressMode: String?
    public var ipv6RAMode: String?
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, networkID: String, cidr: String, ipVersion: Int, gatewayIP: String?,
                allocationPools: [AddressRange], dnsNameservers: [String] = [], hostRoutes: [HostRoute] = [], enableDHCP: Bool = true,
                tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.networkID = networkID
        self.cidr = cidr
        self.ipVersion = ipVersion
        self.gatewayIP = gatewayIP
        self.allocationPools = allocationPools
        self.dnsNameservers = dnsNameservers
        self.hostRoutes = hostRoutes
        self.enableDHCP = enableDHCP
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct SubnetRequest: Sendable {
    public var name: String
    public var networkID: String
    /// nil: taken from `subnetPoolID` (not emulated) — a CIDR is required.
    public var cidr: String?
    public var ipVersion: Int
    /// `.some(nil)`: no gateway (`gateway_ip: null`); nil: the first address.
    public var gatewayIP: String??
    public var allocationPools: [AddressRange]?
    public var dnsNameservers: [String]
    public var hostRoutes: [HostRoute]
    public var enableDHCP: Bool
    public var ipv6AddressMode: String?
    public var ipv6RAMode: String?
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", networkID: String, cidr: String?, ipVersion: Int = 4, gatewayIP: String?? = nil,
                allocationPools: [AddressRange]? = nil, dnsNameservers: [String] = [], hostRoutes: [HostRoute] = [],
                enableDHCP: Bool = true, ipv6AddressMode: String? = nil, ipv6RAMode: String? = nil, tags: [String] = [],
                clientToken: String? = nil) {
        self.name = name
        self.networkID = networkID
        self.cidr = cidr
        self.ipVersion = ipVersion
        self.gatewayIP = gatewayIP
        self.allocationPools = allocationPools
        self.dnsNameservers = dnsNameservers
        self.hostRoutes = hostRoutes
        self.enableDHCP = enableDHCP
        self.ipv6AddressMode = ipv6AddressMode
        self.ipv6RAMode = ipv6RAMode
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct SubnetUpdate: Sendable {
    public var name: String?
    public var gatewayIP: String??
    public var allocationPools: [AddressRange]?
    public var dnsNameservers: [String]?
    public var hostRoutes: [HostRoute]?
    public var enableDHCP: Bool?
    public var tags: [String]?
    public init(name: String? = nil, gatewayIP: String?? = nil, allocationPools: [AddressRange]? = nil, dnsNameservers: [String]? = nil,
                hostRoutes: [HostRoute]? = nil, enableDHCP: Bool? = nil, tags: [String]? = nil) {
        self.name = name
        self.gatewayIP = gatewayIP
        self.allocationPools = allocationPools
        self.dnsNameservers = dnsNameservers
        self.hostRoutes = hostRoutes
        self.enableDHCP = enableDHCP
        self.tags = tags
    }
}

public struct FixedIP: Codable, Sendable, Equatable {
    public var subnetID: String
    public var ipAddress: String
    public init(subnetID: String, ipAddress: String) {
        self.subnetID = subnetID
        self.ipAddress = ipAddress
    }
}

/// An address asked for on a new or updated port: a subnet (any free address), an address, or both.
public struct FixedIPRequest: Sendable, Equatable {
    public var subnetID: String?
    public var ipAddress: String?
    public init(subnetID: String? = nil, ipAddress: String? = nil) {
        self.subnetID = subnetID
        self.ipAddress = ipAddress
    }
}

public struct AddressPair: Codable, Sendable, Equatable {
    public var ipAddress: String
    public var macAddress: String?
    public init(ipAddress: String, macAddress: String? = nil) {
        self.ipAddress = ipAddress
        self.macAddress = macAddress
    }
}

/// A Neutron port.
public struct NetworkPort: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var networkID: String
    public var macAddress: String
    public var fixedIPs: [FixedIP]
    public var deviceID: String
    /// `compute:nova`, `network:router_interface`, `network:router_gateway`, `network:floatingip`, `network:dhcp`, ``.
    public var deviceOwner: String
    /// DOWN until bound to a device, then ACTIVE.
    public var status: String
    public var adminStateUp: Bool
    public var securityGroupIDs: [String]
    public var allowedAddressPairs: [AddressPair]
    public var portSecurityEnabled: Bool
    public var vnicType: String
    public var dnsName: String
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, networkID: String, macAddress: String, fixedIPs: [FixedIP],
                deviceID: String = "", deviceOwner: String = "", adminStateUp: Bool = true, securityGroupIDs: [String] = [],
                allowedAddressPairs: [AddressPair] = [], portSecurityEnabled: Bool = true, vnicType: String = "normal",
                dnsName: String = "", tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.networkID = networkID
        self.macAddress = macAddress
        self.fixedIPs = fixedIPs
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.status = deviceID.isEmpty ? "DOWN" : "ACTIVE"
        self.adminStateUp = adminStateUp
        self.securityGroupIDs = securityGroupIDs
        self.allowedAddressPairs = allowedAddressPairs
        self.portSecurityEnabled = portSecurityEnabled
        self.vnicType = vnicType
        self.dnsName = dnsName
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct PortRequest: Sendable {
    public var name: String
    public var networkID: String
    /// nil: one address from the network's first subnet of each IP version; empty: none.
    public var fixedIPs: [FixedIPRequest]?
    public var macAddress: String?
    public var adminStateUp: Bool
    /// nil: the project's `default` group.
    public var securityGroupIDs: [String]?
    public var allowedAddressPairs: [AddressPair]
    public var portSecurityEnabled: Bool?
    public var vnicType: String
    public var deviceID: String
    public var deviceOwner: String
    public var dnsName: String
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", networkID: String, fixedIPs: [FixedIPRequest]? = nil, macAddress: String? = nil,
                adminStateUp: Bool = true, securityGroupIDs: [String]? = nil, allowedAddressPairs: [AddressPair] = [],
                portSecurityEnabled: Bool? = nil, vnicType: String = "normal", deviceID: String = "", deviceOwner: String = "",
                dnsName: String = "", tags: [String] = [], clientToken: String? = nil) {
        self.name = name
        self.networkID = networkID
        self.fixedIPs = fixedIPs
        self.macAddress = macAddress
        self.adminStateUp = adminStateUp
        self.securityGroupIDs = securityGroupIDs
        self.allowedAddressPairs = allowedAddressPairs
        self.portSecurityEnabled = portSecurityEnabled
        self.vnicType = vnicType
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.dnsName = dnsName
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct PortUpdate: Sendable {
    public var name: String?
    public var fixedIPs: [FixedIPRequest]?
    public var adminStateUp: Bool?
    public var securityGroupIDs: [String]?
    public var allowedAddressPairs: [AddressPair]?
    public var portSecurityEnabled: Bool?
    public var deviceID: String?
    public var deviceOwner: String?
    public var dnsName: String?
    public var tags: [String]?
    public init(name: String? = nil, fixedIPs: [FixedIPRequest]? = nil, adminStateUp: Bool? = nil, securityGroupIDs: [String]? = nil,
                allowedAddressPairs: [AddressPair]? = nil, portSecurityEnabled: Bool? = nil, deviceID: String? = nil,
                deviceOwner: String? = nil, dnsName: String? = nil, tags: [String]? = nil) {
        self.name = name
        self.fixedIPs = fixedIPs
        self.adminStateUp = adminStateUp
        self.securityGroupIDs = securityGroupIDs
        self.allowedAddressPairs = allowedAddressPairs
        self.portSecurityEnabled = portSecurityEnabled
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.dnsName = dnsName
        self.tags = tags
    }
}

public struct ExternalGateway: Codable, Sendable, Equatable {
    public var networkID: String
    public var enableSNAT: Bool
    public var fixedIPs: [FixedIP]
    public init(networkID: String, enableSNAT: Bool = true, fixedIPs: [FixedIP] = []) {
        self.networkID = networkID
        self.enableSNAT = enableSNAT
        self.fixedIPs = fixedIPs
    }
}

/// A Neutron router. Its interfaces are ports whose device is the router.
public struct NetworkRouter: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var adminStateUp: Bool
    public var status: String
    public var externalGateway: ExternalGateway?
    /// The gateway's port on the external network, when there is a gateway.
    public var gatewayPortID: String?
    public var routes: [HostRoute]
    public var distributed: Bool
    public var ha: Bool
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, adminStateUp: Bool = true, routes: [HostRoute] = [],
                distributed: Bool = false, ha: Bool = false, tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.adminStateUp = adminStateUp
        self.status = "ACTIVE"
        self.routes = routes
        self.distributed = distributed
        self.ha = ha
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct RouterRequest: Sendable {
    public var name: String
    public var adminStateUp: Bool
    public var externalGateway: (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])?
    public var distributed: Bool
    public var ha: Bool
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", adminStateUp: Bool = true, externalGateway: (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])? = nil,
                distributed: Bool = false, ha: Bool = false, tags: [String] = [], clientToken: String? = nil) {
        self.name = name
        self.adminStateUp = adminStateUp
        self.externalGateway = externalGateway
        self.distributed = distributed
        self.ha = ha
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct RouterUpdate: Sendable {
    public var name: String?
    public var adminStateUp: Bool?
    /// `.some(nil)` clears the gateway.
    public var externalGateway: (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])??
    public var routes: [HostRoute]?
    public var tags: [String]?
    public init(name: String? = nil, adminStateUp: Bool? = nil,
                externalGateway: (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])?? = nil,
                routes: [HostRoute]? = nil, tags: [String]? = nil) {
        self.name = name
        self.adminStateUp = adminStateUp
        self.externalGateway = externalGateway
        self.routes = routes
        self.tags = tags
    }
}

/// A router interface: the port joining a router to a subnet.
public struct RouterInterface: Codable, Sendable, Equatable {
    public var routerID: String
    public var portID: String
    public var subnetID: String
    public var networkID: String
    public init(routerID: String, portID: String, subnetID: String, networkID: String) {
        self.routerID = routerID
        self.portID = portID
        self.subnetID = subnetID
        self.networkID = networkID
    }
}

/// A floating IP: an address of an external network, mapped to a port's fixed address.
public struct FloatingIP: Codable, Sendable, Equatable {
    public var id: String
    public var projectID: String
    public var floatingNetworkID: String
    public var floatingIPAddress: String
    public var portID: String?
    public var fixedIPAddress: String?
    public var routerID: String?
    /// DOWN when unassociated, ACTIVE when mapped.
    public var status: String
    public var description: String
    public var dnsName: String
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, projectID: String, floatingNetworkID: String, floatingIPAddress: String, description: String = "",
                tags: [String] = [], createdAt: Date) {
        self.id = id
        self.projectID = projectID
        self.floatingNetworkID = floatingNetworkID
        self.floatingIPAddress = floatingIPAddress
        self.status = "DOWN"
        self.description = description
        self.dnsName = ""
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct FloatingIPRequest: Sendable {
    public var floatingNetworkID: String
    public var floatingIPAddress: String?
    public var subnetID: String?
    public var portID: String?
    public var fixedIPAddress: String?
    public var description: String
    public var tags: [String]
    public var clientToken: String?
    public init(floatingNetworkID: String, floatingIPAddress: String? = nil, subnetID: String? = nil, portID: String? = nil,
                fixedIPAddress: String? = nil, description: String = "", tags: [String] = [], clientToken: String? = nil) {
        self.floatingNetworkID = floatingNetworkID
        self.floatingIPAddress = floatingIPAddress
        self.subnetID = subnetID
        self.portID = portID
        self.fixedIPAddress = fixedIPAddress
        self.description = description
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct SecurityGroupRule: Codable, Sendable, Equatable {
    public var id: String
    public var securityGroupID: String
    public var projectID: String
    /// `ingress` or `egress`.
    public var direction: String
    /// `IPv4` or `IPv6`.
    public var ethertype: String
    public var `protocol`: String?
    public var portRangeMin: Int?
    public var portRangeMax: Int?
    public var remoteIPPrefix: String?
    public var remoteGroupID: String?
    public var description: String
    public var createdAt: Date

    public init(id: String, securityGroupID: String, projectID: String, direction: String, ethertype: String = "IPv4",
                protocol: String? = nil, portRangeMin: Int? = nil, portRangeMax: Int? = nil, remoteIPPrefix: String? = nil,
                remoteGroupID: String? = nil, description: String = "", createdAt: Date) {
        self.id = id
        self.securityGroupID = securityGroupID
        self.projectID = projectID
        self.direction = direction
        self.ethertype = ethertype
        self.protocol = `protocol`
        self.portRangeMin = portRangeMin
        self.portRangeMax = portRangeMax
        self.remoteIPPrefix = remoteIPPrefix
        self.remoteGroupID = remoteGroupID
        self.description = description
        self.createdAt = createdAt
    }
}

public struct SecurityGroupRuleRequest: Sendable, Equatable {
    public var securityGroupID: String
    public var direction: String
    public var ethertype: String
    public var `protocol`: String?
    public var portRangeMin: Int?
    public var portRangeMax: Int?
    public var remoteIPPrefix: String?
    public var remoteGroupID: String?
    public var description: String
    public init(securityGroupID: String, direction: String = "ingress", ethertype: String = "IPv4", protocol: String? = nil,
                portRangeMin: Int? = nil, portRangeMax: Int? = nil, remoteIPPrefix: String? = nil, remoteGroupID: String? = nil,
                description: String = "") {
        self.securityGroupID = securityGroupID
        self.direction = direction
        self.ethertype = ethertype
        self.protocol = `protocol`
        self.portRangeMin = portRangeMin
        self.portRangeMax = portRangeMax
        self.remoteIPPrefix = remoteIPPrefix
        self.remoteGroupID = remoteGroupID
        self.description = description
    }
}

/// A Neutron security group with its rules.
public struct SecurityGroup: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var description: String
    public var rules: [SecurityGroupRule]
    public var stateful: Bool
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, description: String = "", rules: [SecurityGroupRule] = [],
                stateful: Bool = true, tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.description = description
        self.rules = rules
        self.stateful = stateful
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}
