import Foundation
import KilnCloud
import KilnModel
import KilnTemplate

/// Heat's service-backed custom constraints (`nova.flavor`, `glance.image`, `nova.keypair`,
/// `neutron.network`, ...) checked against what a cloud holds, so an unknown name is a
/// located validation error with a suggestion. The cloud is read once into a snapshot
/// (validation is synchronous); kinds that may be numerous (servers, ports, volumes) are
/// not read and accept any value, as offline validation does.
public struct CloudConstraints: ConstraintCatalog {
    struct Known: Sendable {
        var label: String
        var names: Set<String>
        var ids: Set<String>
    }

    let known: [String: Known]

    init(known: [String: Known]) { self.known = known }

    /// For tests: a snapshot of names and ids per constraint.
    public init(names: [String: (label: String, names: Set<String>)]) {
        self.known = names.mapValues { Known(label: $0.label, names: $0.names, ids: []) }
    }

    /// Reads the cloud's flavors, images, key pairs, networks, subnets, routers and security groups.
    public static func load(_ session: CloudSession) async throws -> CloudConstraints {
        var known: [String: Known] = [:]
        let flavors = try await session.compute.flavors()
        known["nova.flavor"] = Known(label: "Flavor", names: Set(flavors.map(\.name)), ids: Set(flavors.map(\.id)))
        let images = try await session.images.images()
        known["glance.image"] = Known(label: "Image", names: Set(images.map(\.name)), ids: Set(images.map(\.id)))
        let keys = try await session.compute.keyPairs()
        known["nova.keypair"] = Known(label: "Keypair", names: Set(keys.map(\.name)), ids: [])
        let networks = try await session.network.networks()
        known["neutron.network"] = Known(label: "Network", names: Set(networks.map(\.name)), ids: Set(networks.map(\.id)))
        let subnets = try await session.network.subnets(networkID: nil)
        known["neutron.subnet"] = Known(label: "Subnet", names: Set(subnets.map(\.name)), ids: Set(subnets.map(\.id)))
        let routers = try await session.network.routers()
        known["neutron.router"] = Known(label: "Router", names: Set(routers.map(\.name)), ids: Set(routers.map(\.id)))
        let groups = try await session.network.securityGroups()
        known["neutron.security_group"] = Known(label: "Security Group", names: Set(groups.map(\.name)), ids: Set(groups.map(\.id)))
        known["cinder.vtype"] = Known(label: "Volume Type", names: Set(try await session.blockStorage.volumeTypes()), ids: [])
        return CloudConstraints(known: known)
    }

    public func constraint(named name: String) -> CustomConstraint? {
        guard let entry = known[name] else { return BuiltinConstraints().constraint(named: name) }
        return CustomConstraint(name: name) { value in
            guard let text = value.stringValue ?? (value.numberValue.map { String(Int($0)) }) else { return nil }
            if entry.names.contains(text) || entry.ids.contains(text) { return nil }
            return withSuggestion(
                "Error validating value '\(text)': The \(entry.label) (\(text)) could not be found.", for: text, among: entry.names)
        }
    }
}


extension Engine {
    /// What a new template's properties are checked against: the cloud's objects when there
    /// is a cloud (read now, for the project), else the offline constraints.
    public func constraints(projectID: String) async -> any ConstraintCatalog {
        guard let cloud else { return BuiltinConstraints() }
        return (try? await CloudConstraints.load(cloud.session(projectID: projectID))) ?? BuiltinConstraints()
    }
}
