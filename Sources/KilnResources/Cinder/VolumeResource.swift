import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Cinder::Volume`: a volume, available once made. Name, description, metadata and
/// read-only update in place; a larger size extends it; a new volume type retypes it.
public struct VolumeResource: ResourcePlugin {
    public static let typeName = "OS::Cinder::Volume"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    static let timeout: Double = 3600

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let storage = cloud.blockStorage
        let image = try await CloudPlugin.locate(.image, resource[property: "image"], property: "image", of: resource, in: cloud)
        let source = try await CloudPlugin.locate(.volume, resource[property: "source_volid"], property: "source_volid", of: resource, in: cloud)
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let volume = try await CloudPlugin.call(snapshot) {
            try await storage.createVolume(VolumeRequest(
                name: name, description: snapshot[property: "description"].stringValue ?? "", sizeGB: CloudPlugin.int(snapshot[property: "size"]),
                volumeType: CloudPlugin.string(snapshot[property: "volume_type"]),
                availabilityZone: CloudPlugin.string(snapshot[property: "availability_zone"]), imageID: image,
                snapshotID: CloudPlugin.string(snapshot[property: "snapshot_id"]), sourceVolumeID: source,
                metadata: CloudPlugin.stringMap(snapshot[property: "metadata"]), clientToken: token))
        }
        resource.physicalID = volume.id
        try await context.save(resource)
        Self.keep(try await Self.wait(resource, storage, statuses: ["available"]), in: &resource)
    }

    static func wait(_ resource: LiveResource, _ storage: any BlockStorageService, statuses: Set<String>) async throws -> Volume {
        guard let id = resource.physicalID else { throw ResourceFailure.failed("the volume was not created") }
        do {
            guard let volume = try await storage.waitForVolume(id: id, statuses: statuses, untilGone: false, timeout: timeout) else {
                throw ResourceFailure.failed("NotFound: resources.\(resource.name): Volume \(id) could not be found.")
            }
            return volume
        } catch let error as CloudError where error.kind == .failedState {
            if error.message.hasPrefix("Timed out") { throw ResourceFailure.failed(error.message) }
            // Cinder keeps no reason: Heat reports the status it reached.
            let status = error.message.components(separatedBy: "went to status ").last ?? "error"
            throw ResourceFailure.failed("ResourceInError: resources.\(resource.name): Went to status \(status) due to \"Unknown\"")
        } catch let error as CloudError {
            throw CloudPlugin.failure(error, resource)
        }
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let storage = try context.cloud().blockStorage
        guard let volume = try await CloudPlugin.call(resource, { try await storage.volume(id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Volume \(id) could not be found.")
        }
        guard ["available", "in-use"].contains(volume.status) else {
            throw ResourceFailure.failed("Error: resources.\(resource.name): 'status': expected '['available', 'in-use']', got '\(volume.status)'")
        }
        Self.keep(volume, in: &resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let storage = try context.cloud().blockStorage
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        if let old = CloudPlugin.int(previous["size"] ?? .null), let new = CloudPlugin.int(resource[property: "size"]), new < old {
            throw ResourceFailure.failed("NotSupported: resources.\(resource.name): Shrinking volume is not supported.")
        }
        let volume = try await CloudPlugin.call(snapshot) {
            try await storage.updateVolume(id: id, VolumeUpdate(
                name: name, description: snapshot[property: "description"].stringValue,
                metadata: CloudPlugin.stringMap(snapshot[property: "metadata"]),
                readOnly: snapshot[property: "read_only"] == .null ? nil : CloudPlugin.bool(snapshot[property: "read_only"], default: false),
                sizeGB: CloudPlugin.int(snapshot[property: "size"]), volumeType: CloudPlugin.string(snapshot[property: "volume_type"])))
        }
        Self.keep(volume, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let storage = try context.cloud().blockStorage
        try await CloudPlugin.deleting(resource) {
            try await storage.deleteVolume(id: id)
            _ = try await storage.waitForVolume(id: id, statuses: [], untilGone: true, timeout: Self.timeout)
        }
    }

    static func keep(_ volume: Volume, in resource: inout LiveResource) {
        let attachments: [Value] = volume.attachments.map {
            ["id": .string($0.id), "server_id": .string($0.serverID), "device": .string($0.device), "volume_id": .string(volume.id)]
        }
        resource.attributes = [
            "size": .int(volume.sizeGB), "status": .string(volume.status), "attachments": .string(Value.list(attachments).jsonText()),
            "attachments_list": .list(attachments), "availability_zone": .string(volume.availabilityZone), "bootable": .bool(volume.bootable),
            "created_at": .string(HeatTime.iso(volume.createdAt)), "display_name": .string(volume.name),
            "display_description": .string(volume.description), "encrypted": .bool(volume.encrypted),
            "metadata": .string(Value.map(volume.metadata.mapValues(Value.string)).jsonText()),
            "metadata_values": .map(volume.metadata.mapValues(Value.string)), "multiattach": .bool(volume.multiattach),
            "snapshot_id": volume.snapshotID.map(Value.string) ?? .null, "source_volid": volume.sourceVolumeID.map(Value.string) ?? .null,
            "volume_type": .string(volume.volumeType), "show": CloudPlugin.value(volume),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Cinder::VolumeAttachment`: attaches a volume to a server; a change re-attaches.
