import Foundation
import KilnCloud
import KilnModel

/// Cinder over REST (v3).
extension OpenStackServices: BlockStorageService {
    static func volume(_ json: Value) -> Volume {
        var volume = Volume(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["os-vol-tenant-attr:tenant_id"].stringValue ?? "",
            description: json["description"].stringValue ?? "", sizeGB: json["size"].int ?? 0, status: json["status"].stringValue ?? "",
            volumeType: json["volume_type"].stringValue ?? "", availabilityZone: json["availability_zone"].stringValue ?? "nova",
            bootable: json["bootable"].bool ?? false, multiattach: json["multiattach"].bool ?? false, metadata: json["metadata"].stringMap,
            createdAt: json["created_at"].date)
        volume.attachments = (json["attachments"].listValue ?? []).map { attachment in
            Volume.Attachment(id: attachment["attachment_id"].stringValue ?? attachment["id"].stringValue ?? "",
                              serverID: attachment["server_id"].stringValue ?? "", device: attachment["device"].stringValue ?? "",
                              attachedAt: attachment["attached_at"].date)
        }
        volume.snapshotID = json["snapshot_id"].stringValue
        volume.sourceVolumeID = json["source_volid"].stringValue
        return volume
    }

    func volumes() async throws -> [Volume] { (try await api.list(.volume, "/volumes/detail", "volumes")).map(Self.volume) }
    func volume(_ idOrName: String) async throws -> Volume? {
        do {
            return Self.volume(try await api.call(.volume, "GET", "/volumes/\(segment(idOrName))")["volume"])
        } catch let error as CloudError where error.kind == .notFound {
            return try await api.list(.volume, "/volumes/detail" + query([("name", idOrName)]), "volumes").map(Self.volume).first { $0.name == idOrName }
        }
    }
    func volumeTypes() async throws -> [String] {
        (try await api.list(.volume, "/types", "volume_types")).compactMap { $0["name"].stringValue }
    }
    func createVolume(_ request: VolumeRequest) async throws -> Volume {
        if let token = request.clientToken {
            // Cinder filters by metadata (a dict in the query); the driver checks it again.
            let filter = Value.map([clientTokenKey: .string(token)]).jsonText()
            let found = (try await api.list(.volume, "/volumes/detail" + query([("metadata", filter)]), "volumes"))
            if let made = found.map(Self.volume).first(where: { $0.metadata[clientTokenKey] == token }) { return made }
        }
        var metadata = request.metadata
        if let token = request.clientToken { metadata[clientTokenKey] = token }
        var body: [String: Value] = ["name": .string(request.name), "description": .string(request.description),
                                     "metadata": .map(metadata.mapValues(Value.string)), "multiattach": .bool(request.multiattach)]
        if let size = request.sizeGB { body["size"] = .int(size) }
        if let type = request.volumeType { body["volume_type"] = .string(type) }
        if let zone = request.availabilityZone { body["availability_zone"] = .string(zone) }
        if let image = request.imageID {
            guard let found = try await self.image(image) else { throw CloudError(.badRequest, "Invalid image identifier or unable to access requested image.") }
            body["imageRef"] = .string(found.id)
        }
        if let snapshot = request.snapshotID { body["snapshot_id"] = .string(snapshot) }
        if let source = request.sourceVolumeID { body["source_volid"] = .string(source) }
        return Self.volume(try await api.call(.volume, "POST", "/volumes", body: ["volume": .map(body)])["volume"])
    }
    func updateVolume(id: String, _ update: VolumeUpdate) async throws -> Volume {
        if let size = update.sizeGB, let current = try await volume(id), size != current.sizeGB {
            try await api.call(.volume, "POST", "/volumes/\(id)/action", body: ["os-extend": ["new_size": .int(size)]])
        }
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let description = update.description { body["description"] = .string(description) }
        if let metadata = update.metadata { body["metadata"] = .map(metadata.mapValues(Value.string)) }
        if !body.isEmpty { try await api.call(.volume, "PUT", "/volumes/\(id)", body: ["volume": .map(body)]) }
        guard let volume = try await volume(id) else { throw CloudError(.notFound, "Volume \(id) could not be found.") }
        return volume
    }
    func deleteVolume(id: String) async throws { try await api.call(.volume, "DELETE", "/volumes/\(id)") }
    func waitForVolume(id: String, statuses: Set<String>, untilGone: Bool, timeout: Double) async throws -> Volume? {
        try await api.poll("volume \(id)", timeout: timeout) { () -> Volume?? in
            let found: Volume?
            do { found = Self.volume(try await api.call(.volume, "GET", "/volumes/\(id)")["volume"]) } catch let error as CloudError where error.kind == .notFound { found = nil }
            guard let volume = found else {
                if untilGone { return .some(nil) }
                throw CloudError(.notFound, "Volume \(id) could not be found.")
            }
            if !untilGone, statuses.contains(volume.status) { return .some(volume) }
            if volume.status.hasPrefix("error"), !statuses.contains(volume.status) { throw CloudError(.failedState, "Volume \(id) went to status \(volume.status)") }
            return nil
        }
    }
}
