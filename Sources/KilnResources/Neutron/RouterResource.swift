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

    /// `external_gateway_info` with its network and fixed IPs' subnets located.
    static func gateway(_ resource: LiveResource, _ cloud: CloudSession) async throws -> (networkID: String, enableSNAT: Bool, fixedIPs: [FixedIPRequest])? {
        guard let map = resource[property: "external_gateway_info"].mapValue,
              let external = try await CloudPlugin.locate(.network, map["network"] ?? .null, property: "external_gateway_info.network", of: resource, in: cloud)
        else { return nil }
        let fixed = try await PortResource.fixedIPs(
            map["external_fixed_ips"] ?? .null, property: "external_gateway_info.external_fixed_ips", resource, cloud) ?? []
        return (external, CloudPlugin.bool(map["enable_snat"] ?? .null, default: true), fixed)
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let gateway = try await Self.gateway(resource, cloud)
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let made = try await CloudPlugin.call(snapshot) {
            try await cloud.network.createRouter(RouterRequest(
                name: name, adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                externalGateway: gateway,
                distributed: CloudPlugin.bool(snapshot[property: "distributed"], default: false),
                ha: CloudPlugin.bool(snapshot[property: "ha"], default: false), tags: CloudPlugin.strings(snapshot[property: "tags"]),
                clientToken: token))
        }
        resource.physicalID = made.id
        Self.keep(made, in: &resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let cloud = try context.cloud()
        let name = CloudPlugin.name(&resource)
        let gatewayChanged = resource[property: "external_gateway_info"] != previous["external_gateway_info"] ?? .null
        let gateway = gatewayChanged ? try await Self.gateway(resource, cloud) : nil
        let snapshot = resource
        let updated = try await CloudPlugin.call(snapshot) {
            try await cloud.network.updateRouter(id: id, RouterUpdate(
                name: name, adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                externalGateway: gatewayChanged ? .some(gateway) : nil,
                tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        Self.keep(updated, in: &resource)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        guard let found = try await CloudPlugin.call(resource, { try await network.router(id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Router \(id) could not be found.")
        }
        Self.keep(found, in: &resource)
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
        let cloud = try context.cloud()
        let network = cloud.network
        func given(_ name: String) -> String? { resource[property: name] != .null ? name : resource[property: "\(name)_id"] != .null ? "\(name)_id" : nil }
        guard let routerProperty = given("router") else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property router not assigned")
        }
        let subnetProperty = given("subnet"), portProperty = given("port")
        guard (subnetProperty == nil) != (portProperty == nil) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Exactly one of subnet or port must be given")
        }
        let router = try await CloudPlugin.locate(.router, resource[property: routerProperty], property: routerProperty, of: resource, in: cloud) ?? ""
        let snapshot = resource
        if let subnetProperty {
            let subnetID = try await CloudPlugin.locate(.subnet, resource[property: subnetProperty], property: subnetProperty, of: resource, in: cloud) ?? ""
            try await CloudPlugin.call(snapshot) {
                guard let subnet = try await network.subnet(subnetID) else { throw CloudError.notFound("Subnet", subnetID) }
                // A resumed create finds the interface the first attempt added.
                let existing = try await network.ports(networkID: subnet.networkID, deviceID: router)
                if !existing.contains(where: { $0.fixedIPs.contains { $0.subnetID == subnet.id } }) {
                    _ = try await network.addRouterInterface(routerID: router, subnetID: subnet.id, portID: nil)
                }
            }
            resource.physicalID = "\(router):subnet_id=\(subnetID)"
        } else if let portProperty {
            let portID = try await CloudPlugin.locate(.port, resource[property: portProperty], property: portProperty, of: resource, in: cloud) ?? ""
            try await CloudPlugin.call(snapshot) {
                guard let port = try await network.port(portID) else { throw CloudError.notFound("Port", portID) }
                if port.deviceID != router { _ = try await network.addRouterInterface(routerID: router, subnetID: nil, portID: port.id) }
            }
            resource.physicalID = "\(router):port_id=\(portID)"
        }
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
