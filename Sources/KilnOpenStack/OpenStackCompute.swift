import Foundation
import KilnCloud
import KilnModel

/// Nova over REST (microversion 2.79).
extension OpenStackServices: ComputeService {
    static func flavor(_ json: Value) -> Flavor {
        Flavor(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", vcpus: json["vcpus"].int ?? 0,
               ramMB: json["ram"].int ?? 0, diskGB: json["disk"].int ?? 0, ephemeralGB: json["OS-FLV-EXT-DATA:ephemeral"].int ?? 0,
               swapMB: json["swap"].int ?? 0, isPublic: json["os-flavor-access:is_public"].bool ?? true)
    }

    func flavors() async throws -> [Flavor] {
        (try await api.list(.compute, "/flavors/detail", "flavors")).map(Self.flavor)
    }

    func flavor(_ idOrName: String) async throws -> Flavor? {
        let all = try await flavors()
        return all.first { $0.id == idOrName } ?? all.first { $0.name == idOrName }
    }

    func createFlavor(_ flavor: Flavor, tenants: [String]) async throws -> Flavor {
        var body: [String: Value] = [
            "name": .string(flavor.name), "vcpus": .int(flavor.vcpus), "ram": .int(flavor.ramMB), "disk": .int(flavor.diskGB),
            "OS-FLV-EXT-DATA:ephemeral": .int(flavor.ephemeralGB), "swap": .int(flavor.swapMB),
            "os-flavor-access:is_public": .bool(flavor.isPublic),
        ]
        if !flavor.id.isEmpty { body["id"] = .string(flavor.id) }
        var made = Self.flavor(try await api.call(.compute, "POST", "/flavors", body: ["flavor": .map(body)])["flavor"])
        if !flavor.isPublic {
            for tenant in tenants {
                _ = try await api.call(.compute, "POST", "/flavors/\(segment(made.id))/action",
                                       body: ["addTenantAccess": ["tenant": .string(tenant)]])
            }
        }
        if !flavor.extraSpecs.isEmpty { made = try await setFlavorExtraSpecs(id: made.id, flavor.extraSpecs) }
        return made
    }

    func setFlavorExtraSpecs(id: String, _ extraSpecs: [String: String]) async throws -> Flavor {
        let path = "/flavors/\(segment(id))/os-extra_specs"
        let current = try await api.call(.compute, "GET", path)["extra_specs"].mapValue ?? [:]
        for key in current.keys where extraSpecs[key] == nil {
            _ = try await api.call(.compute, "DELETE", "\(path)/\(segment(key))")
        }
        if !extraSpecs.isEmpty {
            _ = try await api.call(.compute, "POST", path, body: ["extra_specs": .map(extraSpecs.mapValues(Value.string))])
        }
        var flavor = Self.flavor(try await api.call(.compute, "GET", "/flavors/\(segment(id))")["flavor"])
        flavor.extraSpecs = extraSpecs
        return flavor
    }

    func deleteFlavor(id: String) async throws {
        do {
            _ = try await api.call(.compute, "DELETE", "/flavors/\(segment(id))")
        } catch let error as CloudError where error.kind == .notFound {}
    }

    static func keyPair(_ json: Value) -> KeyPair {
        KeyPair(name: json["name"].stringValue ?? "", publicKey: json["public_key"].stringValue ?? "",
                fingerprint: json["fingerprint"].stringValue ?? "", type: json["type"].stringValue ?? "ssh", createdAt: json["created_at"].date)
    }

    func keyPairs() async throws -> [KeyPair] {
        (try await api.list(.compute, "/os-keypairs", "keypairs")).map { Self.keyPair($0["keypair"]) }
    }

    func keyPair(named name: String) async throws -> KeyPair? {
        do {
            return Self.keyPair(try await api.call(.compute, "GET", "/os-keypairs/\(segment(name))")["keypair"])
        } catch let error as CloudError where error.kind == .notFound {
            return nil
        }
    }

    func createKeyPair(name: String, publicKey: String?, type: String) async throws -> (KeyPair, privateKey: String?) {
        var body: [String: Value] = ["name": .string(name), "type": .string(type)]
        if let publicKey { body["public_key"] = .string(publicKey) }
        let made = try await api.call(.compute, "POST", "/os-keypairs", body: ["keypair": .map(body)])["keypair"]
        return (Self.keyPair(made), made["private_key"].stringValue)
    }

    func deleteKeyPair(named name: String) async throws {
        try await api.call(.compute, "DELETE", "/os-keypairs/\(segment(name))")
    }

