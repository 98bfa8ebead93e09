import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Neutron::Port`: a port on a network with fixed addresses from its subnets.
public struct PortResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::Port"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
        schema.properties["fixed_ips"] = CloudPlugin.listOfMaps(
            ["subnet": PropertySchema(.string), "subnet_id": PropertySchema(.string), "ip_address": PropertySchema(.string)],
            updateAllowed: true)
        schema.properties["allowed_address_pairs"] = CloudPlugin.listOfMaps(
            ["ip_address": PropertySchema(.string, required: true), "mac_address": PropertySchema(.string)], updateAllowed: true)
    }

    public init() {}

    /// `fixed_ips` entries with their subnets (names or ids) located; nil when not given.
    static func fixedIPs(_ value: Value, property: String, _ resource: LiveResource, _ cloud: CloudSession) async throws -> [FixedIPRequest]? {
        guard let list = value.listValue else { return nil }
        var requests: [FixedIPRequest] = []
        for (index, item) in list.enumerated() {
            let map = item.mapValue ?? [:]
            let subnetID = try await CloudPlugin.locate(
                .subnet, map["subnet"] ?? map["subnet_id"] ?? .null, property: "\(property)[\(index)].subnet", of: resource, in: cloud)
            requests.append(FixedIPRequest(subnetID: subnetID, ipAddress: CloudPlugin.string(map["ip_address"] ?? .null)))
        }
        return requests
    }

    /// `security_groups` located to ids (Neutron takes ids only); nil when not given.
    static func securityGroups(_ resource: LiveResource, _ cloud: CloudSession) async throws -> [String]? {
        guard let value = resource.properties["security_groups"], value != .null else { return nil }
        return try await CloudPlugin.locateAll(.securityGroup, value, property: "security_groups", of: resource, in: cloud)
    }

    static func pairs(_ value: Value) -> [AddressPair] {
        (value.listValue ?? []).compactMap { item in
            guard let map = item.mapValue, let address = map["ip_address"]?.stringValue else { return nil }
            return AddressPair(ipAddress: address, macAddress: map["mac_address"]?.stringValue)
        }
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let networkProperty = resource[property: "network"] != .null ? "network" : "network_id"
        guard let networkName = CloudPlugin.string(resource[property: networkProperty]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property network not assigned")
        }
        let networkID = try await CloudPlugin.locate(.network, networkName, property: networkProperty, of: resource, in: cloud)
        let fixed = try await Self.fixedIPs(resource[property: "fixed_ips"], property: "fixed_ips", resource, cloud)
        let groups = try await Self.securityGroups(resource, cloud)
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let made = try await CloudPlugin.call(snapshot) {
            try await cloud.network.createPort(PortRequest(
                name: name, networkID: networkID, fixedIPs: fixed,
                macAddress: CloudPlugin.string(snapshot[property: "mac_address"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true), securityGroupIDs: groups,
                allowedAddressPairs: Self.pairs(snapshot[property: "allowed_address_pairs"]),
                portSecurityEnabled: snapshot[property: "port_security_enabled"] == .null
                    ? nil : CloudPlugin.bool(snapshot[property: "port_security_enabled"], default: true),
                vnicType: snapshot[property: "binding:vnic_type"].stringValue ?? "normal",
                deviceID: snapshot[property: "device_id"].stringValue ?? "", deviceOwner: snapshot[property: "device_owner"].stringValue ?? "",
                dnsName: snapshot[property: "dns_name"].stringValue ?? "", tags: CloudPlugin.strings(snapshot[property: "tags"]),
                clientToken: token))
        }
        resource.physicalID = made.id
        Self.keep(made, in: &resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let cloud = try context.cloud()
        let name = CloudPlugin.name(&resource)
        let fixed = resource[property: "fixed_ips"] != previous["fixed_ips"] ?? .null
            ? try await Self.fixedIPs(resource[property: "fixed_ips"], property: "fixed_ips", resource, cloud) : nil
        let groups = try await Self.securityGroups(resource, cloud)
        let snapshot = resource
        let updated = try await CloudPlugin.call(snapshot) {
            try await cloud.network.updatePort(id: id, PortUpdate(
                name: name, fixedIPs: fixed,
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                securityGroupIDs: groups,
                allowedAddressPairs: Self.pairs(snapshot[property: "allowed_address_pairs"]),
                portSecurityEnabled: snapshot[property: "port_security_enabled"] == .null
                    ? nil : CloudPlugin.bool(snapshot[property: "port_security_enabled"], default: true),
                deviceID: snapshot[property: "device_id"].stringValue, deviceOwner: snapshot[property: "device_owner"].stringValue,
                dnsName: snapshot[property: "dns_name"].stringValue, tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        Self.keep(updated, in: &resource)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        guard let found = try await CloudPlugin.call(resource, { try await network.port(id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Port \(id) could not be found.")
        }
        Self.keep(found, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        try await CloudPlugin.deleting(resource) { try await network.deletePort(id: id) }
    }

    static func keep(_ port: NetworkPort, in resource: inout LiveResource) {
        resource.attributes = [
            "name": .string(port.name), "network_id": .string(port.networkID), "mac_address": .string(port.macAddress),
            "fixed_ips": .list(port.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] }),
            "status": .string(port.status), "device_id": .string(port.deviceID), "device_owner": .string(port.deviceOwner),
            "security_groups": .list(port.securityGroupIDs.map(Value.string)), "admin_state_up": .bool(port.adminStateUp),
            "allowed_address_pairs": .list(port.allowedAddressPairs.map { ["ip_address": .string($0.ipAddress), "mac_address": $0.macAddress.map(Value.string) ?? .null] }),
            "subnets": .list(port.fixedIPs.map { .string($0.subnetID) }), "tenant_id": .string(port.projectID),
            "port_security_enabled": .bool(port.portSecurityEnabled), "dns_assignment": .list([]), "qos_policy_id": .null,
            "show": CloudPlugin.value(port),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
