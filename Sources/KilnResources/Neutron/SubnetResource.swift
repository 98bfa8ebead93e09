import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Neutron::Subnet`: a CIDR of a network whose addresses the cloud hands out.
public struct SubnetResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::Subnet"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["ip_version"]?.defaultValue = .int(4)
        schema.properties["ip_version"]?.allowedValues = [.int(4), .int(6)]
        schema.properties["enable_dhcp"]?.defaultValue = true
        schema.properties["allocation_pools"] = CloudPlugin.listOfMaps(
            ["start": PropertySchema(.string, required: true), "end": PropertySchema(.string, required: true)], updateAllowed: true)
        schema.properties["host_routes"] = CloudPlugin.listOfMaps(
            ["destination": PropertySchema(.string, required: true), "nexthop": PropertySchema(.string, required: true)], updateAllowed: true)
    }

    public init() {}

    static func pools(_ value: Value) -> [AddressRange]? {
        guard let list = value.listValue else { return nil }
        return list.compactMap { item in
            guard let map = item.mapValue, let start = map["start"]?.stringValue, let end = map["end"]?.stringValue else { return nil }
            return AddressRange(start: start, end: end)
        }
    }

    static func routes(_ value: Value) -> [HostRoute] {
        (value.listValue ?? []).compactMap { item in
            guard let map = item.mapValue, let destination = map["destination"]?.stringValue, let nexthop = map["nexthop"]?.stringValue else {
                return nil
            }
            return HostRoute(destination: destination, nexthop: nexthop)
        }
    }

    /// `gateway_ip`: absent gives the first address, null or empty none, else the address.
    static func gateway(_ resource: LiveResource) -> String?? {
        guard let value = resource.properties["gateway_ip"] else { return .none }
        switch value {
        case .null: return .some(nil)
        case .string(let text): return text.isEmpty ? .some(nil) : .some(text)
        default: return .none
        }
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let networkProperty = resource[property: "network"] != .null ? "network" : "network_id"
        guard let networkID = try await CloudPlugin.locate(.network, resource[property: networkProperty], property: networkProperty, of: resource, in: cloud) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property network not assigned")
        }
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let made = try await CloudPlugin.call(snapshot) {
            try await cloud.network.createSubnet(SubnetRequest(
                name: name, networkID: networkID, cidr: snapshot[property: "cidr"].stringValue,
                ipVersion: CloudPlugin.int(snapshot[property: "ip_version"]) ?? 4, gatewayIP: Self.gateway(snapshot),
                allocationPools: Self.pools(snapshot[property: "allocation_pools"]),
                dnsNameservers: CloudPlugin.strings(snapshot[property: "dns_nameservers"]),
                hostRoutes: Self.routes(snapshot[property: "host_routes"]),
                enableDHCP: CloudPlugin.bool(snapshot[property: "enable_dhcp"], default: true),
                ipv6AddressMode: snapshot[property: "ipv6_address_mode"].stringValue, ipv6RAMode: snapshot[property: "ipv6_ra_mode"].stringValue,
                tags: CloudPlugin.strings(snapshot[property: "tags"]), clientToken: token))
        }
        resource.physicalID = made.id
        Self.keep(made, in: &resource)
        await Self.refreshNetwork(made.networkID, cloud, context)
    }

    /// The network's `subnets` attribute follows its subnets.
    static func refreshNetwork(_ id: String, _ cloud: CloudSession, _ context: ResourceContext) async {
        await CloudPlugin.refresh([NetResource.typeName], referencedBy: id, context) { owner in
            if let network = try await cloud.network.network(id) { NetResource.keep(network, in: &owner) }
        }
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let updated = try await CloudPlugin.call(snapshot) {
            try await network.updateSubnet(id: id, SubnetUpdate(
                name: name, gatewayIP: Self.gateway(snapshot), allocationPools: Self.pools(snapshot[property: "allocation_pools"]),
                dnsNameservers: CloudPlugin.strings(snapshot[property: "dns_nameservers"]),
                hostRoutes: Self.routes(snapshot[property: "host_routes"]),
                enableDHCP: CloudPlugin.bool(snapshot[property: "enable_dhcp"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        Self.keep(updated, in: &resource)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        guard let found = try await CloudPlugin.call(resource, { try await network.subnet(id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Subnet \(id) could not be found.")
        }
        Self.keep(found, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let cloud = try context.cloud()
        try await CloudPlugin.deleting(resource) { try await cloud.network.deleteSubnet(id: id) }
        if let network = resource.attributes["network_id"]?.stringValue { await Self.refreshNetwork(network, cloud, context) }
    }

    static func keep(_ subnet: Subnet, in resource: inout LiveResource) {
        resource.attributes = [
            "name": .string(subnet.name), "network_id": .string(subnet.networkID), "cidr": .string(subnet.cidr),
            "gateway_ip": subnet.gatewayIP.map(Value.string) ?? .null, "ip_version": .int(subnet.ipVersion),
            "allocation_pools": .list(subnet.allocationPools.map { ["start": .string($0.start), "end": .string($0.end)] }),
            "host_routes": .list(subnet.hostRoutes.map { ["destination": .string($0.destination), "nexthop": .string($0.nexthop)] }),
            "dns_nameservers": .list(subnet.dnsNameservers.map(Value.string)), "enable_dhcp": .bool(subnet.enableDHCP),
            "tenant_id": .string(subnet.projectID), "subnetpool_id": .null, "show": CloudPlugin.value(subnet),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