    static func group(_ json: Value) -> ServerGroup {
        ServerGroup(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "",
                    policies: json["policies"].strings.isEmpty ? [json["policy"].stringValue ?? ""] : json["policies"].strings,
                    rules: (json["rules"].mapValue ?? [:]).mapValues(\.plainText), members: json["members"].strings)
    }

    func serverGroups() async throws -> [ServerGroup] {
        (try await api.list(.compute, "/os-server-groups", "server_groups")).map(Self.group)
    }

    func serverGroup(id: String) async throws -> ServerGroup? {
        do { return Self.group(try await api.call(.compute, "GET", "/os-server-groups/\(id)")["server_group"]) } catch let error as CloudError where error.kind == .notFound { return nil }
    }

    func createServerGroup(name: String, policies: [String], rules: [String: String], clientToken: String?) async throws -> ServerGroup {
        var group: [String: Value] = ["name": .string(name), "policy": .string(policies.first ?? "anti-affinity")]
        // Microversion 2.64: one policy, and rules whose values are integers (max_server_per_host).
        if !rules.isEmpty { group["rules"] = .map(rules.mapValues { Int($0).map(Value.int) ?? .string($0) }) }
        let body: Value = ["server_group": .map(group)]
        return Self.group(try await api.call(.compute, "POST", "/os-server-groups", body: body)["server_group"])
    }

    func deleteServerGroup(id: String) async throws {
        try await api.call(.compute, "DELETE", "/os-server-groups/\(id)")
    }

    static func server(_ json: Value) -> Server {
        var server = Server(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["tenant_id"].stringValue ?? "",
            flavorID: json["flavor"]["id"].stringValue ?? json["flavor"]["original_name"].stringValue ?? "",
            imageID: json["image"]["id"].stringValue, keyName: json["key_name"].stringValue, status: json["status"].stringValue ?? "",
            metadata: json["metadata"].stringMap, availabilityZone: json["OS-EXT-AZ:availability_zone"].stringValue ?? "nova",
            hostID: json["hostId"].stringValue ?? "", createdAt: json["created"].date)
        server.updatedAt = json["updated"].date
        for (network, entries) in json["addresses"].mapValue ?? [:] {
            server.addresses[network] = (entries.listValue ?? []).map { entry in
                ServerAddress(address: entry["addr"].stringValue ?? "", version: entry["version"].int ?? 4,
                              type: entry["OS-EXT-IPS:type"].stringValue ?? "fixed", macAddress: entry["OS-EXT-IPS-MAC:mac_addr"].stringValue ?? "")
            }
        }
        server.securityGroups = (json["security_groups"].listValue ?? []).compactMap { $0["name"].stringValue }
        server.volumesAttached = (json["os-extended-volumes:volumes_attached"].listValue ?? []).compactMap { $0["id"].stringValue }
        server.tags = json["tags"].strings.filter { !$0.hasPrefix("kiln-token-") }
        server.accessIPv4 = json["accessIPv4"].stringValue ?? ""
        server.accessIPv6 = json["accessIPv6"].stringValue ?? ""
        server.fault = json["fault"]["message"].stringValue
        server.configDrive = json["config_drive"].bool ?? false
        if json["OS-SRV-USG:launched_at"].stringValue != nil { server.launchedAt = json["OS-SRV-USG:launched_at"].date }
        server.serverGroupID = json["server_groups"].strings.first
        return server
    }

    /// A Nova tag for a client token: at most 60 characters, no commas or slashes (an FNV-1a hash).
    static func tokenTag(_ token: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in token.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "kiln-token-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    func servers() async throws -> [Server] {
        (try await api.list(.compute, "/servers/detail", "servers")).map(Self.server)
    }

    func server(id: String) async throws -> Server? {
        do { return Self.server(try await api.call(.compute, "GET", "/servers/\(id)")["server"]) } catch let error as CloudError where error.kind == .notFound { return nil }
    }

