import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Nova's API (v2.1 up to microversion 2.79) over the cloud's compute service: servers and
/// their actions, flavors, key pairs, server groups, volume attachments, limits.
struct ComputeRoutes {
    let call: CloudCall
    var compute: any ComputeService { call.session.compute }

    func route() async throws -> Response {
        var path = call.path
        guard path.first == "v2.1" else { throw CloudError(.notFound, "The resource could not be found.") }
        path.removeFirst()
        if let tenant = path.first, tenant == call.token.projectID { path.removeFirst() }  // /v2.1/{project}/...
        let response = try await dispatch(path)
        var headers = response.headers
        headers[HTTPFields.Element.Name("OpenStack-API-Version")!] = "compute \(microversion)"
        headers[HTTPFields.Element.Name("X-OpenStack-Nova-API-Version")!] = microversion
        return Response(status: response.status, headers: headers, body: response.body)
    }

    /// The microversion asked for (`latest` is 2.79); 2.1 when none is.
    var microversion: String {
        let header = call.request.headers[HTTPFields.Element.Name("OpenStack-API-Version")!]
            .flatMap { $0.lowercased().hasPrefix("compute ") ? String($0.dropFirst(8)) : nil }
            ?? call.request.headers[HTTPFields.Element.Name("X-OpenStack-Nova-API-Version")!]
        guard let asked = header?.trimmingCharacters(in: .whitespaces) else { return "2.1" }
        return asked == "latest" ? "2.79" : asked
    }

    var minor: Int { Int(microversion.split(separator: ".").last ?? "1") ?? 1 }

