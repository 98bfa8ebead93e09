import Crypto
import Foundation
import KilnCloud

/// Nova, emulated: flavors, key pairs, server groups, servers and their actions, volume and
/// interface attachments.
extension EmulatedSession: ComputeService {
    func flavors() async throws -> [Flavor] {
        try await read { try $0.all(.flavor) }
    }

    func flavor(_ idOrName: String) async throws -> Flavor? {
        try await read { try $0.flavor(idOrName) }
    }

    // MARK: Key pairs

    func keyPairs() async throws -> [KeyPair] {
        let project = projectID
        return try await read { try $0.all(.keypair, project: project) }
    }

    func keyPair(named name: String) async throws -> KeyPair? {
        let project = projectID
        return try await read { try $0.get(.keypair, "\(project)/\(name)") }
    }

    func createKeyPair(name: String, publicKey: String?, type: String) async throws -> (KeyPair, privateKey: String?) {
        try cloud.injectFault("keypair.create")
        try await cloud.callLatency("keypair")
        let project = projectID
        guard !name.isEmpty, name.count <= 255,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == " " || $0 == "." || $0 == "@" }) else {
            throw CloudError(.badRequest, "Keypair data is invalid: Keypair name contains unsafe characters")
        }
        let made: (key: String, fingerprint: String, privateKey: String?)
        if let publicKey {
            guard let fingerprint = Self.fingerprint(publicKey) else {
                throw CloudError(.badRequest, "Keypair data is invalid: failed to generate fingerprint")
            }
            made = (publicKey, fingerprint, nil)
        } else {
            let key = P256.Signing.PrivateKey()
            var blob = Data()
            for part in [Data("ecdsa-sha2-nistp256".utf8), Data("nistp256".utf8), key.publicKey.x963Representation] {
                var length = UInt32(part.count).bigEndian
                blob.append(Data(bytes: &length, count: 4))
                blob.append(part)
            }
            let text = "ecdsa-sha2-nistp256 \(blob.base64EncodedString()) Generated-by-Kiln"
            made = (text, Self.fingerprint(text) ?? "", key.pemRepresentation)
        }
        let keyPair = try await write { tables in
            try tables.reserve(["key_pairs": 1], project: project)
            let id = "\(project)/\(name)"
            guard try tables.raw.row(kind: EmulatedKind.keypair.rawValue, id: id) == nil else {
                throw CloudError(.conflict, "Key pair '\(name)' already exists.")
            }
            let keyPair = KeyPair(name: name, publicKey: made.key, fingerprint: made.fingerprint, type: type, createdAt: tables.now)
            try tables.put(.keypair, id, keyPair, project: project, name: name)
            return keyPair
        }
        return (keyPair, made.privateKey)
    }

    /// Nova's fingerprint: MD5 of the key's decoded blob, colon-separated hex.
    static func fingerprint(_ publicKey: String) -> String? {
        let fields = publicKey.split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("ssh-") || fields[0].hasPrefix("ecdsa-"),
              let blob = Data(base64Encoded: String(fields[1])), blob.count > 8 else { return nil }
        return Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    func deleteKeyPair(named name: String) async throws {
        let project = projectID
        try await write { tables in
            guard try tables.raw.row(kind: EmulatedKind.keypair.rawValue, id: "\(project)/\(name)") != nil else {
                throw CloudError(.notFound, "Keypair \(name) not found for user")
            }
            try tables.delete(.keypair, "\(project)/\(name)")
            try tables.release(["key_pairs": 1], project: project)
        }
    }

    // MARK: Server groups

    func serverGroups() async throws -> [ServerGroup] {
        let project = projectID
        return try await read { try $0.all(.servergroup, project: project) }
    }

    func serverGroup(id: String) async throws -> ServerGroup? {
        let project = projectID
        return try await read { tables in
            guard let row = try tables.raw.row(kind: EmulatedKind.servergroup.rawValue, id: id), row.projectID == project else { return nil }
            return try tables.decode(row, as: ServerGroup.self)
        }
    }

    func createServerGroup(name: String, policies: [String], rules: [String: String], clientToken: String?) async throws -> ServerGroup {
        try cloud.injectFault("servergroup.create")
        try await cloud.callLatency("servergroup")
        let known = ["affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"]
        guard policies.count == 1, let policy = policies.first, known.contains(policy) else {
            throw CloudError(.badRequest, "Invalid input for field/attribute policies. Value: \(policies). One policy of \(known) is required.")
        }
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(clientToken), let group: ServerGroup = try tables.get(.servergroup, id) { return group }
            try tables.reserve(["server_groups": 1], project: project)
            let group = ServerGroup(id: newID(), name: name, policies: policies, rules: rules)
            try tables.put(.servergroup, group.id, group, project: project, name: name)
            try tables.remember(token: clientToken, id: group.id, project: project)
            return group
        }
    }

    func deleteServerGroup(id: String) async throws {
        let project = projectID
        try await write { tables in
            guard let row = try tables.raw.row(kind: EmulatedKind.servergroup.rawValue, id: id), row.projectID == project else {
                throw CloudError(.notFound, "Instance group \(id) could not be found.")
            }
            try tables.delete(.servergroup, id)
            try tables.forgetTokens(of: id)
            try tables.release(["server_groups": 1], project: project)
        }
    }

    // MARK: Servers

    func servers() async throws -> [Server] {
        let project = projectID
        return try await read { tables in try (tables.all(.server, project: project) as [Server]).map { try tables.serverView($0) } }
    }

    func server(id: String) async throws -> Server? {
        let project = projectID
        return try await read { tables in
            guard let server: Server = try tables.get(.server, id), server.projectID == project else { return nil }
            return try tables.serverView(server)
        }
    }

    func createServer(_ request: ServerRequest) async throws -> Server {
        try cloud.injectFault("server.api")
        let fails = cloud.faultHits("server.create")
        let ready = cloud.readyTime("server", from: cloud.clock())
        let project = projectID
        if let userData = request.userData, userData.utf8.count > 65535 {
            throw CloudError(
                .badRequest,
                "User data too large. User data must be no larger than 65535 bytes once base64 encoded. Your data is \(userData.utf8.count) bytes")
        }
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let server: Server = try tables.get(.server, id) {
                return try tables.serverView(server)
            }
            guard let flavor = try tables.flavor(request.flavorID) else {
                throw CloudError(.badRequest, "Flavor \(request.flavorID) could not be found.")
            }
            var imageID: String?
            if let requested = request.imageID, !requested.isEmpty {
                guard let image = try tables.image(requested, project: project) else {
                    throw CloudError(.badRequest, "Image \(requested) could not be found.")
                }
                guard image.status == "active" else { throw CloudError(.badRequest, "Image \(image.id) is not active.") }
                if image.minRamMB > flavor.ramMB { throw CloudError(.badRequest, "Flavor's memory is too small for requested image.") }
                if image.minDiskGB > flavor.diskGB, !request.blockDevices.contains(where: { $0.bootIndex == 0 }) {
                    throw CloudError(.badRequest, "Flavor's disk is too small for requested image. Flavor disk is \(flavor.diskGB * 1_073_741_824) bytes, image is \(image.minDiskGB * 1_073_741_824) bytes.")
                }
                imageID = image.id
            } else if !request.blockDevices.contains(where: { $0.bootIndex == 0 }) {
                throw CloudError(.badRequest, "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.")
            }
            if let keyName = request.keyName, try tables.raw.row(kind: EmulatedKind.keypair.rawValue, id: "\(project)/\(keyName)") == nil {
                throw CloudError(.badRequest, "Invalid key_name provided.")
            }
            try tables.reserve(["instances": 1, "cores": flavor.vcpus, "ram": flavor.ramMB], project: project)
            let id = newID()
            var server = Server(
                id: id, name: request.name, projectID: project, flavorID: flavor.id, imageID: imageID, keyName: request.keyName,
                metadata: request.metadata, userData: request.userData, configDrive: request.configDrive,
                availabilityZone: request.availabilityZone ?? "nova", hostID: Self.hostID(project: project, server: id), createdAt: tables.now)
            server.schedulerHints = request.schedulerHints
            server.tags = request.tags
            try tables.plugNetworks(&server, request: request)
            server.securityGroups = request.securityGroups.isEmpty ? ["default"] : request.securityGroups
            try tables.mapBlockDevices(&server, request.blockDevices, project: project)
            if let groupID = request.schedulerHints["group"] {
                guard var group: ServerGroup = try tables.get(.servergroup, groupID) else {
                    throw CloudError(.badRequest, "Invalid input for field/attribute group. Value: \(groupID).")
                }
                group.members.append(id)
                try tables.put(.servergroup, group.id, group, project: project, name: group.name)
                server.serverGroupID = group.id
            }
            let outcome = fails ? "ERROR" : "ACTIVE"
            if fails { server.fault = "No valid host was found. There are not enough hosts available." }
            if let ready {
                server.status = "BUILD"
                server.pendingStatus = outcome
                server.readyAt = ready
            } else {
                server.status = outcome
                server.launchedAt = fails ? nil : tables.now
            }
            try tables.putServer(server)
            try tables.remember(token: request.clientToken, id: id, project: project)
            return try tables.serverView(server)
        }
    }

    static func hostID(project: String, server: String) -> String {
        SHA256.hash(data: Data("\(project)-host-\(server.prefix(2))".utf8)).prefix(28).map { String(format: "%02x", $0) }.joined()
    }

    func updateServer(id: String, _ update: ServerUpdate) async throws -> Server {
        let project = projectID
        return try await write { tables in
            var server = try tables.settledServer(id, project: project)
            if let name = update.name { server.name = name }
            if let metadata = update.metadata { server.metadata = metadata }
            if let tags = update.tags { server.tags = tags }
            server.updatedAt = tables.now
            try tables.putServer(server)
            return try tables.serverView(server)
        }
    }

    func performAction(_ action: ServerAction, serverID: String) async throws {
        try cloud.injectFault("server.action")
        let ready = cloud.readyTime("server", from: cloud.clock())
        let project = projectID
        try await write { tables in
            var server = try tables.settledServer(serverID, project: project)
            func require(_ allowed: Set<String>, _ name: String) throws {
                guard allowed.contains(server.status) else {
                    throw CloudError(.conflict, "Cannot '\(name)' instance \(server.id) while it is in vm_state \(server.vmState)")
                }
            }
            func pending(_ now: String, _ then: String) {
                if let ready {
                    server.status = now
                    server.pendingStatus = then
                    server.readyAt = ready
                } else {
                    server.status = then
                }
            }
            switch action {
            case .reboot(let hard):
                try require(hard ? ["ACTIVE", "SHUTOFF", "ERROR", "SUSPENDED", "PAUSED"] : ["ACTIVE"], "reboot")
                server.status = "ACTIVE"
            case .stop:
                try require(["ACTIVE", "ERROR"], "stop")
                server.status = "SHUTOFF"
            case .start:
                try require(["SHUTOFF"], "start")
                server.status = "ACTIVE"
            case .suspend:
                try require(["ACTIVE", "SHUTOFF"], "suspend")
                server.status = "SUSPENDED"
            case .resume:
                try require(["SUSPENDED"], "resume")
                server.status = "ACTIVE"
            case .pause:
                try require(["ACTIVE"], "pause")
                server.status = "PAUSED"
            case .unpause:
                try require(["PAUSED"], "unpause")
                server.status = "ACTIVE"
            case .resize(let flavorID):
                try require(["ACTIVE", "SHUTOFF"], "resize")
                guard let flavor = try tables.flavor(flavorID) else { throw CloudError(.badRequest, "Flavor \(flavorID) could not be found.") }
                guard flavor.id != server.flavorID else { throw CloudError(.badRequest, "When resizing, instances must change flavor!") }
                let old = try tables.flavor(server.flavorID)
                try tables.reserve(["cores": flavor.vcpus - (old?.vcpus ?? 0), "ram": flavor.ramMB - (old?.ramMB ?? 0)], project: project)
                server.previousFlavorID = server.flavorID
                server.flavorID = flavor.id
                pending("RESIZE", "VERIFY_RESIZE")
            case .confirmResize:
                try require(["VERIFY_RESIZE"], "confirmResize")
                server.previousFlavorID = nil
                server.status = "ACTIVE"
            case .revertResize:
                try require(["VERIFY_RESIZE"], "revertResize")
                if let previous = server.previousFlavorID, let old = try tables.flavor(previous), let new = try tables.flavor(server.flavorID) {
                    try tables.release(["cores": new.vcpus - old.vcpus, "ram": new.ramMB - old.ramMB], project: project)
                    server.flavorID = previous
                }
                server.previousFlavorID = nil
                server.status = "ACTIVE"
            case .rebuild(let imageID, let name):
                try require(["ACTIVE", "SHUTOFF", "ERROR"], "rebuild")
                guard let image = try tables.image(imageID, project: project) else {
                    throw CloudError(.badRequest, "Image \(imageID) could not be found.")
                }
                server.imageID = image.id
                if let name { server.name = name }
                server.fault = nil
                pending("REBUILD", "ACTIVE")
            }
            server.updatedAt = tables.now
            try tables.putServer(server)
        }
    }

    func deleteServer(id: String) async throws {
        try cloud.injectFault("server.delete")
        let project = projectID
        try await write { tables in
            guard let server: Server = try tables.get(.server, id), server.projectID == project else { return }
            try tables.removeServer(server)
        }
    }

    func waitForServer(id: String, statuses: Set<String>, untilGone: Bool, timeout: Double) async throws -> Server? {
        let project = projectID
        return try await wait("server \(id)", timeout: timeout) { tables -> (done: Server??, next: Date?) in
            guard let stored: Server = try tables.get(.server, id), stored.projectID == project else {
                if untilGone { return (.some(nil), nil) }
                throw CloudError(.notFound, "Instance \(id) could not be found.")
            }
            let server = try tables.serverView(stored)
            if !untilGone, statuses.contains(server.status) { return (.some(server), nil) }
            if server.status == "ERROR", !statuses.contains("ERROR") {
                throw CloudError(.failedState, server.fault ?? "Unknown")
            }
            return (nil, server.readyAt)
        }
    }

    // MARK: Attachments

    func attachVolume(serverID: String, volumeID: String, device: String?) async throws -> VolumeAttachmentInfo {
        try cloud.injectFault("volume.attach")
        let project = projectID
        return try await write { tables in
            var server = try tables.settledServer(serverID, project: project)
            guard ["ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED"].contains(server.status) else {
                throw CloudError(.conflict, "Cannot 'attach_volume' instance \(server.id) while it is in vm_state \(server.vmState)")
            }
            let attachment = try tables.attach(volumeID: volumeID, to: &server, device: device, project: project)
            try tables.putServer(server)
            return attachment
        }
    }

    func detachVolume(serverID: String, volumeID: String) async throws {
        try cloud.injectFault("volume.detach")
        let project = projectID
        try await write { tables in
            var server = try tables.settledServer(serverID, project: project)
            guard server.volumesAttached.contains(volumeID) else {
                throw CloudError(.notFound, "volume_id not found: \(volumeID)")
            }
            try tables.detach(volumeID: volumeID, from: &server)
            try tables.putServer(server)
        }
    }

    func volumeAttachments(serverID: String) async throws -> [VolumeAttachmentInfo] {
        let project = projectID
        return try await read { tables in
            let server = try tables.settledServer(serverID, project: project)
            return try server.volumesAttached.compactMap { volumeID -> VolumeAttachmentInfo? in
                guard let volume: Volume = try tables.get(.volume, volumeID),
                      let attachment = volume.attachments.first(where: { $0.serverID == server.id }) else { return nil }
                return VolumeAttachmentInfo(id: attachment.id, serverID: server.id, volumeID: volumeID, device: attachment.device)
            }
        }
    }

    func attachInterface(serverID: String, portID: String?, networkID: String?, fixedIP: String?) async throws -> NetworkPort {
        try cloud.injectFault("server.action")
        let project = projectID
        return try await write { tables in
            var server = try tables.settledServer(serverID, project: project)
            let request = ServerNetworkRequest(networkID: networkID, portID: portID, fixedIP: fixedIP)
            let port = try tables.plug(request, into: &server, securityGroups: nil)
            try tables.putServer(server)
            return port
        }
    }

    func detachInterface(serverID: String, portID: String) async throws {
        let project = projectID
        try await write { tables in
            var server = try tables.settledServer(serverID, project: project)
            guard server.portIDs.contains(portID) else {
                throw CloudError(.notFound, "Port \(portID) is not attached")
            }
            try tables.unplug(portID: portID, from: &server)
            try tables.putServer(server)
        }
    }
}