    func createServer(_ request: ServerRequest) async throws -> Server {
        // A real cloud has no idempotency token: a server carrying the token in its metadata is the one made before.
        // The tag (Nova's list filters by tag, not by metadata) narrows the search; the metadata decides.
        if let token = request.clientToken {
            let found = (try await api.list(.compute, "/servers/detail" + query([("tags", Self.tokenTag(token))]), "servers"))
            if let made = found.map(Self.server).first(where: { $0.metadata[clientTokenKey] == token }) { return made }
        }
        guard let flavor = try await flavor(request.flavorID) else { throw CloudError(.badRequest, "Flavor \(request.flavorID) could not be found.") }
        var imageRef: String?
        if let image = request.imageID, !image.isEmpty {
            guard let found = try await self.image(image) else { throw CloudError(.badRequest, "Image \(image) could not be found.") }
            imageRef = found.id
        }
        var metadata = request.metadata
        var tags = request.tags
        if let token = request.clientToken {
            metadata[clientTokenKey] = token
            tags.append(Self.tokenTag(token))
        }
        var body: [String: Value] = [
            "name": .string(request.name), "flavorRef": .string(flavor.id), "metadata": .map(metadata.mapValues(Value.string)),
        ]
        if let imageRef { body["imageRef"] = .string(imageRef) }
        if let key = request.keyName { body["key_name"] = .string(key) }
        if let data = request.userData { body["user_data"] = .string(data) }
        if request.configDrive { body["config_drive"] = true }
        if let zone = request.availabilityZone { body["availability_zone"] = .string(zone) }
        if !tags.isEmpty { body["tags"] = .list(tags.map(Value.string)) }
        if !request.securityGroups.isEmpty { body["security_groups"] = .list(request.securityGroups.map { ["name": .string($0)] }) }
        if request.networks.isEmpty {
            body["networks"] = request.autoNetwork ? "auto" : "none"
        } else {
            var networks: [Value] = []
            for entry in request.networks {
                var map: [String: Value] = [:]
                if let port = entry.portID {
                    map["port"] = .string(port)
                } else if let name = entry.networkID {
                    guard let found = try await network(name) else { throw CloudError.notFound("Network", name) }
                    map["uuid"] = .string(found.id)
                } else if let subnet = entry.subnetID, let found = try await self.subnet(subnet) {
                    map["uuid"] = .string(found.networkID)
                }
                if let fixed = entry.fixedIP { map["fixed_ip"] = .string(fixed) }
                networks.append(.map(map))
            }
            body["networks"] = .list(networks)
        }
        if !request.blockDevices.isEmpty {
            body["block_device_mapping_v2"] = .list(request.blockDevices.map { device in
                var map: [String: Value] = ["source_type": .string(device.sourceType), "destination_type": .string(device.destinationType),
                                            "delete_on_termination": .bool(device.deleteOnTermination)]
                if let uuid = device.uuid { map["uuid"] = .string(uuid) }
                if let size = device.volumeSizeGB { map["volume_size"] = .int(size) }
                if let index = device.bootIndex { map["boot_index"] = .int(index) }
                if let name = device.deviceName { map["device_name"] = .string(name) }
                return .map(map)
            })
        }
        var whole: [String: Value] = ["server": .map(body)]
        if !request.schedulerHints.isEmpty { whole["os:scheduler_hints"] = .map(request.schedulerHints.mapValues(Value.string)) }
        let made = try await api.call(.compute, "POST", "/servers", body: .map(whole))
        guard let id = made["server"]["id"].stringValue else { throw CloudError(.serverError, "Nova answered the boot with no server id") }
        return try await server(id: id) ?? Server(id: id, name: request.name, projectID: "", flavorID: flavor.id, imageID: imageRef, createdAt: Date())
    }

    func updateServer(id: String, _ update: ServerUpdate) async throws -> Server {
        if let name = update.name { try await api.call(.compute, "PUT", "/servers/\(id)", body: ["server": ["name": .string(name)]]) }
        if update.metadata != nil || update.tags != nil {
            // Both calls replace the whole set: the client token's entries are kept.
            let json = try await api.call(.compute, "GET", "/servers/\(id)")["server"]
            if var metadata = update.metadata {
                if let token = json["metadata"][clientTokenKey].stringValue { metadata[clientTokenKey] = token }
                try await api.call(.compute, "PUT", "/servers/\(id)/metadata", body: ["metadata": .map(metadata.mapValues(Value.string))])
            }
            if let tags = update.tags {
                let kept = json["tags"].strings.filter { $0.hasPrefix("kiln-token-") }
                try await api.call(.compute, "PUT", "/servers/\(id)/tags", body: ["tags": .list((tags + kept).map(Value.string))])
            }
        }
        guard let server = try await server(id: id) else { throw CloudError(.notFound, "Instance \(id) could not be found.") }
        return server
    }

