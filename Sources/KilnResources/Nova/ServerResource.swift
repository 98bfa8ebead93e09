import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Nova::Server`: boots a server and waits for ACTIVE. Name, metadata and tags update in
/// place; a new flavor resizes it (confirmed once VERIFY_RESIZE) unless
/// `flavor_update_policy: REPLACE`; a new image rebuilds it unless `image_update_policy:
/// REPLACE`; changed networks attach and detach interfaces; new user data replaces it
/// (`user_data_update_policy: IGNORE` keeps it).
public struct ServerResource: ResourcePlugin {
    public static let typeName = "OS::Nova::Server"
    static let networkFields: [String: PropertySchema] = [
        "network": PropertySchema(.string), "uuid": PropertySchema(.string), "subnet": PropertySchema(.string),
        "port": PropertySchema(.string), "fixed_ip": PropertySchema(.string), "floating_ip": PropertySchema(.string),
        "tag": PropertySchema(.string), "allocate_network": PropertySchema(.string),
        "port_extra_properties": PropertySchema(.map), "vif_model": PropertySchema(.string),
    ]
    static let deviceFields: [String: PropertySchema] = [
        "device_name": PropertySchema(.string), "volume_id": PropertySchema(.string), "image": PropertySchema(.string),
        "image_id": PropertySchema(.string), "snapshot_id": PropertySchema(.string), "swap_size": PropertySchema(.integer),
        "ephemeral_size": PropertySchema(.integer), "ephemeral_format": PropertySchema(.string),
        "source_type": PropertySchema(.string), "destination_type": PropertySchema(.string), "disk_bus": PropertySchema(.string),
        "device_type": PropertySchema(.string), "boot_index": PropertySchema(.integer), "volume_size": PropertySchema(.integer),
        "delete_on_termination": PropertySchema(.boolean),
    ]
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["networks"] = CloudPlugin.listOfMaps(networkFields, updateAllowed: true)
        schema.properties["block_device_mapping_v2"] = CloudPlugin.listOfMaps(deviceFields)
        schema.properties["block_device_mapping"] = CloudPlugin.listOfMaps(deviceFields)
        schema.properties["user_data_format"]?.defaultValue = "HEAT_CFNTOOLS"
        schema.properties["user_data_format"]?.allowedValues = ["HEAT_CFNTOOLS", "RAW", "SOFTWARE_CONFIG"]
        schema.properties["flavor_update_policy"]?.defaultValue = "RESIZE"
        schema.properties["flavor_update_policy"]?.allowedValues = ["RESIZE", "REPLACE"]
        schema.properties["image_update_policy"]?.defaultValue = "REBUILD"
        schema.properties["image_update_policy"]?.allowedValues = ["REBUILD", "REPLACE", "REBUILD_PRESERVE_EPHEMERAL"]
        schema.properties["user_data_update_policy"]?.defaultValue = "REPLACE"
        schema.properties["user_data_update_policy"]?.allowedValues = ["REPLACE", "IGNORE"]
        schema.properties["software_config_transport"]?.defaultValue = "POLL_SERVER_CFN"
        schema.properties["config_drive"]?.kind = .boolean
    }

    public init() {}

    /// How long a boot, resize or rebuild may take before the resource fails.
    static let timeout: Double = 3600

    static func networks(_ value: Value) -> [ServerNetworkRequest] {
        (value.listValue ?? []).map { item in
            let map = item.mapValue ?? [:]
            return ServerNetworkRequest(
                networkID: CloudPlugin.string(map["network"] ?? .null) ?? CloudPlugin.string(map["uuid"] ?? .null),
                portID: CloudPlugin.string(map["port"] ?? .null), fixedIP: CloudPlugin.string(map["fixed_ip"] ?? .null),
                subnetID: CloudPlugin.string(map["subnet"] ?? .null))
        }
    }

    static func blockDevices(_ resource: LiveResource) -> [BlockDeviceRequest] {
        var devices: [BlockDeviceRequest] = []
        for item in resource[property: "block_device_mapping_v2"].listValue ?? [] {
            let map = item.mapValue ?? [:]
            let image = CloudPlugin.string(map["image"] ?? .null) ?? CloudPlugin.string(map["image_id"] ?? .null)
            let volume = CloudPlugin.string(map["volume_id"] ?? .null), snapshot = CloudPlugin.string(map["snapshot_id"] ?? .null)
            if CloudPlugin.int(map["swap_size"] ?? .null) != nil || CloudPlugin.int(map["ephemeral_size"] ?? .null) != nil { continue }
            let source = map["source_type"]?.stringValue ?? (volume != nil ? "volume" : image != nil ? "image" : snapshot != nil ? "snapshot" : "blank")
            devices.append(BlockDeviceRequest(
                sourceType: source, destinationType: map["destination_type"]?.stringValue ?? "volume",
                uuid: volume ?? image ?? snapshot, volumeSizeGB: CloudPlugin.int(map["volume_size"] ?? .null),
                bootIndex: CloudPlugin.int(map["boot_index"] ?? .null), deviceName: CloudPlugin.string(map["device_name"] ?? .null),
                deleteOnTermination: CloudPlugin.bool(map["delete_on_termination"] ?? .null, default: false)))
        }
        for item in resource[property: "block_device_mapping"].listValue ?? [] {
            let map = item.mapValue ?? [:]
            guard let volume = CloudPlugin.string(map["volume_id"] ?? .null) else { continue }
            let device = CloudPlugin.string(map["device_name"] ?? .null)
            devices.append(BlockDeviceRequest(
                sourceType: "volume", destinationType: "volume", uuid: volume, bootIndex: device == "vda" || device == "/dev/vda" ? 0 : nil,
                deviceName: device, deleteOnTermination: CloudPlugin.bool(map["delete_on_termination"] ?? .null, default: false)))
        }
        return devices
    }

    static func userData(_ resource: LiveResource) -> String? {
        guard let text = resource[property: "user_data"].stringValue, !text.isEmpty else { return nil }
        return Data(text.utf8).base64EncodedString()
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let compute = try context.cloud().compute
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        guard let flavor = CloudPlugin.string(resource[property: "flavor"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property flavor not assigned")
        }
        let server = try await CloudPlugin.call(snapshot) {
            try await compute.createServer(ServerRequest(
                name: name, flavorID: flavor, imageID: CloudPlugin.string(snapshot[property: "image"]),
                keyName: CloudPlugin.string(snapshot[property: "key_name"]), metadata: CloudPlugin.stringMap(snapshot[property: "metadata"]),
                userData: Self.userData(snapshot), configDrive: CloudPlugin.bool(snapshot[property: "config_drive"], default: false),
                networks: Self.networks(snapshot[property: "networks"]), securityGroups: CloudPlugin.strings(snapshot[property: "security_groups"]),
                blockDevices: Self.blockDevices(snapshot), availabilityZone: CloudPlugin.string(snapshot[property: "availability_zone"]),
                schedulerHints: CloudPlugin.stringMap(snapshot[property: "scheduler_hints"]), tags: CloudPlugin.strings(snapshot[property: "tags"]),
                adminPass: CloudPlugin.string(snapshot[property: "admin_pass"]), clientToken: token))
        }
        resource.physicalID = server.id
        try await context.save(resource)
        let active = try await waitActive(resource, compute, statuses: ["ACTIVE"])
        Self.keep(active, in: &resource)
    }

    /// Waits for one of `statuses`; ERROR fails the resource as Heat words it.
    func waitActive(_ resource: LiveResource, _ compute: any ComputeService, statuses: Set<String>) async throws -> Server {
        guard let id = resource.physicalID else { throw ResourceFailure.failed("the server was not created") }
        do {
            guard let server = try await compute.waitForServer(id: id, statuses: statuses, untilGone: false, timeout: Self.timeout) else {
                throw ResourceFailure.failed("NotFound: resources.\(resource.name): Instance \(id) could not be found.")
            }
            return server
        } catch let error as CloudError where error.kind == .failedState {
            if error.message.hasPrefix("Timed out") { throw ResourceFailure.failed(error.message) }
            throw ResourceFailure.failed(
                "ResourceInError: resources.\(resource.name): Went to status ERROR due to \"Message: \(error.message), Code: 500\"")
        } catch let error as CloudError {
            throw CloudPlugin.failure(error, resource)
        }
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let compute = try context.cloud().compute
        func changed(_ name: String) -> Bool { resource[property: name] != previous[name] ?? .null }
        if changed("user_data"), resource[property: "user_data_update_policy"].stringValue != "IGNORE" {
            throw ResourceFailure.replacementNeeded("user_data changed")
        }
        if changed("flavor"), resource[property: "flavor_update_policy"].stringValue == "REPLACE" {
            throw ResourceFailure.replacementNeeded("flavor changed with flavor_update_policy REPLACE")
        }
        if changed("image"), resource[property: "image_update_policy"].stringValue == "REPLACE" {
            throw ResourceFailure.replacementNeeded("image changed with image_update_policy REPLACE")
        }
        let snapshot = resource
        let name = CloudPlugin.name(&resource)
        if changed("name") || changed("metadata") || changed("tags") {
            _ = try await CloudPlugin.call(snapshot) {
                try await compute.updateServer(id: id, ServerUpdate(
                    name: name, metadata: CloudPlugin.stringMap(snapshot[property: "metadata"]), tags: CloudPlugin.strings(snapshot[property: "tags"])))
            }
        }
        if changed("flavor"), let flavor = CloudPlugin.string(resource[property: "flavor"]) {
            try await CloudPlugin.call(snapshot) {
                guard let found = try await compute.flavor(flavor) else { throw CloudError(.badRequest, "Flavor \(flavor) could not be found.") }
                try await compute.performAction(.resize(flavorID: found.id), serverID: id)
            }
            _ = try await waitActive(resource, compute, statuses: ["VERIFY_RESIZE"])
            try await CloudPlugin.call(snapshot) { try await compute.performAction(.confirmResize, serverID: id) }
            _ = try await waitActive(resource, compute, statuses: ["ACTIVE"])
        }
        if changed("image"), let image = CloudPlugin.string(resource[property: "image"]) {
            try await CloudPlugin.call(snapshot) { try await compute.performAction(.rebuild(imageID: image, name: nil), serverID: id) }
            _ = try await waitActive(resource, compute, statuses: ["ACTIVE"])
        }
        if changed("networks") {
            let old = Self.networks(previous["networks"] ?? .null), new = Self.networks(resource[property: "networks"])
            let network = try context.cloud().network
            try await CloudPlugin.call(snapshot) {
                let ports = try await network.ports(networkID: nil, deviceID: id)
                for request in old where !new.contains(request) {
                    // The interface made for the old entry: its port, or a port on its network.
                    let match = ports.first { port in
                        if let portID = request.portID { return port.id == portID }
                        if let fixed = request.fixedIP { return port.fixedIPs.contains { $0.ipAddress == fixed } }
                        return port.networkID == request.networkID || request.networkID.map { _ in false } ?? false
                    }
                    if let match { try await compute.detachInterface(serverID: id, portID: match.id) }
                }
                for request in new where !old.contains(request) {
                    var networkID = request.networkID
                    if let named = networkID { networkID = try await network.network(named)?.id ?? named }
                    _ = try await compute.attachInterface(serverID: id, portID: request.portID, networkID: networkID, fixedIP: request.fixedIP)
                }
            }
        }
        let current = try await CloudPlugin.call(snapshot) { try await compute.server(id: id) }
        if let current { Self.keep(current, in: &resource) }
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let compute = try context.cloud().compute
        try await CloudPlugin.deleting(resource) {
            try await compute.deleteServer(id: id)
            _ = try await compute.waitForServer(id: id, statuses: [], untilGone: true, timeout: Self.timeout)
        }
    }

    public func suspend(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await act(&resource, context, .suspend, until: ["SUSPENDED"])
    }

    public func resume(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await act(&resource, context, .resume, until: ["ACTIVE"])
    }

    func act(_ resource: inout LiveResource, _ context: ResourceContext, _ action: ServerAction, until statuses: Set<String>) async throws {
        guard let id = resource.physicalID else { return }
        let compute = try context.cloud().compute
        if let server = try await CloudPlugin.call(resource, { try await compute.server(id: id) }), statuses.contains(server.status) { return }
        try await CloudPlugin.call(resource) { try await compute.performAction(action, serverID: id) }
        Self.keep(try await waitActive(resource, compute, statuses: statuses), in: &resource)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let compute = try context.cloud().compute
        guard let server = try await CloudPlugin.call(resource, { try await compute.server(id: id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Instance \(id) could not be found.")
        }
        guard server.status == "ACTIVE" else {
            throw ResourceFailure.failed("Error: resources.\(resource.name): ACTIVE status expected, found \(server.status)")
        }
        Self.keep(server, in: &resource)
    }

    /// Nova's view of the server for the attributes Heat derives from it.
    static func keep(_ server: Server, in resource: inout LiveResource) {
        var addresses: [String: Value] = [:], networks: [String: Value] = [:]
        var first: String?
        for name in server.addresses.keys.sorted() {
            let entries = server.addresses[name] ?? []
            addresses[name] = .list(entries.map { address in
                [
                    "addr": .string(address.address), "version": .int(address.version), "OS-EXT-IPS:type": .string(address.type),
                    "OS-EXT-IPS-MAC:mac_addr": .string(address.macAddress), "port": address.portID.map(Value.string) ?? .null,
                ]
            })
            networks[name] = .list(entries.map { .string($0.address) })
            if first == nil { first = entries.first { $0.type == "fixed" && $0.version == 4 }?.address ?? entries.first?.address }
        }
        var show = CloudPlugin.value(server).mapValue ?? [:]
        show["addresses"] = .map(addresses)
        show["user_data"] = nil
        resource.attributes = [
            "name": .string(server.name), "addresses": .map(addresses), "networks": .map(networks),
            "first_address": first.map(Value.string) ?? "", "accessIPv4": .string(server.accessIPv4), "accessIPv6": .string(server.accessIPv6),
            "instance_name": .string("instance-\(server.id.prefix(8))"),
            "console_urls": ["novnc": .string("http://127.0.0.1:6080/vnc_auto.html?token=\(server.id)")],
            "os_collect_config": .map([:]), "tags": .list(server.tags.map(Value.string)), "show": .map(show),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
