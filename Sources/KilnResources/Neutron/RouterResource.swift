import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Neutron::Router`: a router, optionally with a gateway on an external network.
public struct RouterResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::Router"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
        schema.properties["external_gateway_info"] = PropertySchema(
            .map, updateAllowed: true,
            fields: [
                "network": PropertySchema(.string, required: true), "enable_snat": PropertySchema(.boolean, updateAllowed: true),
                "external_fixed_ips": CloudPlugin.listOfMaps(["ip_address": PropertySchema(.string), "subnet": PropertySchema(.string)]),
            ],
            description: "External network gateway configuration for a router.")
    }

    public init() {}

    static func gateway(_ value: Value, _ network: any NetworkService) async throws -> (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])? {
        guard let map = value.mapValue, let name = CloudPlugin.string(map["network"] ?? .null) else { return nil }
        guard let external = try await network.network(name) else { throw CloudError.notFound("Network", name) }
        let fixed = try await PortResource.fixedIPs(map["external_fixed_ips"] ?? .null, network) ?? []
        return (external.id, CloudPlugin.bool(map["enable_snat"] ?? .null, default: true), fixed)
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let network = try context.cloud().network
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let made = try await CloudPlugin.call(snapshot) {
            try await network.createRouter(RouterRequest(
                name: name, adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                externalGateway: try await Self.gateway(snapshot[property: "external_gateway_info"], network),
                distributed: CloudPlugin.bool(snapshot[property: "distributed"], default: false),
                ha: CloudPlugin.bool(snapshot[property: "ha"], default: false), tags: CloudPlugin.strings(snapshot[property: "tags"]),
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
        let gatewayChanged = snapshot[property: "external_gateway_info"] != previous["external_gateway_info"] ?? .null
        let updated = try await CloudPlugin.call(snapshot) {
            try await network.updateRouter(id: id, RouterUpdate(
                name: name, adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                externalGateway: gatewayChanged ? .some(try await Self.gateway(snapshot[property: "external_gateway_info"], network)) : nil,
                tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        Self.keep(updated, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        try await CloudPlugin.deleting(resource) { try await network.deleteRouter(id: id) }
    }

    static func keep(_ router: NetworkRouter, in resource: inout LiveResource) {
        var gateway: Value = .null
        if let info = router.externalGateway {
            gateway = [
                "network_id": .string(info.networkID), "enable_snat": .bool(info.enableSNAT),
                "external_fixed_ips": .list(info.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] }),
            ]
        }
        resource.attributes = [
            "name": .string(router.name), "status": .string(router.status), "external_gateway_info": gateway,
            "admin_state_up": .bool(router.adminStateUp), "tenant_id": .string(router.projectID), "show": CloudPlugin.value(router),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Neutron::RouterInterface`: joins a router to a subnet or a port. Its physical id is
/// Heat's `ROUTER:subnet_id=SUBNET` (or `:port_id=PORT`).
public struct RouterInterfaceResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::RouterInterface"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let network = try context.cloud().network
        guard let routerName = CloudPlugin.string(resource[property: "router"]) ?? CloudPlugin.string(resource[property: "router_id"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property router not assigned")
        }
        let subnetName = CloudPlugin.string(resource[property: "subnet"]) ?? CloudPlugin.string(resource[property: "subnet_id"])
        let portName = CloudPlugin.string(resource[property: "port"]) ?? CloudPlugin.string(resource[property: "port_id"])
        guard (subnetName == nil) != (portName == nil) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Exactly one of subnet or port must be given")
        }
        let snapshot = resource
        let physical = try await CloudPlugin.call(snapshot) { () -> String in
            guard let router = try await network.router(routerName) else { throw CloudError.notFound("Router", routerName) }
            if let subnetName {
                guard let subnet = try await network.subnet(subnetName) else { throw CloudError.notFound("Subnet", subnetName) }
                // A resumed create finds the interface the first attempt added.
                let existing = try await network.ports(networkID: subnet.networkID, deviceID: router.id)
                if !existing.contains(where: { $0.fixedIPs.contains { $0.subnetID == subnet.id } }) {
                    _ = try await network.addRouterInterface(routerID: router.id, subnetID: subnet.id, portID: nil)
                }
                return "\(router.id):subnet_id=\(subnet.id)"
            }
            guard let port = try await network.port(portName!) else { throw CloudError.notFound("Port", portName!) }
            if port.deviceID != router.id {
                _ = try await network.addRouterInterface(routerID: router.id, subnetID: nil, portID: port.id)
            }
            return "\(router.id):port_id=\(port.id)"
        }
        resource.physicalID = physical
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let physical = resource.physicalID, let colon = physical.firstIndex(of: ":") else { return }
        let network = try context.cloud().network
        let router = String(physical[..<colon]), rest = physical[physical.index(after: colon)...]
        let subnet = rest.hasPrefix("subnet_id=") ? String(rest.dropFirst("subnet_id=".count)) : nil
        let port = rest.hasPrefix("port_id=") ? String(rest.dropFirst("port_id=".count)) : nil
        try await CloudPlugin.deleting(resource) { try await network.removeRouterInterface(routerID: router, subnetID: subnet, portID: port) }
    }
}