extension Tables {
    func flavor(_ idOrName: String) throws -> Flavor? {
        if let flavor: Flavor = try get(.flavor, idOrName) { return flavor }
        return try (named(.flavor, idOrName) as [Flavor]).first
    }

    func image(_ idOrName: String, project: String) throws -> Image? {
        try find(.image, idOrName, project: project, label: "image") { (image: Image) in
            image.visibility == "public" || image.visibility == "community" || image.ownerProjectID == project
        }
    }

    func putServer(_ server: Server) throws {
        try put(.server, server.id, server, project: server.projectID, name: server.name, createdAt: server.createdAt)
    }

    /// The server with the status due now (a pending transition whose time has come is done).
    func settle(_ server: Server) -> Server {
        guard let pending = server.pendingStatus, let ready = server.readyAt, ready <= now else { return server }
        var server = server
        server.status = pending
        server.pendingStatus = nil
        server.readyAt = nil
        if pending == "ACTIVE", server.launchedAt == nil { server.launchedAt = ready }
        return server
    }

    func settledServer(_ id: String, project: String) throws -> Server {
        guard let server: Server = try get(.server, id), server.projectID == project else {
            throw CloudError(.notFound, "Instance \(id) could not be found.")
        }
        return settle(server)
    }

    /// The server as Nova shows it: its status due now, its addresses from its ports and their floating IPs.
    func serverView(_ stored: Server) throws -> Server {
        var server = settle(stored)
        var addresses: [String: [ServerAddress]] = [:]
        var networkNames: [String: String] = [:]
        for portID in server.portIDs {
            guard let port: NetworkPort = try get(.port, portID) else { continue }
            let networkName: String
            if let known = networkNames[port.networkID] {
                networkName = known
            } else {
                let network: Network? = try get(.network, port.networkID)
                networkName = network?.name.isEmpty == false ? network!.name : port.networkID
                networkNames[port.networkID] = networkName
            }
            for fixed in port.fixedIPs {
                let version = IPAddress(fixed.ipAddress)?.version ?? 4
                addresses[networkName, default: []].append(
                    ServerAddress(address: fixed.ipAddress, version: version, type: "fixed", macAddress: port.macAddress, portID: port.id))
            }
            for floating in try all(.floatingip, parent: port.id) as [FloatingIP] {
                addresses[networkName, default: []].append(
                    ServerAddress(address: floating.floatingIPAddress, version: 4, type: "floating", macAddress: port.macAddress, portID: port.id))
            }
        }
        server.addresses = addresses
        return server
    }

