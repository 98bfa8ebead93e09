import Foundation
import KilnCloud
import KilnEngine
import KilnModel

/// The kinds of cloud object a property can name, with the label Heat's constraints use in
/// their messages ("The Flavor (m1.hugee) could not be found.").
enum CloudObjectKind: String, Sendable {
    case flavor = "Flavor", image = "Image", keyPair = "Key", serverGroup = "Server Group", server = "Server"
    case network = "Network", subnet = "Subnet", port = "Port", router = "Router", securityGroup = "Security Group"
    case floatingIP = "Floating IP", volume = "Volume"
    case loadBalancer = "Load Balancer", listener = "Listener", pool = "Pool"
}

extension CloudPlugin {
    /// The id of the object `value` names (by name or id), or a failure naming the property as
    /// Heat's constraint check words it:
    /// `Property error: resources.web.properties.flavor: Error validating value 'm1.hugee': The Flavor (m1.hugee) could not be found.`
    /// Names are resolved here rather than by the cloud, because real services take ids only
    /// (Neutron's port security groups, Nova's network uuids, Octavia's subnet ids).
    static func locate(_ kind: CloudObjectKind, _ value: String, property: String, of resource: LiveResource, in cloud: CloudSession) async throws -> String {
        let found = try await call(resource) { try await find(kind, value, in: cloud) }
        guard let found else {
            throw ResourceFailure.failed(
                "Property error: resources.\(resource.name).properties.\(property): Error validating value '\(value)': The \(kind.rawValue) (\(value)) could not be found.")
        }
        return found
    }

    /// `locate` for an optional property value: nil stays nil.
    static func locate(_ kind: CloudObjectKind, _ value: Value, property: String, of resource: LiveResource, in cloud: CloudSession) async throws -> String? {
        guard let text = string(value) else { return nil }
        return try await locate(kind, text, property: property, of: resource, in: cloud)
    }

    /// Each element of a list property located (`security_groups[1]`).
    static func locateAll(_ kind: CloudObjectKind, _ value: Value, property: String, of resource: LiveResource, in cloud: CloudSession) async throws -> [String] {
        var ids: [String] = []
        for (index, item) in (value.listValue ?? []).enumerated() {
            if let id = try await locate(kind, item, property: "\(property)[\(index)]", of: resource, in: cloud) { ids.append(id) }
        }
        return ids
    }

    static func find(_ kind: CloudObjectKind, _ value: String, in cloud: CloudSession) async throws -> String? {
        switch kind {
        case .flavor: return try await cloud.compute.flavor(value)?.id
        case .image: return try await cloud.images.image(value)?.id
        case .keyPair: return try await cloud.compute.keyPair(named: value)?.name
        case .serverGroup:
            if let group = try await cloud.compute.serverGroup(id: value) { return group.id }
            return try await unique(cloud.compute.serverGroups().filter { $0.name == value }.map(\.id), kind, value)
        case .server:
            if let server = try await cloud.compute.server(id: value) { return server.id }
            return try await unique(cloud.compute.servers().filter { $0.name == value }.map(\.id), kind, value)
        case .network: return try await cloud.network.network(value)?.id
        case .subnet: return try await cloud.network.subnet(value)?.id
        case .port: return try await cloud.network.port(value)?.id
        case .router: return try await cloud.network.router(value)?.id
        case .securityGroup: return try await cloud.network.securityGroup(value)?.id
        case .floatingIP:
            if let floating = try await cloud.network.floatingIP(id: value) { return floating.id }
            return try await cloud.network.floatingIPs().first { $0.floatingIPAddress == value }?.id
        case .volume: return try await cloud.blockStorage.volume(value)?.id
        case .loadBalancer: return try await cloud.loadBalancer.loadBalancer(value)?.id
        case .listener: return try await cloud.loadBalancer.listener(value)?.id
        case .pool: return try await cloud.loadBalancer.pool(value)?.id
        }
    }

    /// One match, none, or Heat's refusal of an ambiguous name.
    static func unique(_ ids: [String], _ kind: CloudObjectKind, _ value: String) throws -> String? {
        if ids.count > 1 {
            throw CloudError(.conflict, "Multiple physical resources were found with name (\(value)).")
        }
        return ids.first
    }
}