public struct VolumeAttachmentResource: ResourcePlugin {
    public static let typeName = "OS::Cinder::VolumeAttachment"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await attach(&resource, context, server: ("instance_uuid", resource[property: "instance_uuid"]),
                         volume: ("volume_id", resource[property: "volume_id"]), device: resource[property: "mountpoint"])
    }

    func attach(_ resource: inout LiveResource, _ context: ResourceContext, server: (String, Value), volume: (String, Value), device: Value) async throws {
        let cloud = try context.cloud()
        guard let serverID = try await CloudPlugin.locate(.server, server.1, property: server.0, of: resource, in: cloud),
              let volumeID = try await CloudPlugin.locate(.volume, volume.1, property: volume.0, of: resource, in: cloud) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: a server and a volume are required")
        }
        // Kept first, so a delete after a failed or interrupted attach still detaches.
        resource.data["server_id"] = .string(serverID)
        resource.data["volume_id"] = .string(volumeID)
        let snapshot = resource
        let attachment = try await CloudPlugin.call(snapshot) { () -> VolumeAttachmentInfo in
            guard let found = try await cloud.blockStorage.volume(volumeID) else { throw CloudError.notFound("Volume", volumeID) }
            // A resumed create finds the attachment the first attempt made.
            if let existing = found.attachments.first(where: { $0.serverID == serverID }) {
                return VolumeAttachmentInfo(id: existing.id, serverID: serverID, volumeID: found.id, device: existing.device)
            }
            return try await cloud.compute.attachVolume(serverID: serverID, volumeID: found.id, device: CloudPlugin.string(device))
        }
        resource.physicalID = attachment.id
        try await context.save(resource)
        _ = try await VolumeResource.wait(resource.renamed(volumeID), cloud.blockStorage, statuses: ["in-use"])
        resource.attributes = ["device": .string(attachment.device), "show": CloudPlugin.value(attachment)]
        await Self.refreshVolume(volumeID, cloud, context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        try await delete(resource, context)
        try await create(&resource, context)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let server = resource.data["server_id"]?.stringValue, let volume = resource.data["volume_id"]?.stringValue else { return }
        let cloud = try context.cloud()
        try await CloudPlugin.deleting(resource) { try await cloud.compute.detachVolume(serverID: server, volumeID: volume) }
        // Detached once the volume no longer lists the server (it may stay in-use elsewhere when multiattach).
        while let found = try await CloudPlugin.call(resource, { try await cloud.blockStorage.volume(volume) }),
              found.attachments.contains(where: { $0.serverID == server }) || found.status == "detaching" {
            try await context.sleep(seconds: 0.2)
        }
        await Self.refreshVolume(volume, cloud, context)
    }

    /// The volume's `attachments` attributes follow the attachment.
    static func refreshVolume(_ id: String, _ cloud: CloudSession, _ context: ResourceContext) async {
        await CloudPlugin.refresh([VolumeResource.typeName, EC2VolumeResource.typeName], referencedBy: id, context) { owner in
            if let volume = try await cloud.blockStorage.volume(id) { VolumeResource.keep(volume, in: &owner) }
        }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

extension LiveResource {
    /// The same resource with another physical id (to wait on an object it refers to).
    func renamed(_ physicalID: String) -> LiveResource {
        var copy = self
        copy.physicalID = physicalID
        return copy
    }
}