    /// Attaches the networks a new server asks for.
    func plugNetworks(_ server: inout Server, request: ServerRequest) throws {
        var networks = request.networks
        if networks.isEmpty, request.autoNetwork {
            let candidates = (try all(.network) as [Network]).filter { !$0.external && ($0.projectID == server.projectID || $0.shared) }
            if candidates.count > 1 {
                throw CloudError(.conflict, "Multiple possible networks found, use a Network ID to be more specific.")
            }
            networks = candidates.map { ServerNetworkRequest(networkID: $0.id) }
        }
        for network in networks {
            _ = try plug(network, into: &server, securityGroups: request.securityGroups.isEmpty ? nil : request.securityGroups)
        }
    }

    /// Binds a port (or a new one on a network) to the server.
    func plug(_ request: ServerNetworkRequest, into server: inout Server, securityGroups: [String]?) throws -> NetworkPort {
        if let portID = request.portID {
            var port = try requirePort(portID, project: server.projectID)
            guard port.deviceID.isEmpty else { throw CloudError(.conflict, "Port \(port.id) is still in use.") }
            port.deviceID = server.id
            port.deviceOwner = "compute:\(server.availabilityZone)"
            port.status = "ACTIVE"
            port.updatedAt = now
            try putPort(port)
            server.portIDs.append(port.id)
            return port
        }
        guard let networkID = request.networkID else {
            throw CloudError(.badRequest, "Bad networks format: a network uuid or a port id is required")
        }
        let network = try requireNetwork(networkID, project: server.projectID)
        var fixed: [FixedIPRequest]?
        if request.fixedIP != nil || request.subnetID != nil {
            fixed = [FixedIPRequest(subnetID: request.subnetID, ipAddress: request.fixedIP)]
        }
        let port = try makePort(
            PortRequest(networkID: network.id, fixedIPs: fixed, securityGroupIDs: securityGroups, deviceID: server.id,
                        deviceOwner: "compute:\(server.availabilityZone)"),
            project: server.projectID)
        server.portIDs.append(port.id)
        server.ownedPortIDs.append(port.id)
        return port
    }

