import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Neutron::Net`: a network; name, admin state, sharing, port security and tags update in place.
public struct NetResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::Net"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
        schema.properties["shared"]?.defaultValue = false
        schema.properties["port_security_enabled"]?.updateAllowed = true
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let network = try context.cloud().network
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let made = try await CloudPlugin.call(snapshot) {
            try await network.createNetwork(NetworkRequest(
                name: name, adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                shared: CloudPlugin.bool(snapshot[property: "shared"], default: false),
                external: CloudPlugin.bool(snapshot[property: "value_specs"].mapValue?["router:external"] ?? .null, default: false),
                portSecurityEnabled: CloudPlugin.bool(snapshot[property: "port_security_enabled"], default: true),
                dnsDomain: snapshot[property: "dns_domain"].stringValue ?? "", tags: CloudPlugin.strings(snapshot[property: "tags"]),
                clientToken: token))
        }
        resource.physicalID = made.id
        Self.keep(made, in: &resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        let snapshot = resource
        let name = CloudPlugin.name(&resource)
        let updated = try await CloudPlugin.call(snapshot) {
            try await network.updateNetwork(id: id, NetworkUpdate(
                name: name, adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                shared: CloudPlugin.bool(snapshot[property: "shared"], default: false),
                portSecurityEnabled: CloudPlugin.bool(snapshot[property: "port_security_enabled"], default: true),
                dnsDomain: snapshot[property: "dns_domain"].stringValue, tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        Self.keep(updated, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        try await CloudPlugin.deleting(resource) { try await network.deleteNetwork(id: id) }
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        guard let found = try await CloudPlugin.call(resource, { try await network.network(id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Network \(id) could not be found.")
        }
        Self.keep(found, in: &resource)
    }

    static func keep(_ network: Network, in resource: inout LiveResource) {
        resource.attributes = [
            "name": .string(network.name), "status": .string(network.status), "subnets": .list(network.subnetIDs.map(Value.string)),
            "admin_state_up": .bool(network.adminStateUp), "tenant_id": .string(network.projectID), "mtu": .int(network.mtu),
            "port_security_enabled": .bool(network.portSecurityEnabled), "l2_adjacency": true, "segments": .list([]),
            "qos_policy_id": .null, "show": CloudPlugin.value(network),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
