import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Cinder's v3 API below `/volume/v3/{project_id}` over the cloud's block storage: volumes
/// (list, detail, show, create, update, extend, delete) and volume types.
struct VolumeRoutes {
    let call: CloudCall
    var storage: any BlockStorageService { call.session.blockStorage }

    func route() async throws -> Response {
        var path = call.path
        guard path.first == "v3" else { throw CloudError(.notFound, "The resource could not be found.") }
        path.removeFirst()
        guard let project = path.first else { throw CloudError(.notFound, "The resource could not be found.") }
        guard project == call.token.projectID else { throw CloudError(.unauthorized, "Policy doesn't allow this project.", httpStatus: 403) }
        path.removeFirst()
        let response = try await dispatch(path)
        var headers = response.headers
        headers[HTTPFields.Element.Name("OpenStack-API-Version")!] = "volume 3.0"
        return Response(status: response.status, headers: headers, body: response.body)
    }

    private func dispatch(_ path: [String]) async throws -> Response {
        switch (call.method, path.first, path.count) {
        case (.get, "volumes", 1), (.get, "volumes", 2) where path.count == 1 || path[1] == "detail":
            var volumes = try await storage.volumes()
            if let name = call.first("name") { volumes = volumes.filter { $0.name == name } }
            if let status = call.first("status") { volumes = volumes.filter { $0.status == status } }
            let detail = path.count == 2
            return .json(["volumes": .list(volumes.map { detail ? volumeJSON($0) : summary($0) })])
        case (.get, "volumes", 2):
            guard let volume = try await storage.volume(path[1]), volume.id == path[1] else {
                throw CloudError(.notFound, "Volume \(path[1]) could not be found.")
            }
            return .json(["volume": volumeJSON(volume)])
        case (.post, "volumes", 1):
            let body = try await call.body("volume")
            let made = try await storage.createVolume(VolumeRequest(
                name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue ?? "",
                sizeGB: body["size"]?.numberValue.map { Int($0) }, volumeType: body["volume_type"]?.stringValue,
                availabilityZone: body["availability_zone"]?.stringValue, imageID: body["imageRef"]?.stringValue,
                snapshotID: body["snapshot_id"]?.stringValue, sourceVolumeID: body["source_volid"]?.stringValue,
                multiattach: body["multiattach"] == true, metadata: (body["metadata"]?.mapValue ?? [:]).compactMapValues(\.stringValue)))
            return .json(["volume": volumeJSON(made)], status: .accepted)
        case (.put, "volumes", 2):
            let body = try await call.body("volume")
            let updated = try await storage.updateVolume(id: path[1], VolumeUpdate(
                name: body["name"]?.stringValue, description: body["description"]?.stringValue,
                metadata: body["metadata"]?.mapValue?.compactMapValues(\.stringValue)))
            return .json(["volume": volumeJSON(updated)])
        case (.post, "volumes", 3) where path[2] == "action":
            let body = try await call.body()
            if let extend = body["os-extend"]?.mapValue, let size = extend["new_size"]?.numberValue {
                _ = try await storage.updateVolume(id: path[1], VolumeUpdate(sizeGB: Int(size)))
                return .empty(.accepted)
            }
            throw CloudError(.badRequest, "There is no such action: \(body.keys.sorted().joined(separator: ", "))")
        case (.delete, "volumes", 2):
            guard try await storage.volume(path[1]) != nil else { throw CloudError(.notFound, "Volume \(path[1]) could not be found.") }
            try await storage.deleteVolume(id: path[1])
            return .empty(.accepted)
        case (.get, "types", 1):
            let types = try await storage.volumeTypes()
            return .json(["volume_types": .list(types.map { ["id": .string($0), "name": .string($0), "is_public": true, "extra_specs": [:], "description": .null] })])
        case (.get, "limits", 1):
            return .json(["limits": ["rate": [], "absolute": ["maxTotalVolumes": 10, "maxTotalVolumeGigabytes": 1000,
                                                             "totalVolumesUsed": .int(try await storage.volumes().count)]]])
        default:
            throw CloudError(.notFound, "The resource could not be found.")
        }
    }

    func links(_ id: String) -> Value {
        [["rel": "self", "href": .string("\(call.base)/v3/\(call.token.projectID)/volumes/\(id)")],
         ["rel": "bookmark", "href": .string("\(call.base)/\(call.token.projectID)/volumes/\(id)")]]
    }

    func summary(_ volume: Volume) -> Value {
        ["id": .string(volume.id), "name": .string(volume.name), "links": links(volume.id)]
    }

    func volumeJSON(_ volume: Volume) -> Value {
        [
            "id": .string(volume.id), "name": .string(volume.name), "status": .string(volume.status), "size": .int(volume.sizeGB),
            "availability_zone": .string(volume.availabilityZone), "created_at": CloudTime.micro(volume.createdAt),
            "updated_at": CloudTime.micro(volume.updatedAt), "description": .string(volume.description),
            "volume_type": .string(volume.volumeType), "volume_type_id": .string(volume.volumeType),
            "snapshot_id": Value(volume.snapshotID), "source_volid": Value(volume.sourceVolumeID),
            "bootable": .string(volume.bootable ? "true" : "false"), "encrypted": .bool(volume.encrypted),
            "multiattach": .bool(volume.multiattach), "metadata": .map(volume.metadata.mapValues(Value.string)),
            "attachments": .list(volume.attachments.map { attachment in
                ["id": .string(volume.id), "attachment_id": .string(attachment.id), "volume_id": .string(volume.id),
                 "server_id": .string(attachment.serverID), "host_name": .null, "device": .string(attachment.device),
                 "attached_at": CloudTime.micro(attachment.attachedAt)]
            }),
            "user_id": .string(call.token.userID), "os-vol-tenant-attr:tenant_id": .string(volume.projectID),
            "links": links(volume.id), "replication_status": "disabled", "consistencygroup_id": .null, "group_id": .null,
            "provider_id": .null, "shared_targets": true, "service_uuid": .null, "cluster_name": .null, "consumes_quota": true,
            "migration_status": .null,
        ]
    }
}
