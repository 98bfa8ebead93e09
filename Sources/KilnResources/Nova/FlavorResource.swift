import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Nova::Flavor`: a flavor made for the stack (an administrator's resource in Heat).
/// Extra specs and the projects a private flavor is shared with change in place; anything
/// else makes a new flavor, as Heat does. The reference is the flavor's id.
public struct FlavorResource: ResourcePlugin {
    public static let typeName = "OS::Nova::Flavor"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        for name in ["disk", "swap", "ephemeral"] { schema.properties[name]?.defaultValue = 0 }
        schema.properties["rxtx_factor"]?.defaultValue = 1.0
        schema.properties["is_public"]?.defaultValue = true
        schema.properties["is_public"]?.kind = .boolean
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let compute = try context.cloud().compute
        let name = CloudPlugin.string(resource[property: "name"]) ?? CloudPlugin.name(&resource)
        let snapshot = resource
        // A resumed create finds the flavor its first attempt made (names are unique in Nova).
        if resource.data["created"] == true, let existing = try await CloudPlugin.call(snapshot, { try await compute.flavor(name) }) {
            Self.keep(existing, in: &resource)
            return
        }
        guard let ram = CloudPlugin.int(resource[property: "ram"]), let vcpus = CloudPlugin.int(resource[property: "vcpus"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: ram and vcpus are required")
        }
        let flavor = Flavor(
            id: CloudPlugin.string(resource[property: "flavorid"]) ?? "", name: name, vcpus: vcpus, ramMB: ram,
            diskGB: CloudPlugin.int(resource[property: "disk"]) ?? 0, ephemeralGB: CloudPlugin.int(resource[property: "ephemeral"]) ?? 0,
            swapMB: CloudPlugin.int(resource[property: "swap"]) ?? 0, isPublic: CloudPlugin.bool(resource[property: "is_public"], default: true),
            extraSpecs: CloudPlugin.stringMap(resource[property: "extra_specs"]))
        resource.data["created"] = true
        try await context.save(resource)
        let made = try await CloudPlugin.call(snapshot) {
            try await compute.createFlavor(flavor, tenants: CloudPlugin.strings(snapshot[property: "tenants"]))
        }
        Self.keep(made, in: &resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let compute = try context.cloud().compute
        let specs = CloudPlugin.stringMap(resource[property: "extra_specs"])
        let snapshot = resource
        let updated = try await CloudPlugin.call(snapshot) { try await compute.setFlavorExtraSpecs(id: id, specs) }
        Self.keep(updated, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let compute = try context.cloud().compute
        try await CloudPlugin.deleting(resource) { try await compute.deleteFlavor(id: id) }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }

    static func keep(_ flavor: Flavor, in resource: inout LiveResource) {
        resource.physicalID = flavor.id
        resource.attributes = [
            "extra_specs": .map(flavor.extraSpecs.mapValues(Value.string)), "is_public": .bool(flavor.isPublic),
            "show": CloudPlugin.value(flavor),
        ]
    }
}