    func unplug(portID: String, from server: inout Server) throws {
        server.portIDs.removeAll { $0 == portID }
        guard let port: NetworkPort = try get(.port, portID) else { return }
        if server.ownedPortIDs.contains(portID) {
            server.ownedPortIDs.removeAll { $0 == portID }
            try removePort(port)
        } else {
            var port = port
            port.deviceID = ""
            port.deviceOwner = ""
            port.status = "DOWN"
            port.updatedAt = now
            try putPort(port)
        }
    }

    /// Volumes for `block_device_mapping_v2`: made from an image or blank, or existing ones attached.
    func mapBlockDevices(_ server: inout Server, _ devices: [BlockDeviceRequest], project: String) throws {
        for (index, device) in devices.enumerated() where device.destinationType == "volume" {
            let name = device.deviceName ?? (device.bootIndex == 0 ? "/dev/vda" : nil)
            if device.sourceType == "volume" {
                guard let id = device.uuid else { throw CloudError(.badRequest, "Block Device Mapping is Invalid: a volume uuid is required.") }
                _ = try attach(volumeID: id, to: &server, device: name, project: project, bootable: device.bootIndex == 0)
                if device.deleteOnTermination { server.ownedVolumeIDs.append(id) }
                continue
            }
            guard let size = device.volumeSizeGB, size > 0 else {
                throw CloudError(.badRequest, "Block Device Mapping is Invalid: You specified more local devices than the limit allows")
            }
            var imageID: String?
            if device.sourceType == "image" {
                guard let uuid = device.uuid, let image = try image(uuid, project: project) else {
                    throw CloudError(.badRequest, "Block Device Mapping is Invalid: failed to get image \(device.uuid ?? "").")
                }
                imageID = image.id
            }
            let volume = try makeVolume(
                VolumeRequest(name: "", sizeGB: size, imageID: imageID), project: project, status: "available", ready: nil)
            _ = try attach(volumeID: volume.id, to: &server, device: name, project: project, bootable: device.bootIndex == 0)
            if device.deleteOnTermination { server.ownedVolumeIDs.append(volume.id) }
            _ = index
        }
    }

