import Foundation
import KilnCloud

/// Cinder, emulated: volumes that take the volume latency to become available.
extension EmulatedSession: BlockStorageService {
    static let volumeTypes = ["__DEFAULT__", "lvmdriver-1"]

    func volumes() async throws -> [Volume] {
        let project = projectID
        return try await read { tables in try (tables.all(.volume, project: project) as [Volume]).map(tables.settle) }
    }

    func volume(_ idOrName: String) async throws -> Volume? {
        let project = projectID
        return try await read { tables in
            try tables.find(.volume, idOrName, project: project, label: "volume") { (volume: Volume) in volume.projectID == project }
                .map(tables.settle)
        }
    }

    func volumeTypes() async throws -> [String] { Self.volumeTypes }

    func createVolume(_ request: VolumeRequest) async throws -> Volume {
        try cloud.injectFault("volume.api")
        let fails = cloud.faultHits("volume.create")
        let ready = cloud.readyTime("volume", from: cloud.clock())
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let volume: Volume = try tables.get(.volume, id) {
                return tables.settle(volume)
            }
            let outcome = fails ? "error" : "available"
            let volume = try tables.makeVolume(request, project: project, status: ready == nil ? outcome : "creating",
                                               pending: ready == nil ? nil : outcome, ready: ready)
            try tables.remember(token: request.clientToken, id: volume.id, project: project)
            return volume
        }
    }

    func updateVolume(id: String, _ update: VolumeUpdate) async throws -> Volume {
        try cloud.injectFault("volume.update")
        let project = projectID
        return try await write { tables in
            var volume = tables.settle(try tables.requireOwned(.volume, id, project: project, label: "Volume") as Volume)
            if let name = update.name { volume.name = name }
            if let description = update.description { volume.description = description }
            if let metadata = update.metadata { volume.metadata = metadata }
            if let readOnly = update.readOnly { volume.readOnly = readOnly }
            if let size = update.sizeGB, size != volume.sizeGB {
                guard size > volume.sizeGB else {
                    throw CloudError(.badRequest, "Invalid input received: New size for extend must be greater than current size. (current: \(volume.sizeGB), extended: \(size)).")
                }
                guard volume.status == "available" || volume.status == "in-use" else {
                    throw CloudError(.badRequest, "Invalid volume: Volume status must be 'available' or 'in-use' to extend, currently \(volume.status).")
                }
                try tables.reserve(["gigabytes": size - volume.sizeGB], project: project)
                volume.sizeGB = size
            }
            if let type = update.volumeType, type != volume.volumeType {
                guard Self.volumeTypes.contains(type) else { throw CloudError(.notFound, "Volume type with name \(type) could not be found.") }
                volume.volumeType = type
            }
            volume.updatedAt = tables.now
            try tables.putVolume(volume)
            return volume
        }
    }

    func deleteVolume(id: String) async throws {
        try cloud.injectFault("volume.delete")
        let project = projectID
        try await write { tables in
            guard let stored: Volume = try tables.get(.volume, id), stored.projectID == project else { return }
            let volume = tables.settle(stored)
            guard volume.attachments.isEmpty, !["creating", "attaching", "detaching", "extending"].contains(volume.status) else {
                throw CloudError(
                    .badRequest,
                    "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.")
            }
            try tables.removeVolume(volume)
        }
    }

    func waitForVolume(id: String, statuses: Set<String>, untilGone: Bool, timeout: Double) async throws -> Volume? {
        let project = projectID
        return try await wait("volume \(id)", timeout: timeout) { tables -> (done: Volume??, next: Date?) in
            guard let stored: Volume = try tables.get(.volume, id), stored.projectID == project else {
                if untilGone { return (.some(nil), nil) }
                throw CloudError(.notFound, "Volume \(id) could not be found.")
            }
            let volume = tables.settle(stored)
            if !untilGone, statuses.contains(volume.status) { return (.some(volume), nil) }
            if volume.status.hasPrefix("error"), !statuses.contains(volume.status) {
                throw CloudError(.failedState, "Volume \(id) went to status \(volume.status)")
            }
            return (nil, volume.readyAt)
        }
    }
}

extension Tables {
    func putVolume(_ volume: Volume) throws {
        try put(.volume, volume.id, volume, project: volume.projectID, name: volume.name, createdAt: volume.createdAt)
    }

