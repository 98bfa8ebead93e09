import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Nova::Server`: boots a server and waits for ACTIVE. Every name the template gives
/// (flavor, image, key, networks, subnets, ports, floating IPs, volumes, server group) is
/// located first, so a wrong one fails before anything is made. Name, metadata and tags
/// update in place; a new flavor resizes it (confirmed once VERIFY_RESIZE) unless
/// `flavor_update_policy: REPLACE`; a new image rebuilds it unless `image_update_policy:
/// REPLACE`; changed networks attach and detach interfaces; new user data replaces it
/// (`user_data_update_policy: IGNORE` keeps it). A replacement takes over the ports and fixed
/// addresses its networks name from the server it replaces, as Heat's preparation for
/// replacement does, and gives them back if it cannot be made.
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

    /// A `networks` entry with the names it gives resolved to ids, and what it became: the
    /// server's port for it. Kept in `data["interfaces"]` (keyed by the entry as written) so an
    /// update detaches exactly the interface an entry made.
    struct Interface {
        var entry: Value
        var request: ServerNetworkRequest
        var floatingIP: String?
    }

    /// The entries of `networks`, located: `network`/`uuid`, `subnet`, `port` and `floating_ip`
    /// may be names or ids; a subnet alone puts the server on the subnet's network.
    static func interfaces(_ value: Value, _ resource: LiveResource, _ cloud: CloudSession) async throws -> [Interface] {
        var result: [Interface] = []
        for (index, entry) in (value.listValue ?? []).enumerated() {
            let map = entry.mapValue ?? [:]
            if map["allocate_network"].flatMap(CloudPlugin.string) != nil { continue }
            let path = "networks[\(index)]"
            var networkID = try await CloudPlugin.locate(.network, map["network"] ?? map["uuid"] ?? .null, property: "\(path).network", of: resource, in: cloud)
            let subnetID = try await CloudPlugin.locate(.subnet, map["subnet"] ?? .null, property: "\(path).subnet", of: resource, in: cloud)
            if networkID == nil, let subnetID {
                networkID = try await CloudPlugin.call(resource) { try await cloud.network.subnet(subnetID)?.networkID }
            }
            let portID = try await CloudPlugin.locate(.port, map["port"] ?? .null, property: "\(path).port", of: resource, in: cloud)
            let floating = try await CloudPlugin.locate(.floatingIP, map["floating_ip"] ?? .null, property: "\(path).floating_ip", of: resource, in: cloud)
            result.append(Interface(
                entry: entry,
                request: ServerNetworkRequest(networkID: portID == nil ? networkID : nil, portID: portID,
                                              fixedIP: CloudPlugin.string(map["fixed_ip"] ?? .null), subnetID: subnetID),
                floatingIP: floating))
        }
        return result
    }

    static func blockDevices(_ resource: LiveResource, _ cloud: CloudSession) async throws -> [BlockDeviceRequest] {
        var devices: [BlockDeviceRequest] = []
        for (index, item) in (resource[property: "block_device_mapping_v2"].listValue ?? []).enumerated() {
            let map = item.mapValue ?? [:]
            let path = "block_device_mapping_v2[\(index)]"
            let image = try await CloudPlugin.locate(.image, map["image"] ?? map["image_id"] ?? .null, property: "\(path).image", of: resource, in: cloud)
            let volume = try await CloudPlugin.locate(.volume, map["volume_id"] ?? .null, property: "\(path).volume_id", of: resource, in: cloud)
            let snapshot = CloudPlugin.string(map["snapshot_id"] ?? .null)
            if CloudPlugin.int(map["swap_size"] ?? .null) != nil || CloudPlugin.int(map["ephemeral_size"] ?? .null) != nil { continue }
            let source = map["source_type"]?.stringValue ?? (volume != nil ? "volume" : image != nil ? "image" : snapshot != nil ? "snapshot" : "blank")
            devices.append(BlockDeviceRequest(
                sourceType: source, destinationType: map["destination_type"]?.stringValue ?? "volume",
                uuid: volume ?? image ?? snapshot, volumeSizeGB: CloudPlugin.int(map["volume_size"] ?? .null),
                bootIndex: CloudPlugin.int(map["boot_index"] ?? .null), deviceName: CloudPlugin.string(map["device_name"] ?? .null),
                deleteOnTermination: CloudPlugin.bool(map["delete_on_termination"] ?? .null, default: false)))
        }
        for (index, item) in (resource[property: "block_device_mapping"].listValue ?? []).enumerated() {
            let map = item.mapValue ?? [:]
            guard let volume = try await CloudPlugin.locate(
                .volume, map["volume_id"] ?? .null, property: "block_device_mapping[\(index)].volume_id", of: resource, in: cloud) else { continue }
            let device = CloudPlugin.string(map["device_name"] ?? .null)
            devices.append(BlockDeviceRequest(
                sourceType: "volume", destinationType: "volume", uuid: volume, bootIndex: device == "vda" || device == "/dev/vda" ? 0 : nil,
                deviceName: device, deleteOnTermination: CloudPlugin.bool(map["delete_on_termination"] ?? .null, default: false)))
        }
        return devices
    }

    /// The user data Nova gets (base64), built per `user_data_format`: RAW as written;
    /// SOFTWARE_CONFIG reads the software config `user_data` names (its `config` text) and
    /// HEAT_CFNTOOLS wraps the text for heat-cfntools, both as Heat's multipart MIME.
    static func userData(_ resource: LiveResource, _ context: ResourceContext) async throws -> String? {
        var text = resource[property: "user_data"].stringValue ?? ""
        let format = resource[property: "user_data_format"].stringValue ?? "HEAT_CFNTOOLS"
        if format == "RAW" {
            return text.isEmpty ? nil : Data(text.utf8).base64EncodedString()
        }
        if format == "SOFTWARE_CONFIG", !text.isEmpty, let config = try await context.softwareConfig(id: text) {
            text = config.config.stringValue ?? config.config.jsonText()
        }
        let metadata = resource.metadata.mapValue.map { $0.isEmpty ? nil : Value.map($0) } ?? nil
        return Data(UserDataMIME.build(text, format: format, metadata: metadata).utf8).base64EncodedString()
    }

    /// `networks: [{allocate_network: none}]` boots without a network; `auto` (and no
    /// networks at all) lets Nova pick the project's network.
    static func autoNetwork(_ resource: LiveResource) -> Bool {
        let allocation = (resource[property: "networks"].listValue ?? []).compactMap { $0.mapValue?["allocate_network"].flatMap(CloudPlugin.string) }
        return allocation.first.map { $0.lowercased() != "none" } ?? true
    }

    /// The server group a `scheduler_hints: {group: ...}` names, by name or id.
    static func schedulerHints(_ resource: LiveResource, _ cloud: CloudSession) async throws -> [String: String] {
        var hints = CloudPlugin.stringMap(resource[property: "scheduler_hints"])
        if let group = hints["group"], !group.isEmpty {
            hints["group"] = try await CloudPlugin.locate(.serverGroup, group, property: "scheduler_hints.group", of: resource, in: cloud)
        }
        return hints
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let compute = cloud.compute
        guard let flavorName = CloudPlugin.string(resource[property: "flavor"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property flavor not assigned")
        }
        // Names are located before anything is made, so a wrong one fails cleanly.
        let flavor = try await CloudPlugin.locate(.flavor, flavorName, property: "flavor", of: resource, in: cloud)
        let image = try await CloudPlugin.locate(.image, resource[property: "image"], property: "image", of: resource, in: cloud)
        let key = try await CloudPlugin.locate(.keyPair, resource[property: "key_name"], property: "key_name", of: resource, in: cloud)
        let interfaces = try await Self.interfaces(resource[property: "networks"], resource, cloud)
        let devices = try await Self.blockDevices(resource, cloud)
        let hints = try await Self.schedulerHints(resource, cloud)
        let userData = try await Self.userData(resource, context)
        // Only ports and fixed addresses can be taken from a server this one replaces.
        let claims = interfaces.contains { $0.request.portID != nil || $0.request.fixedIP != nil }
        let replacing = claims ? try await Self.serverBeingReplaced(resource, context) : nil
        let moved = try await Self.takePorts(interfaces, from: replacing, resource, cloud, context)
        do {
            try await boot(&resource, context, flavor: flavor, image: image, key: key, interfaces: interfaces, devices: devices,
                           hints: hints, userData: userData)
        } catch {
            // The replacement failed: the old server gets its ports back.
            if let replacing {
                for request in moved {
                    _ = try? await compute.attachInterface(serverID: replacing, portID: request.portID, networkID: request.networkID, fixedIP: request.fixedIP)
                }
            }
            throw error
        }
    }

    /// The server this create replaces, when the engine replaces the resource (the stored
    /// record still names the old server while a fresh resource, without a token, is made).
    static func serverBeingReplaced(_ resource: LiveResource, _ context: ResourceContext) async throws -> String? {
        guard resource.physicalID == nil, resource.data["client_token"] == nil,
              let stored = try await context.resource(named: resource.name), let old = stored.physicalID else { return nil }
        return old
    }

    /// Heat's preparation for a replacement: the ports the template names, and the addresses
    /// it fixes, are unplugged from the old server so the new one can take them. Returns what
    /// was moved, to plug back into the old server if the replacement fails.
    static func takePorts(_ interfaces: [Interface], from old: String?, _ resource: LiveResource, _ cloud: CloudSession,
                          _ context: ResourceContext) async throws -> [ServerNetworkRequest] {
        guard let old else { return [] }
        guard let oldServer = try await CloudPlugin.call(resource, { try await cloud.compute.server(id: old) }) else { return [] }
        let ports = try await CloudPlugin.call(resource) { try await serverPorts(oldServer, cloud) }
        var moved: [ServerNetworkRequest] = []
        for interface in interfaces {
            let request = interface.request
            guard request.portID != nil || request.fixedIP != nil,
                  let port = ports.first(where: { Self.port($0, serves: request) }) else { continue }
            try await CloudPlugin.deleting(resource) { try await cloud.compute.detachInterface(serverID: old, portID: port.id) }
            moved.append(request.portID != nil ? request : ServerNetworkRequest(networkID: port.networkID, fixedIP: request.fixedIP))
            for _ in 0..<600 {
                guard let current = try await CloudPlugin.call(resource, { try await cloud.network.port(port.id) }), current.deviceID == old else { break }
                try await context.sleep(seconds: 0.1)
            }
        }
        return moved
    }

    func boot(_ resource: inout LiveResource, _ context: ResourceContext, flavor: String, image: String?, key: String?,
              interfaces: [Interface], devices: [BlockDeviceRequest], hints: [String: String], userData: String?) async throws {
        let cloud = try context.cloud()
        let compute = cloud.compute
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let server = try await CloudPlugin.call(snapshot) {
            try await compute.createServer(ServerRequest(
                name: name, flavorID: flavor, imageID: image, keyName: key, metadata: CloudPlugin.stringMap(snapshot[property: "metadata"]),
                userData: userData, configDrive: CloudPlugin.bool(snapshot[property: "config_drive"], default: false),
                networks: interfaces.map(\.request), autoNetwork: Self.autoNetwork(snapshot),
                securityGroups: CloudPlugin.strings(snapshot[property: "security_groups"]),
                blockDevices: devices, availabilityZone: CloudPlugin.string(snapshot[property: "availability_zone"]),
                schedulerHints: hints, tags: CloudPlugin.strings(snapshot[property: "tags"]),
                adminPass: CloudPlugin.string(snapshot[property: "admin_pass"]), clientToken: token))
        }
        resource.physicalID = server.id
        try await context.save(resource)
        var active = try await waitActive(resource, compute, statuses: ["ACTIVE"])
        var ports: [NetworkPort] = []
        if !interfaces.isEmpty {
            let recorded = try await Self.recordInterfaces(interfaces, of: active, in: &resource, cloud)
            ports = recorded.ports
            // A floating IP associated just now shows in the server's addresses once read again.
            if recorded.associated, let current = try await CloudPlugin.call(resource, { try await compute.server(id: active.id) }) {
                active = current
            }
        }
        try await Self.keep(active, in: &resource, cloud, ports: ports)
    }

    /// Which port each `networks` entry became, and its floating IP associated to that port.
    /// Returns the server's ports and whether a floating IP was associated.
    @discardableResult
    static func recordInterfaces(_ interfaces: [Interface], of server: Server, in resource: inout LiveResource,
                                 _ cloud: CloudSession) async throws -> (ports: [NetworkPort], associated: Bool) {
        let snapshot = resource
        let ports = try await CloudPlugin.call(snapshot) { try await serverPorts(server, cloud) }
        var associated = false
        var recorded = resource.data["interfaces"]?.listValue ?? []
        let taken = Set(recorded.compactMap { $0.mapValue?["port"]?.stringValue })
        var used = taken
        for interface in interfaces where !recorded.contains(where: { $0.mapValue?["entry"] == interface.entry }) {
            guard let port = ports.first(where: { !used.contains($0.id) && Self.port($0, serves: interface.request) }) else { continue }
            used.insert(port.id)
            recorded.append(["entry": interface.entry, "port": .string(port.id), "floating_ip": interface.floatingIP.map(Value.string) ?? .null])
            if let floating = interface.floatingIP {
                _ = try await CloudPlugin.call(snapshot) { try await cloud.network.associateFloatingIP(id: floating, portID: port.id, fixedIPAddress: nil) }
                associated = true
            }
        }
        resource.data["interfaces"] = .list(recorded)
        return (ports, associated)
    }

    /// The server's ports: by the ids the server lists when the cloud gives them (one read
    /// each), else by asking the network for the ports bound to it.
    static func serverPorts(_ server: Server, _ cloud: CloudSession) async throws -> [NetworkPort] {
        guard !server.portIDs.isEmpty else { return try await cloud.network.ports(networkID: nil, deviceID: server.id) }
        var ports: [NetworkPort] = []
        for id in server.portIDs { if let port = try await cloud.network.port(id) { ports.append(port) } }
        return ports
    }

    static func port(_ port: NetworkPort, serves request: ServerNetworkRequest) -> Bool {
        if let portID = request.portID { return port.id == portID }
        if let networkID = request.networkID, port.networkID != networkID { return false }
        if let subnet = request.subnetID, !port.fixedIPs.contains(where: { $0.subnetID == subnet }) { return false }
        if let fixed = request.fixedIP, !port.fixedIPs.contains(where: { $0.ipAddress == fixed }) { return false }
        return true
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
        let cloud = try context.cloud()
        let compute = cloud.compute
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
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        if changed("name") || changed("metadata") || changed("tags") {
            _ = try await CloudPlugin.call(snapshot) {
                try await compute.updateServer(id: id, ServerUpdate(
                    name: name, metadata: CloudPlugin.stringMap(snapshot[property: "metadata"]), tags: CloudPlugin.strings(snapshot[property: "tags"])))
            }
        }
        if changed("flavor"), let flavorName = CloudPlugin.string(resource[property: "flavor"]) {
            let flavor = try await CloudPlugin.locate(.flavor, flavorName, property: "flavor", of: resource, in: cloud)
            try await CloudPlugin.call(snapshot) { try await compute.performAction(.resize(flavorID: flavor), serverID: id) }
            _ = try await waitActive(resource, compute, statuses: ["VERIFY_RESIZE"])
            try await CloudPlugin.call(snapshot) { try await compute.performAction(.confirmResize, serverID: id) }
            _ = try await waitActive(resource, compute, statuses: ["ACTIVE"])
        }
        if changed("image"), let image = try await CloudPlugin.locate(.image, resource[property: "image"], property: "image", of: resource, in: cloud) {
            try await CloudPlugin.call(snapshot) { try await compute.performAction(.rebuild(imageID: image, name: nil), serverID: id) }
            _ = try await waitActive(resource, compute, statuses: ["ACTIVE"])
        }
        if changed("networks") {
            try await updateInterfaces(&resource, previous: previous["networks"] ?? .null, cloud)
        }
        let current = try await CloudPlugin.call(resource) { try await compute.server(id: id) }
        if let current { try await Self.keep(current, in: &resource, cloud) }
    }

    /// Detaches the interfaces of the entries gone from `networks` (their floating IPs
    /// dissociated) and attaches one per new entry, as Heat does instead of replacing the server.
    func updateInterfaces(_ resource: inout LiveResource, previous: Value, _ cloud: CloudSession) async throws {
        guard let id = resource.physicalID else { return }
        let old = previous.listValue ?? [], new = resource[property: "networks"].listValue ?? []
        var recorded = resource.data["interfaces"]?.listValue ?? []
        let snapshot = resource
        for entry in old where !new.contains(entry) {
            guard let index = recorded.firstIndex(where: { $0.mapValue?["entry"] == entry }),
                  let port = recorded[index].mapValue?["port"]?.stringValue else { continue }
            if let floating = recorded[index].mapValue?["floating_ip"]?.stringValue {
                try await CloudPlugin.deleting(snapshot) { _ = try await cloud.network.associateFloatingIP(id: floating, portID: nil, fixedIPAddress: nil) }
            }
            try await CloudPlugin.deleting(snapshot) { try await cloud.compute.detachInterface(serverID: id, portID: port) }
            recorded.remove(at: index)
        }
        resource.data["interfaces"] = .list(recorded)
        let added = new.filter { !old.contains($0) }
        let interfaces = try await Self.interfaces(.list(added), resource, cloud)
        for interface in interfaces {
            let request = interface.request
            _ = try await CloudPlugin.call(snapshot) {
                try await cloud.compute.attachInterface(serverID: id, portID: request.portID, networkID: request.networkID, fixedIP: request.fixedIP)
            }
        }
        if let server = try await CloudPlugin.call(resource, { try await cloud.compute.server(id: id) }) {
            try await Self.recordInterfaces(interfaces, of: server, in: &resource, cloud)
        }
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
        let cloud = try context.cloud()
        let compute = cloud.compute
        if let server = try await CloudPlugin.call(resource, { try await compute.server(id: id) }), statuses.contains(server.status) { return }
        try await CloudPlugin.call(resource) { try await compute.performAction(action, serverID: id) }
        try await Self.keep(try await waitActive(resource, compute, statuses: statuses), in: &resource, cloud)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let cloud = try context.cloud()
        guard let server = try await CloudPlugin.call(resource, { try await cloud.compute.server(id: id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Instance \(id) could not be found.")
        }
        guard server.status == "ACTIVE" else {
            throw ResourceFailure.failed("Error: resources.\(resource.name): 'status': expected 'ACTIVE', got '\(server.status)'")
        }
        try await Self.keep(server, in: &resource, cloud)
    }

    /// The attributes, with `addresses` and `networks` listed under each network's id as
    /// well as its name, as Heat extends them.
    /// `ports`, when known, name the networks of the addresses they hold without a lookup.
    static func keep(_ server: Server, in resource: inout LiveResource, _ cloud: CloudSession, ports: [NetworkPort] = []) async throws {
        var ids: [String: String] = [:]
        for (name, entries) in server.addresses {
            if let port = ports.first(where: { port in entries.contains { $0.portID == port.id } }) {
                ids[name] = port.networkID
            } else if let network = try await CloudPlugin.call(resource, { try await cloud.network.network(name) }) {
                ids[name] = network.id
            }
        }
        keep(server, networkIDs: ids, in: &resource)
    }

    /// Nova's view of the server for the attributes Heat derives from it.
    static func keep(_ server: Server, networkIDs: [String: String] = [:], in resource: inout LiveResource) {
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
        for (name, id) in networkIDs where id != name {
            addresses[id] = addresses[name]
            networks[id] = networks[name]
        }
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