    /// Marks the volume in use by the server at the next free device name.
    func attach(volumeID: String, to server: inout Server, device: String?, project: String, bootable: Bool = false) throws -> VolumeAttachmentInfo {
        guard var volume: Volume = try get(.volume, volumeID), volume.projectID == project else {
            throw CloudError(.notFound, "Volume \(volumeID) could not be found.")
        }
        volume = settle(volume)
        let free = volume.status == "available" || (volume.multiattach && volume.status == "in-use")
        guard free else {
            throw CloudError(
                .badRequest,
                "Invalid volume: Volume \(volume.id) status must be available or downloading to reserve, but the current status is \(volume.status).")
        }
        guard !server.volumesAttached.contains(volume.id) else {
            throw CloudError(.conflict, "Volume \(volume.id) is already attached to instance \(server.id)")
        }
        var used: Set<String> = server.imageID != nil ? ["/dev/vda"] : []
        for id in server.volumesAttached {
            if let other: Volume = try get(.volume, id), let attachment = other.attachments.first(where: { $0.serverID == server.id }) {
                used.insert(attachment.device)
            }
        }
        let name: String
        if let device, !device.isEmpty, device != "auto", !used.contains(device.hasPrefix("/dev/") ? device : "/dev/" + device) {
            name = device.hasPrefix("/dev/") ? device : "/dev/" + device
        } else {
            let letters = "bcdefghijklmnopqrstuvwxyz".map { "/dev/vd\($0)" }
            guard let next = (bootable && !used.contains("/dev/vda") ? ["/dev/vda"] : letters).first(where: { !used.contains($0) }) else {
                throw CloudError(.badRequest, "No free disk device names for prefix 'vd'")
            }
            name = next
        }
        let attachment = Volume.Attachment(id: newID(), serverID: server.id, device: name, attachedAt: now)
        volume.attachments.append(attachment)
        volume.status = "in-use"
        if bootable { volume.bootable = true }
        volume.updatedAt = now
        try putVolume(volume)
        server.volumesAttached.append(volume.id)
        return VolumeAttachmentInfo(id: attachment.id, serverID: server.id, volumeID: volume.id, device: name)
    }