    private func dispatch(_ path: [String]) async throws -> Response {
        switch (call.method, path.first, path.count) {
        case (.get, "servers", 1), (.get, "servers", 2) where path.count == 1 || path[1] == "detail":
            let detail = path.count == 2
            var servers = try await compute.servers()
            if let name = call.first("name") {
                servers = servers.filter { $0.name == name || $0.name.range(of: name, options: .regularExpression) != nil }
            }
            if let status = call.first("status") { servers = servers.filter { $0.status == status.uppercased() } }
            let images = try await imageNames()
            let flavors = try await compute.flavors()
            let body: [Value] = servers.map { detail ? serverJSON($0, flavors: flavors, images: images) : summary($0) }
            return .json(["servers": .list(body)])
        case (.post, "servers", 1):
            return try await createServer()
        case (.get, "servers", 2):
            return .json(["server": serverJSON(try await server(path[1]), flavors: try await compute.flavors(), images: try await imageNames())])
        case (.put, "servers", 2):
            let body = try await call.body("server")
            let updated = try await compute.updateServer(id: path[1], ServerUpdate(name: body["name"]?.stringValue))
            return .json(["server": serverJSON(updated, flavors: try await compute.flavors(), images: try await imageNames())])
        case (.put, "servers", 3) where path[2] == "metadata":
            let body = try await call.body()
            let metadata = (body["metadata"]?.mapValue ?? [:]).compactMapValues(\.stringValue)
            let updated = try await compute.updateServer(id: path[1], ServerUpdate(metadata: metadata))
            return .json(["metadata": .map(updated.metadata.mapValues(Value.string))])
        case (.post, "os-server-groups", 1):
            let body = try await call.body("server_group")
            let policies = body["policy"]?.stringValue.map { [$0] } ?? (body["policies"]?.listValue ?? []).compactMap(\.stringValue)
            let group = try await compute.createServerGroup(
                name: body["name"]?.stringValue ?? "", policies: policies, rules: (body["rules"]?.mapValue ?? [:]).compactMapValues(\.stringValue),
                clientToken: nil)
            return .json(["server_group": serverGroupJSON(group)])
        case (.delete, "os-server-groups", 2):
            try await compute.deleteServerGroup(id: path[1])
            return .empty(.noContent)
        case (.delete, "servers", 2):
            _ = try await server(path[1])
            try await compute.deleteServer(id: path[1])
            return .empty(.noContent)
        case (.post, "servers", 3) where path[2] == "action":
            try await action(path[1])
            return .empty(.accepted)
        case (.get, "servers", 3) where path[2] == "os-volume_attachments":
            let attachments = try await compute.volumeAttachments(serverID: path[1])
            return .json(["volumeAttachments": .list(attachments.map(attachmentJSON))])
        case (.post, "servers", 3) where path[2] == "os-volume_attachments":
            let body = try await call.body("volumeAttachment")
            guard let volume = body["volumeId"]?.stringValue else { throw CloudError(.badRequest, "volumeId is required") }
            let made = try await compute.attachVolume(serverID: path[1], volumeID: volume, device: body["device"]?.stringValue)
            return .json(["volumeAttachment": attachmentJSON(made)])
        case (.delete, "servers", 4) where path[2] == "os-volume_attachments":
            try await compute.detachVolume(serverID: path[1], volumeID: path[3])
            return .empty(.accepted)
        case (.get, "servers", 3) where path[2] == "os-interface":
            let ports = try await call.session.network.ports(networkID: nil, deviceID: path[1])
            return .json(["interfaceAttachments": .list(ports.map { port in
                ["port_id": .string(port.id), "net_id": .string(port.networkID), "mac_addr": .string(port.macAddress),
                 "port_state": .string(port.status),
                 "fixed_ips": .list(port.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] })]
            })])
        case (.post, "flavors", 1):
            let body = try await call.body("flavor")
            func int(_ key: String) -> Int? { body[key]?.numberValue.map { Int($0) } }
            guard let name = body["name"]?.stringValue, let vcpus = int("vcpus"), let ram = int("ram") else {
                throw CloudError(.badRequest, "Invalid input for field/attribute flavor: 'name', 'ram' and 'vcpus' are required properties")
            }
            let made = try await compute.createFlavor(
                Flavor(id: body["id"]?.stringValue ?? "", name: name, vcpus: vcpus, ramMB: ram, diskGB: int("disk") ?? 0,
                       ephemeralGB: int("OS-FLV-EXT-DATA:ephemeral") ?? 0, swapMB: int("swap") ?? 0,
                       isPublic: body["os-flavor-access:is_public"] != .bool(false)),
                tenants: [])
            return .json(["flavor": flavorJSON(made, detail: true)])
        case (.delete, "flavors", 2):
            guard try await compute.flavor(path[1]) != nil else { throw CloudError(.notFound, "Flavor \(path[1]) could not be found.") }
            try await compute.deleteFlavor(id: path[1])
            return .empty(.accepted)
        case (.post, "flavors", 3) where path[2] == "action":
            return .json(["flavor_access": []])
        case (_, "flavors", _) where path.count >= 3 && path[2] == "os-extra_specs":
            guard let flavor = try await compute.flavor(path[1]), flavor.id == path[1] else {
                throw CloudError(.notFound, "Flavor \(path[1]) could not be found.")
            }
            var specs = flavor.extraSpecs
            switch (call.method, path.count) {
            case (.get, 3): break
            case (.post, 3):
                for (key, value) in try await call.body("extra_specs") { specs[key] = value.stringValue ?? value.plainText }
                specs = try await compute.setFlavorExtraSpecs(id: flavor.id, specs).extraSpecs
            case (.delete, 4):
                guard specs.removeValue(forKey: path[3]) != nil else {
                    throw CloudError(.notFound, "Flavor \(flavor.id) has no extra specs with key \(path[3]).")
                }
                _ = try await compute.setFlavorExtraSpecs(id: flavor.id, specs)
                return .empty(.ok)
            default: throw CloudError(.notFound, "The resource could not be found.")
            }
            return .json(["extra_specs": .map(specs.mapValues(Value.string))])
        case (.get, "flavors", _):
            let flavors = try await compute.flavors()
            if path.count == 2, path[1] != "detail" {
                guard let flavor = flavors.first(where: { $0.id == path[1] }) else {
                    throw CloudError(.notFound, "Flavor \(path[1]) could not be found.")
                }
                return .json(["flavor": flavorJSON(flavor, detail: true)])
            }
            return .json(["flavors": .list(flavors.map { flavorJSON($0, detail: path.count == 2) })])
        case (.get, "os-keypairs", 1):
            return .json(["keypairs": .list(try await compute.keyPairs().map { ["keypair": keyPairJSON($0)] })])
        case (.get, "os-keypairs", 2):
            guard let pair = try await compute.keyPair(named: path[1]) else { throw CloudError(.notFound, "Keypair \(path[1]) not found for user") }
            return .json(["keypair": keyPairJSON(pair)])
        case (.post, "os-keypairs", 1):
            let body = try await call.body("keypair")
            guard let name = body["name"]?.stringValue else { throw CloudError(.badRequest, "Invalid input for field/attribute keypair: 'name' is a required property") }
            let (pair, privateKey) = try await compute.createKeyPair(
                name: name, publicKey: body["public_key"]?.stringValue, type: body["type"]?.stringValue ?? "ssh")
            var json = keyPairJSON(pair).mapValue ?? [:]
            if let privateKey { json["private_key"] = .string(privateKey) }
            return .json(["keypair": .map(json)], status: minor >= 2 ? .created : .ok)
        case (.delete, "os-keypairs", 2):
            try await compute.deleteKeyPair(named: path[1])
            return .empty(minor >= 2 ? .noContent : .accepted)
        case (.get, "os-server-groups", 1):
            return .json(["server_groups": .list(try await compute.serverGroups().map(serverGroupJSON))])
        case (.get, "os-server-groups", 2):
            guard let group = try await compute.serverGroup(id: path[1]) else { throw CloudError(.notFound, "Instance group \(path[1]) could not be found.") }
            return .json(["server_group": serverGroupJSON(group)])
        case (.get, "limits", 1):
            return .json(["limits": ["rate": [], "absolute": [
                "maxTotalInstances": 10, "maxTotalCores": 20, "maxTotalRAMSize": 51200, "maxTotalKeypairs": 100,
                "maxServerMeta": 128, "maxServerGroups": 10, "maxServerGroupMembers": 10,
                "totalInstancesUsed": .int(try await compute.servers().count),
                "totalCoresUsed": 0, "totalRAMUsed": 0, "totalServerGroupsUsed": .int(try await compute.serverGroups().count),
            ]]])
        case (.get, "os-availability-zone", _):
            return .json(["availabilityZoneInfo": [["zoneName": "nova", "zoneState": ["available": true], "hosts": .null]]])
        case (.get, "extensions", 1):
            return .json(["extensions": []])
        default:
            throw CloudError(.notFound, "The resource could not be found.")
        }
    }

    func server(_ id: String) async throws -> Server {
        guard let server = try await compute.server(id: id) else { throw CloudError(.notFound, "Instance \(id) could not be found.") }
        return server
    }

    func imageNames() async throws -> [String: String] {
        Dictionary(try await call.session.images.images().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    private func createServer() async throws -> Response {
        // The body is read once: a request's body can be iterated only once.
        let whole = try await call.body()
        guard let body = whole["server"]?.mapValue else {
            throw CloudError(.badRequest, "Malformed request body: the 'server' object is missing.")
        }
        guard let name = body["name"]?.stringValue, let flavorRef = body["flavorRef"]?.stringValue else {
            throw CloudError(.badRequest, "Invalid input for field/attribute server: 'name' and 'flavorRef' are required properties")
        }
        var networks: [ServerNetworkRequest] = []
        var auto = true
        switch body["networks"] {
        case .string(let mode)?: auto = mode == "auto"
        case .list(let items)?:
            networks = items.compactMap { item in
                guard let map = item.mapValue else { return nil }
                return ServerNetworkRequest(networkID: map["uuid"]?.stringValue, portID: map["port"]?.stringValue,
                                            fixedIP: map["fixed_ip"]?.stringValue)
            }
        default: break
        }
        let devices: [BlockDeviceRequest] = (body["block_device_mapping_v2"]?.listValue ?? []).compactMap { item in
            guard let map = item.mapValue else { return nil }
            return BlockDeviceRequest(
                sourceType: map["source_type"]?.stringValue ?? "image", destinationType: map["destination_type"]?.stringValue ?? "local",
                uuid: map["uuid"]?.stringValue, volumeSizeGB: map["volume_size"]?.numberValue.map { Int($0) },
                bootIndex: map["boot_index"]?.numberValue.map { Int($0) } ?? map["boot_index"]?.stringValue.flatMap { Int($0) },
                deviceName: map["device_name"]?.stringValue, deleteOnTermination: map["delete_on_termination"] == true)
        }
        let hints = (whole["os:scheduler_hints"]?.mapValue ?? [:]).compactMapValues(\.stringValue)
        let request = ServerRequest(
            name: name, flavorID: flavorRef, imageID: body["imageRef"]?.stringValue, keyName: body["key_name"]?.stringValue,
            metadata: (body["metadata"]?.mapValue ?? [:]).compactMapValues(\.stringValue), userData: body["user_data"]?.stringValue,
            configDrive: body["config_drive"] == true, networks: networks, autoNetwork: auto,
            securityGroups: (body["security_groups"]?.listValue ?? []).compactMap { $0.mapValue?["name"]?.stringValue },
            blockDevices: devices, availabilityZone: body["availability_zone"]?.stringValue, schedulerHints: hints,
            tags: (body["tags"]?.listValue ?? []).compactMap(\.stringValue), adminPass: body["adminPass"]?.stringValue)
        let server = try await compute.createServer(request)
        return .json(["server": [
            "id": .string(server.id), "links": links("servers", server.id), "OS-DCF:diskConfig": "MANUAL",
            "security_groups": .list(server.securityGroups.map { ["name": .string($0)] }), "adminPass": .string(request.adminPass ?? "kiln-emulated"),
        ]], status: .accepted)
    }

    private func action(_ id: String) async throws {
        let body = try await call.body()
        guard let name = body.keys.first else { throw CloudError(.badRequest, "No action given") }
        let argument = body[name]?.mapValue ?? [:]
        let action: ServerAction
        switch name {
        case "reboot": action = .reboot(hard: argument["type"]?.stringValue?.uppercased() == "HARD")
        case "os-stop": action = .stop
        case "os-start": action = .start
        case "suspend": action = .suspend
        case "resume": action = .resume
        case "pause": action = .pause
        case "unpause": action = .unpause
        case "resize":
            guard let flavor = argument["flavorRef"]?.stringValue else { throw CloudError(.badRequest, "flavorRef is required") }
            action = .resize(flavorID: flavor)
        case "confirmResize": action = .confirmResize
        case "revertResize": action = .revertResize
        case "rebuild":
            guard let image = argument["imageRef"]?.stringValue else { throw CloudError(.badRequest, "imageRef is required") }
            action = .rebuild(imageID: image, name: argument["name"]?.stringValue)
        default: throw CloudError(.badRequest, "There is no such action: \(name)")
        }
        try await compute.performAction(action, serverID: id)
    }

    func links(_ collection: String, _ id: String) -> Value {
        [["rel": "self", "href": .string("\(call.base)/v2.1/\(collection)/\(id)")],
         ["rel": "bookmark", "href": .string("\(call.base)/\(collection)/\(id)")]]
    }

    func summary(_ server: Server) -> Value {
        ["id": .string(server.id), "name": .string(server.name), "links": links("servers", server.id)]
    }

    func serverJSON(_ server: Server, flavors: [Flavor], images: [String: String]) -> Value {
        var addresses: [String: Value] = [:]
        for (network, entries) in server.addresses {
            addresses[network] = .list(entries.map { entry in
                ["addr": .string(entry.address), "version": .int(entry.version), "OS-EXT-IPS:type": .string(entry.type),
                 "OS-EXT-IPS-MAC:mac_addr": .string(entry.macAddress)]
            })
        }
        let flavor = flavors.first { $0.id == server.flavorID }
        let flavorValue: Value
        if minor >= 47, let flavor {
            flavorValue = ["vcpus": .int(flavor.vcpus), "ram": .int(flavor.ramMB), "disk": .int(flavor.diskGB),
                           "ephemeral": .int(flavor.ephemeralGB), "swap": .int(flavor.swapMB), "original_name": .string(flavor.name),
                           "extra_specs": .map(flavor.extraSpecs.mapValues(Value.string))]
        } else {
            flavorValue = ["id": .string(server.flavorID), "links": links("flavors", server.flavorID)]
        }
        var json: [String: Value] = [
            "id": .string(server.id), "name": .string(server.name), "status": .string(server.status),
            "tenant_id": .string(server.projectID), "user_id": .string(call.token.userID),
            "metadata": .map(server.metadata.mapValues(Value.string)), "hostId": .string(server.hostID),
            "image": server.imageID.map { ["id": .string($0), "links": links("images", $0)] } ?? "",
            "flavor": flavorValue, "created": CloudTime.iso(server.createdAt), "updated": CloudTime.iso(server.updatedAt),
            "addresses": .map(addresses), "accessIPv4": .string(server.accessIPv4), "accessIPv6": .string(server.accessIPv6),
            "links": links("servers", server.id), "OS-DCF:diskConfig": "MANUAL",
            "progress": .int(server.status == "BUILD" ? 0 : 100), "OS-EXT-AZ:availability_zone": .string(server.availabilityZone),
            "config_drive": server.configDrive ? "True" : "", "key_name": Value(server.keyName),
            "OS-SRV-USG:launched_at": server.launchedAt.map(CloudTime.micro) ?? .null, "OS-SRV-USG:terminated_at": .null,
            "security_groups": .list(server.securityGroups.map { ["name": .string($0)] }),
            "OS-EXT-STS:task_state": server.pendingStatus == nil ? .null : .string(server.status == "BUILD" ? "spawning" : server.status.lowercased()),
            "OS-EXT-STS:vm_state": .string(server.vmState), "OS-EXT-STS:power_state": .int(server.powerState),
            "os-extended-volumes:volumes_attached": .list(server.volumesAttached.map {
                ["id": .string($0), "delete_on_termination": .bool(server.ownedVolumeIDs.contains($0))]
            }),
            "locked": false, "description": .null, "tags": .list(server.tags.map(Value.string)),
            "trusted_image_certificates": .null, "server_groups": .list(server.serverGroupID.map { [.string($0)] } ?? []),
            "locked_reason": .null, "OS-EXT-SRV-ATTR:hostname": .string(server.name.lowercased()),
        ]
        if let fault = server.fault, server.status == "ERROR" {
            json["fault"] = ["code": 500, "created": CloudTime.iso(server.updatedAt), "message": .string(fault)]
        }
        _ = images
        return .map(json)
    }

    func flavorJSON(_ flavor: Flavor, detail: Bool) -> Value {
        var json: [String: Value] = ["id": .string(flavor.id), "name": .string(flavor.name), "links": links("flavors", flavor.id)]
        guard detail else { return .map(json) }
        json["vcpus"] = .int(flavor.vcpus)
        json["ram"] = .int(flavor.ramMB)
        json["disk"] = .int(flavor.diskGB)
        json["OS-FLV-EXT-DATA:ephemeral"] = .int(flavor.ephemeralGB)
        json["swap"] = flavor.swapMB == 0 ? "" : .int(flavor.swapMB)
        json["os-flavor-access:is_public"] = .bool(flavor.isPublic)
        json["OS-FLV-DISABLED:disabled"] = false
        json["rxtx_factor"] = 1.0
        json["description"] = .null
        if minor >= 61 { json["extra_specs"] = .map(flavor.extraSpecs.mapValues(Value.string)) }
        return .map(json)
    }

    func keyPairJSON(_ pair: KeyPair) -> Value {
        ["name": .string(pair.name), "public_key": .string(pair.publicKey), "fingerprint": .string(pair.fingerprint),
         "type": .string(pair.type), "user_id": .string(call.token.userID), "created_at": CloudTime.micro(pair.createdAt),
         "deleted": false, "deleted_at": .null, "updated_at": .null, "id": 1]
    }

    func serverGroupJSON(_ group: ServerGroup) -> Value {
        ["id": .string(group.id), "name": .string(group.name), "policies": .list(group.policies.map(Value.string)),
         "policy": .string(group.policies.first ?? ""), "rules": .map(group.rules.mapValues(Value.string)),
         "members": .list(group.members.map(Value.string)), "metadata": [:], "project_id": .string(call.token.projectID),
         "user_id": .string(call.token.userID)]
    }

    func attachmentJSON(_ attachment: VolumeAttachmentInfo) -> Value {
        ["id": .string(attachment.volumeID), "serverId": .string(attachment.serverID), "volumeId": .string(attachment.volumeID),
         "device": .string(attachment.device), "tag": .null, "delete_on_termination": false, "attachment_id": .string(attachment.id)]
    }
}
