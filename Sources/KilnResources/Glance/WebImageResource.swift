import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Glance::WebImage`: an image made from a URL (the emulator records the location).
public struct WebImageResource: ResourcePlugin {
    public static let typeName = "OS::Glance::WebImage"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["min_disk"]?.defaultValue = .int(0)
        schema.properties["min_ram"]?.defaultValue = .int(0)
        schema.properties["visibility"]?.defaultValue = "private"
        schema.properties["visibility"]?.allowedValues = ["public", "private", "community", "shared"]
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let images = try context.cloud().images
        let snapshot = resource
        let image = try await CloudPlugin.call(snapshot) {
            try await images.createImage(ImageRequest(
                name: CloudPlugin.string(snapshot[property: "name"]), id: CloudPlugin.string(snapshot[property: "id"]),
                diskFormat: snapshot[property: "disk_format"].stringValue ?? "qcow2",
                containerFormat: snapshot[property: "container_format"].stringValue ?? "bare",
                location: snapshot[property: "location"].stringValue ?? "", minDiskGB: CloudPlugin.int(snapshot[property: "min_disk"]) ?? 0,
                minRamMB: CloudPlugin.int(snapshot[property: "min_ram"]) ?? 0, visibility: snapshot[property: "visibility"].stringValue ?? "private",
                properties: CloudPlugin.stringMap(snapshot[property: "extra_properties"]), tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        resource.physicalID = image.id
        resource.attributes = ["show": CloudPlugin.value(image)]
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let images = try context.cloud().images
        try await CloudPlugin.deleting(resource) { try await images.deleteImage(id: id) }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
