import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Neutron::FloatingIP`: an address of an external network, mapped to a port when one is given.
public struct FloatingIPResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::FloatingIP"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let networkProperty = resource[property: "floating_network"] != .null ? "floating_network" : "floating_network_id"
        guard let external = try await CloudPlugin.locate(.network, resource[property: networkProperty], property: networkProperty, of: resource, in: cloud) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property floating_network not assigned")
        }
        let subnetID = try await CloudPlugin.locate(.subnet, resource[property: "floating_subnet"], property: "floating_subnet", of: resource, in: cloud)
        let portID = try await CloudPlugin.locate(.port, resource[property: "port_id"], property: "port_id", of: resource, in: cloud)
        let token = try await CloudPlugin.clientToken(&resource, context)
        let snapshot = resource
        let made = try await CloudPlugin.call(snapshot) {
            try await cloud.network.createFloatingIP(FloatingIPRequest(
                floatingNetworkID: external, floatingIPAddress: CloudPlugin.string(snapshot[property: "floating_ip_address"]),
                subnetID: subnetID, portID: portID,
                fixedIPAddress: CloudPlugin.string(snapshot[property: "fixed_ip_address"]), clientToken: token))
        }
        resource.physicalID = made.id
        Self.keep(made, in: &resource)
    }

    /// A new `port_id` or `fixed_ip_address` maps the address elsewhere (none: unmaps it).
    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let cloud = try context.cloud()
        let portID = try await CloudPlugin.locate(.port, resource[property: "port_id"], property: "port_id", of: resource, in: cloud)
        let snapshot = resource
        let updated = try await CloudPlugin.call(snapshot) {
            try await cloud.network.associateFloatingIP(
                id: id, portID: portID, fixedIPAddress: portID == nil ? nil : CloudPlugin.string(snapshot[property: "fixed_ip_address"]))
        }
        Self.keep(updated, in: &resource)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        guard let found = try await CloudPlugin.call(resource, { try await network.floatingIP(id: id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Floating IP \(id) could not be found.")
        }
        Self.keep(found, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        try await CloudPlugin.deleting(resource) { try await network.deleteFloatingIP(id: id) }
    }

    static func keep(_ floating: FloatingIP, in resource: inout LiveResource) {
        resource.attributes = [
            "floating_ip_address": .string(floating.floatingIPAddress), "fixed_ip_address": floating.fixedIPAddress.map(Value.string) ?? .null,
            "floating_network_id": .string(floating.floatingNetworkID), "port_id": floating.portID.map(Value.string) ?? .null,
            "router_id": floating.routerID.map(Value.string) ?? .null, "tenant_id": .string(floating.projectID),
            "show": CloudPlugin.value(floating),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Neutron::FloatingIPAssociation`: maps an existing floating IP to a port.
public struct FloatingIPAssociationResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::FloatingIPAssociation"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await associate(&resource, context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        if let old = CloudPlugin.string(previous["floatingip_id"] ?? .null), old != CloudPlugin.string(resource[property: "floatingip_id"]) {
            let network = try context.cloud().network
            try await CloudPlugin.deleting(resource) { _ = try await network.associateFloatingIP(id: old, portID: nil, fixedIPAddress: nil) }
        }
        try await associate(&resource, context)
    }

    func associate(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        guard let id = try await CloudPlugin.locate(.floatingIP, resource[property: "floatingip_id"], property: "floatingip_id", of: resource, in: cloud),
              let port = try await CloudPlugin.locate(.port, resource[property: "port_id"], property: "port_id", of: resource, in: cloud) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: floatingip_id and port_id are required")
        }
        let fixed = CloudPlugin.string(resource[property: "fixed_ip_address"])
        let floating = try await CloudPlugin.call(resource) { try await cloud.network.associateFloatingIP(id: id, portID: port, fixedIPAddress: fixed) }
        resource.physicalID = "\(id):\(port)"
        await Self.refreshFloatingIP(floating, context)
    }

    /// The floating IP's own attributes (port_id, fixed_ip_address) follow the association.
    static func refreshFloatingIP(_ floating: FloatingIP, _ context: ResourceContext) async {
        await CloudPlugin.refresh([FloatingIPResource.typeName], referencedBy: floating.id, context) { owner in
            FloatingIPResource.keep(floating, in: &owner)
        }
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let physical = resource.physicalID, let id = physical.split(separator: ":").first.map(String.init) else { return }
        let network = try context.cloud().network
        try await CloudPlugin.deleting(resource) {
            let floating = try await network.associateFloatingIP(id: id, portID: nil, fixedIPAddress: nil)
            await Self.refreshFloatingIP(floating, context)
        }
    }
}
