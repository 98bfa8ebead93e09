import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Heat::SoftwareDeploymentGroup`: one software deployment per server of the `servers`
/// map (name -> server id), each as `OS::Heat::SoftwareDeployment` makes it; attributes are
/// maps by server name. Members are kept in `data["members"]` (name -> the member's state).
public struct SoftwareDeploymentGroupResource: ResourcePlugin {
    public static let typeName = "OS::Heat::SoftwareDeploymentGroup"

    public static let schema: ResourceTypeSchema = {
        var properties = SoftwareDeploymentResource.schema.properties
        properties["server"] = nil
        properties["servers"] = PropertySchema(
            .map, required: true, updateAllowed: true,
            description: "A map of names and server IDs to apply configuration to. The name is arbitrary and is used as the Heat resource name for the corresponding deployment.")
        return ResourceTypeSchema(
            type: typeName, properties: properties,
            attributes: [
                "deploy_stdouts": AttributeSchema(description: "A map of Nova names and captured stdouts from the configuration execution to each server.", type: "Map"),
                "deploy_stderrs": AttributeSchema(description: "A map of Nova names and captured stderrs from the configuration execution to each server.", type: "Map"),
                "deploy_status_codes": AttributeSchema(description: "A map of Nova names and returned status codes from the configuration execution.", type: "Map"),
            ],
            updatePolicyKeys: ["rolling_update", "batch_create"])
    }()

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await apply(&resource, context, update: false)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        try await apply(&resource, context, update: true)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        for (name, state) in resource.data["members"]?.mapValue ?? [:] {
            try await SoftwareDeploymentResource().delete(member(name, state, of: resource), context)
        }
    }

    /// The member deployment of one server, as a live resource of its own.
    func member(_ name: String, _ state: Value, of group: LiveResource, server: String? = nil) -> LiveResource {
        var properties = group.properties
        properties["servers"] = nil
        properties["server"] = .string(server ?? state.mapValue?["server"]?.stringValue ?? "")
        let map = state.mapValue ?? [:]
        return LiveResource(
            name: name, type: SoftwareDeploymentResource.typeName, stackID: group.stackID, stackName: group.stackName,
            properties: properties, physicalID: map["id"]?.stringValue, data: map["data"]?.mapValue ?? [:],
            attributes: map["attributes"]?.mapValue ?? [:])
    }

    func apply(_ resource: inout LiveResource, _ context: ResourceContext, update: Bool) async throws {
        let servers = resource[property: "servers"].mapValue ?? [:]
        var members = resource.data["members"]?.mapValue ?? [:]
        // Servers no longer listed lose their deployment.
        for (name, state) in members where servers[name] == nil {
            try await SoftwareDeploymentResource().delete(member(name, state, of: resource), context)
            members[name] = nil
        }
        for name in servers.keys.sorted() {
            guard let server = servers[name]?.stringValue else { throw ResourceFailure.failed("servers.\(name): a server id is required") }
            var live = member(name, members[name] ?? .null, of: resource, server: server)
            let previous = members[name]?.mapValue?["server"]?.stringValue
            let action = update && previous != nil ? "UPDATE" : "CREATE"
            if let previous, previous != server {
                try await SoftwareDeploymentResource().delete(live, context)
                live.physicalID = nil
            }
            do {
                try await SoftwareDeploymentResource().deploy(&live, action: previous == server ? action : "CREATE", context, persist: false)
            } catch {
                members[name] = Self.state(live, server: server)
                resource.data["members"] = .map(members)
                throw error
            }
            members[name] = Self.state(live, server: server)
        }
        resource.data["members"] = .map(members)
        resource.physicalID = resource.physicalID ?? UUID().uuidString.lowercased()
        for (attribute, key) in [("deploy_stdouts", "deploy_stdout"), ("deploy_stderrs", "deploy_stderr"), ("deploy_status_codes", "deploy_status_code")] {
            resource.attributes[attribute] = .map(members.mapValues { $0.mapValue?["attributes"]?.mapValue?[key] ?? .null })
        }
    }

    static func state(_ live: LiveResource, server: String) -> Value {
        ["id": live.physicalID.map(Value.string) ?? .null, "server": .string(server), "data": .map(live.data),
         "attributes": .map(live.attributes)]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        if let value = resource.attributes[name] { return value }
        if name == "show" { return .map(resource.attributes) }
        // A config output: its value per server.
        let members = resource.data["members"]?.mapValue ?? [:]
        return .map(members.mapValues { $0.mapValue?["attributes"]?.mapValue?[name] ?? .null })
    }
}