    func settle(_ volume: Volume) -> Volume {
        guard let pending = volume.pendingStatus, let ready = volume.readyAt, ready <= now else { return volume }
        var volume = volume
        volume.status = pending
        volume.pendingStatus = nil
        volume.readyAt = nil
        return volume
    }

    /// Makes a volume: its size (or the source's), type, quota.
    func makeVolume(_ request: VolumeRequest, project: String, status: String, pending: String? = nil, ready: Date?) throws -> Volume {
        var size = request.sizeGB
        var bootable = false
        if let imageID = request.imageID {
            guard let image = try image(imageID, project: project) else { throw CloudError(.badRequest, "Invalid image identifier or unable to access requested image.") }
            bootable = true
            if let requested = size, requested < image.minDiskGB {
                throw CloudError(.badRequest, "Invalid input received: Volume size \(requested)GB cannot be smaller than the image minDisk size \(image.minDiskGB)GB.")
            }
            size = size ?? max(1, image.minDiskGB)
        }
        if let sourceID = request.sourceVolumeID {
            guard let source: Volume = try get(.volume, sourceID), source.projectID == project else {
                throw CloudError(.notFound, "Volume \(sourceID) could not be found.")
            }
            size = size ?? source.sizeGB
            bootable = source.bootable
        }
        guard let sizeGB = size, sizeGB > 0 else {
            throw CloudError(.badRequest, "Invalid input received: Invalid volume size provided for create request: \(request.sizeGB.map(String.init) ?? "None") (size argument must be an integer (or string representation of an integer) and greater than zero).")
        }
        if let type = request.volumeType, !EmulatedSession.volumeTypes.contains(type) {
            throw CloudError(.notFound, "Volume type with name \(type) could not be found.")
        }
        try reserve(["volumes": 1, "gigabytes": sizeGB], project: project)
        var volume = Volume(
            id: newID(), name: request.name, projectID: project, description: request.description, sizeGB: sizeGB, status: status,
            volumeType: request.volumeType ?? "__DEFAULT__", availabilityZone: request.availabilityZone ?? "nova", imageID: request.imageID,
            bootable: bootable, multiattach: request.multiattach, metadata: request.metadata, createdAt: now)
        volume.sourceVolumeID = request.sourceVolumeID
        volume.snapshotID = request.snapshotID
        volume.pendingStatus = pending
        volume.readyAt = ready
        try putVolume(volume)
        return volume
    }

    func removeVolume(_ volume: Volume) throws {
        try release(["volumes": 1, "gigabytes": volume.sizeGB], project: volume.projectID)
        try delete(.volume, volume.id)
        try forgetTokens(of: volume.id)
    }
}

/// Glance, emulated: the default images and those users add.
extension EmulatedSession: ImageService {
    func images() async throws -> [Image] {
        let project = projectID
        return try await read { tables in
            try (tables.all(.image) as [Image]).filter { $0.visibility == "public" || $0.visibility == "community" || $0.ownerProjectID == project }
        }
    }

    func image(_ idOrName: String) async throws -> Image? {
        let project = projectID
        return try await read { try $0.image(idOrName, project: project) }
    }

    func createImage(_ request: ImageRequest) async throws -> Image {
        try cloud.injectFault("image.create")
        try await cloud.callLatency("image")
        let project = projectID
        return try await write { tables in
            let id = request.id ?? newID()
            guard try tables.raw.row(kind: EmulatedKind.image.rawValue, id: id) == nil else {
                throw CloudError(.conflict, "Image with identifier \(id) already exists!")
            }
            var properties = request.properties
            properties["location"] = request.location
            let image = Image(
                id: id, name: request.name ?? "", diskFormat: request.diskFormat, containerFormat: request.containerFormat,
                minDiskGB: request.minDiskGB, minRamMB: request.minRamMB, visibility: request.visibility, ownerProjectID: project,
                properties: properties, tags: request.tags, createdAt: tables.now)
            try tables.put(.image, id, image, project: project, name: image.name)
            return image
        }
    }

    func deleteImage(id: String) async throws {
        let project = projectID
        try await write { tables in
            guard let image: Image = try tables.get(.image, id), image.ownerProjectID == project else {
                throw CloudError(.notFound, "No image found with ID \(id)")
            }
            try tables.delete(.image, id)
        }
    }
}
