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

    static func fixedIPs(_ value: Value, _ network: any NetworkService) async throws -> [FixedIPRequest]? {
        guard let list = value.listValue else { return nil }
        var requests: [FixedIPRequest] = []
        for item in list {
            let map = item.mapValue ?? [:]
            var subnetID = CloudPlugin.string(map["subnet"] ?? .null) ?? CloudPlugin.string(map["subnet_id"] ?? .null)
            if let given = subnetID {
                guard let subnet = try await network.subnet(given) else { throw CloudError.notFound("Subnet", given) }
                subnetID = subnet.id
            }
            requests.append(FixedIPRequest(subnetID: subnetID, ipAddress: CloudPlugin.string(map["ip_address"] ?? .null)))
        }
        return requests
    }

    static func pairs(_ value: Value) -> [AddressPair] {
        (value.listValue ?? []).compactMap { item in
            guard let map = item.mapValue, let address = map["ip_address"]?.stringValue else { return nil }
            return AddressPair(ipAddress: address, macAddress: map["mac_address"]?.stringValue)
        }
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let network = try context.cloud().network
        guard let networkName = CloudPlugin.string(resource[property: "network"]) ?? CloudPlugin.string(resource[property: "network_id"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property network not assigned")
        }
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let made = try await CloudPlugin.call(snapshot) {
            guard let parent = try await network.network(networkName) else { throw CloudError.notFound("Network", networkName) }
            let groups = snapshot.properties["security_groups"].flatMap { $0 == .null ? nil : CloudPlugin.strings($0) }
            return try await network.createPort(PortRequest(
                name: name, networkID: parent.id, fixedIPs: try await Self.fixedIPs(snapshot[property: "fixed_ips"], network),
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
        let network = try context.cloud().network
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let updated = try await CloudPlugin.call(snapshot) {
            try await network.updatePort(id: id, PortUpdate(
                name: name,
                fixedIPs: snapshot[property: "fixed_ips"] != previous["fixed_ips"] ?? .null
                    ? try await Self.fixedIPs(snapshot[property: "fixed_ips"], network) : nil,
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                securityGroupIDs: snapshot.properties["security_groups"].flatMap { $0 == .null ? nil : CloudPlugin.strings($0) },
                allowedAddressPairs: Self.pairs(snapshot[property: "allowed_address_pairs"]),
                portSecurityEnabled: snapshot[property: "port_security_enabled"] == .null
                    ? nil : CloudPlugin.bool(snapshot[property: "port_security_enabled"], default: true),
                deviceID: snapshot[property: "device_id"].stringValue, deviceOwner: snapshot[property: "device_owner"].stringValue,
                dnsName: snapshot[property: "dns_name"].stringValue, tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        Self.keep(updated, in: &resource)
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