    func performAction(_ action: ServerAction, serverID: String) async throws {
        let body: Value
        switch action {
        case .reboot(let hard): body = ["reboot": ["type": hard ? "HARD" : "SOFT"]]
        case .stop: body = ["os-stop": .null]
        case .start: body = ["os-start": .null]
        case .suspend: body = ["suspend": .null]
        case .resume: body = ["resume": .null]
        case .pause: body = ["pause": .null]
        case .unpause: body = ["unpause": .null]
        case .resize(let flavor):
            guard let found = try await self.flavor(flavor) else { throw CloudError(.badRequest, "Flavor \(flavor) could not be found.") }
            body = ["resize": ["flavorRef": .string(found.id)]]
        case .confirmResize: body = ["confirmResize": .null]
        case .revertResize: body = ["revertResize": .null]
        case .rebuild(let image, let name):
            guard let found = try await self.image(image) else { throw CloudError(.badRequest, "Image \(image) could not be found.") }
            var rebuild: [String: Value] = ["imageRef": .string(found.id)]
            if let name { rebuild["name"] = .string(name) }
            body = ["rebuild": .map(rebuild)]
        }
        try await api.call(.compute, "POST", "/servers/\(serverID)/action", body: body)
    }

    func deleteServer(id: String) async throws {
        try await api.call(.compute, "DELETE", "/servers/\(id)")
    }

    func waitForServer(id: String, statuses: Set<String>, untilGone: Bool, timeout: Double) async throws -> Server? {
        try await api.poll("server \(id)", timeout: timeout) { () -> Server?? in
            guard let server = try await server(id: id) else {
                if untilGone { return .some(nil) }
                throw CloudError(.notFound, "Instance \(id) could not be found.")
            }
            // Nova shows a deleted server as DELETED (or SOFT_DELETED) for a moment before it is gone.
            if untilGone, ["DELETED", "SOFT_DELETED"].contains(server.status) { return .some(nil) }
            if !untilGone, statuses.contains(server.status) { return .some(server) }
            if server.status == "ERROR", !statuses.contains("ERROR") { throw CloudError(.failedState, server.fault ?? "Unknown") }
            return nil
        }
    }

    func attachVolume(serverID: String, volumeID: String, device: String?) async throws -> VolumeAttachmentInfo {
        var body: [String: Value] = ["volumeId": .string(volumeID)]
        if let device { body["device"] = .string(device) }
        let made = try await api.call(.compute, "POST", "/servers/\(serverID)/os-volume_attachments", body: ["volumeAttachment": .map(body)])
        let json = made["volumeAttachment"]
        return VolumeAttachmentInfo(id: json["id"].stringValue ?? volumeID, serverID: serverID, volumeID: volumeID, device: json["device"].stringValue ?? "")
    }

    func detachVolume(serverID: String, volumeID: String) async throws {
        try await api.call(.compute, "DELETE", "/servers/\(serverID)/os-volume_attachments/\(volumeID)")
    }

    func volumeAttachments(serverID: String) async throws -> [VolumeAttachmentInfo] {
        (try await api.list(.compute, "/servers/\(serverID)/os-volume_attachments", "volumeAttachments")).map { json in
            VolumeAttachmentInfo(id: json["id"].stringValue ?? "", serverID: serverID, volumeID: json["volumeId"].stringValue ?? "",
                                 device: json["device"].stringValue ?? "")
        }
    }

    /// Nova's os-interface: a port (or a new one on a network, with an address) plugged into the
    /// server; the port as Neutron then shows it.
    func attachInterface(serverID: String, portID: String?, networkID: String?, fixedIP: String?) async throws -> NetworkPort {
        var body: [String: Value] = [:]
        if let portID {
            body["port_id"] = .string(portID)
        } else if let networkID {
            guard let network = try await network(networkID) else { throw CloudError.notFound("Network", networkID) }
            body["net_id"] = .string(network.id)
            if let fixedIP { body["fixed_ips"] = [["ip_address": .string(fixedIP)]] }
        } else {
            throw CloudError(.badRequest, "Must input network_id or port_id")
        }
        let made = try await api.call(.compute, "POST", "/servers/\(serverID)/os-interface", body: ["interfaceAttachment": .map(body)])
        guard let id = made["interfaceAttachment"]["port_id"].stringValue else {
            throw CloudError(.serverError, "Nova answered the interface attachment with no port id")
        }
        guard let port = try await port(id) else { throw CloudError.notFound("Port", id) }
        return port
    }

    func detachInterface(serverID: String, portID: String) async throws {
        try await api.call(.compute, "DELETE", "/servers/\(serverID)/os-interface/\(portID)")
    }
}