    func detach(volumeID: String, from server: inout Server) throws {
        server.volumesAttached.removeAll { $0 == volumeID }
        guard var volume: Volume = try get(.volume, volumeID) else { return }
        volume.attachments.removeAll { $0.serverID == server.id }
        volume.status = volume.attachments.isEmpty ? "available" : "in-use"
        volume.updatedAt = now
        try putVolume(volume)
    }

    /// Deletes a server: its own ports and delete-on-termination volumes go, others are freed.
    func removeServer(_ stored: Server) throws {
        var server = settle(stored)
        for portID in server.portIDs { try unplug(portID: portID, from: &server) }
        for volumeID in server.volumesAttached {
            try detach(volumeID: volumeID, from: &server)
            if server.ownedVolumeIDs.contains(volumeID), let volume: Volume = try get(.volume, volumeID) {
                try removeVolume(volume)
            }
        }
        if let groupID = server.serverGroupID, var group: ServerGroup = try get(.servergroup, groupID) {
            group.members.removeAll { $0 == server.id }
            try put(.servergroup, group.id, group, project: server.projectID, name: group.name)
        }
        let flavor = try flavor(server.flavorID)
        try release(["instances": 1, "cores": flavor?.vcpus ?? 0, "ram": flavor?.ramMB ?? 0], project: server.projectID)
        try delete(.server, server.id)
        try forgetTokens(of: server.id)
    }
}
