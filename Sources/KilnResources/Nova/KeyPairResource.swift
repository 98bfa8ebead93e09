import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Nova::KeyPair`: imports a public key or makes a key pair; the reference is its name.
/// The private key is kept (and shown as the `private_key` attribute) only with
/// `save_private_key: true`, as in Heat.
public struct KeyPairResource: ResourcePlugin {
    public static let typeName = "OS::Nova::KeyPair"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["save_private_key"]?.defaultValue = false
        schema.properties["save_private_key"]?.kind = .boolean
        schema.properties["type"]?.allowedValues = ["ssh", "x509"]
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let compute = try context.cloud().compute
        guard let name = CloudPlugin.string(resource[property: "name"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property name not assigned")
        }
        let snapshot = resource
        if let existing = try await CloudPlugin.call(snapshot, { try await compute.keyPair(named: name) }),
           resource.data["created"] == true {
            resource.physicalID = existing.name
            resource.attributes["public_key"] = .string(existing.publicKey)
            return
        }
        resource.data["created"] = true
        try await context.save(resource)
        let (pair, privateKey) = try await CloudPlugin.call(snapshot) {
            try await compute.createKeyPair(
                name: name, publicKey: CloudPlugin.string(snapshot[property: "public_key"]),
                type: snapshot[property: "type"].stringValue ?? "ssh")
        }
        resource.physicalID = pair.name
        resource.attributes = ["public_key": .string(pair.publicKey), "show": CloudPlugin.value(pair)]
        if CloudPlugin.bool(resource[property: "save_private_key"], default: false), let privateKey {
            resource.attributes["private_key"] = .string(privateKey)
        }
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let name = resource.physicalID else { return }
        let compute = try context.cloud().compute
        try await CloudPlugin.deleting(resource) { try await compute.deleteKeyPair(named: name) }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        if name == "private_key" { return resource.attributes["private_key"] ?? "" }
        return CloudPlugin.attribute(name, of: resource)
    }
}

/// `OS::Nova::ServerGroup`: servers placed by a policy; servers join it through
/// `scheduler_hints: {group: ID}`.
public struct ServerGroupResource: ResourcePlugin {
    public static let typeName = "OS::Nova::ServerGroup"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["policies"]?.defaultValue = .list(["anti-affinity"])
        schema.properties["policies"]?.items = Box(PropertySchema(
            .string, allowedValues: ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"]))
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let compute = try context.cloud().compute
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let group = try await CloudPlugin.call(snapshot) {
            try await compute.createServerGroup(
                name: name, policies: CloudPlugin.strings(snapshot[property: "policies"]),
                rules: CloudPlugin.stringMap(snapshot[property: "rules"]), clientToken: token)
        }
        resource.physicalID = group.id
        resource.attributes = ["show": CloudPlugin.value(group)]
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let compute = try context.cloud().compute
        try await CloudPlugin.deleting(resource) { try await compute.deleteServerGroup(id: id) }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
