import Foundation
import KilnCloud
import KilnModel

/// Cinder (v3), Glance (v2) and Octavia (v2) over REST.
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

    func volumes() async throws -> [Volume] { (try await api.call(.volume, "GET", "/volumes/detail")["volumes"].listValue ?? []).map(Self.volume) }
    func volume(_ idOrName: String) async throws -> Volume? {
        do {
            return Self.volume(try await api.call(.volume, "GET", "/volumes/\(idOrName)")["volume"])
        } catch let error as CloudError where error.kind == .notFound {
            return try await volumes().first { $0.name == idOrName }
        }
    }
    func volumeTypes() async throws -> [String] {
        (try await api.call(.volume, "GET", "/types")["volume_types"].listValue ?? []).compactMap { $0["name"].stringValue }
    }
    func createVolume(_ request: VolumeRequest) async throws -> Volume {
        if let token = request.clientToken, let made = try await volumes().first(where: { $0.metadata["kiln_client_token"] == token }) { return made }
        var metadata = request.metadata
        if let token = request.clientToken { metadata["kiln_client_token"] = token }
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

extension OpenStackServices: ImageService {
    static func image(_ json: Value) -> Image {
        Image(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", status: json["status"].stringValue ?? "active",
              diskFormat: json["disk_format"].stringValue ?? "", containerFormat: json["container_format"].stringValue ?? "",
              minDiskGB: json["min_disk"].int ?? 0, minRamMB: json["min_ram"].int ?? 0, sizeBytes: json["size"].int ?? 0,
              visibility: json["visibility"].stringValue ?? "public", ownerProjectID: json["owner"].stringValue, createdAt: json["created_at"].date)
    }
    func images() async throws -> [Image] {
        var all: [Image] = []
        var path = "/images?limit=100"
        for _ in 0..<100 {
            let page = try await api.call(.image, "GET", path)
            all += (page["images"].listValue ?? []).map(Self.image)
            guard let next = page["next"].stringValue, let range = next.range(of: "/images") else { break }
            path = String(next[range.lowerBound...])
        }
        return all
    }
    func image(_ idOrName: String) async throws -> Image? {
        do { return Self.image(try await api.call(.image, "GET", "/images/\(idOrName)")) } catch let error as CloudError where error.kind == .notFound {
            return try await images().first { $0.name == idOrName }
        }
    }
    func createImage(_ request: ImageRequest) async throws -> Image { throw unsupported("creating an image from a URL") }
    func deleteImage(id: String) async throws { try await api.call(.image, "DELETE", "/images/\(id)") }
}

extension OpenStackServices: LoadBalancerService {
    static func status(_ json: Value) -> LoadBalancerStatus {
        LoadBalancerStatus(provisioning: json["provisioning_status"].stringValue ?? "", operating: json["operating_status"].stringValue ?? "")
    }
    static func loadBalancer(_ json: Value) -> LoadBalancer {
        var lb = LoadBalancer(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            description: json["description"].stringValue ?? "", vipSubnetID: json["vip_subnet_id"].stringValue ?? "",
            vipNetworkID: json["vip_network_id"].stringValue ?? "", vipAddress: json["vip_address"].stringValue ?? "",
            vipPortID: json["vip_port_id"].stringValue ?? "", provider: json["provider"].stringValue ?? "amphora",
            adminStateUp: json["admin_state_up"].bool ?? true, createdAt: json["created_at"].date)
        lb.status = status(json)
        lb.listenerIDs = (json["listeners"].listValue ?? []).compactMap { $0["id"].stringValue }
        lb.poolIDs = (json["pools"].listValue ?? []).compactMap { $0["id"].stringValue }
        return lb
    }
    func lbGet(_ path: String, _ key: String) async throws -> Value? {
        do { return try await api.call(.loadBalancer, "GET", path)[key] } catch let error as CloudError where error.kind == .notFound { return nil }
    }
    func byIDOrName<T>(_ idOrName: String, _ path: String, _ key: String, _ decode: (Value) -> T, all: () async throws -> [T], name: (T) -> String) async throws -> T? {
        if let json = try await lbGet("\(path)/\(idOrName)", key) { return decode(json) }
        return try await all().first { name($0) == idOrName }
    }

    func loadBalancers() async throws -> [LoadBalancer] {
        (try await api.call(.loadBalancer, "GET", "/lbaas/loadbalancers")["loadbalancers"].listValue ?? []).map(Self.loadBalancer)
    }
    func loadBalancer(_ idOrName: String) async throws -> LoadBalancer? {
        try await byIDOrName(idOrName, "/lbaas/loadbalancers", "loadbalancer", Self.loadBalancer, all: loadBalancers, name: \.name)
    }
    func createLoadBalancer(_ request: LoadBalancerRequest) async throws -> LoadBalancer {
        var body: [String: Value] = ["name": .string(request.name), "description": .string(request.description),
                                     "vip_subnet_id": .string(request.vipSubnetID), "admin_state_up": .bool(request.adminStateUp)]
        if let address = request.vipAddress { body["vip_address"] = .string(address) }
        if let provider = request.provider { body["provider"] = .string(provider) }
        return Self.loadBalancer(try await api.call(.loadBalancer, "POST", "/lbaas/loadbalancers", body: ["loadbalancer": .map(body)])["loadbalancer"])
    }
    func updateLoadBalancer(id: String, name: String?, description: String?, adminStateUp: Bool?) async throws -> LoadBalancer {
        var body: [String: Value] = [:]
        if let name { body["name"] = .string(name) }
        if let description { body["description"] = .string(description) }
        if let adminStateUp { body["admin_state_up"] = .bool(adminStateUp) }
        return Self.loadBalancer(try await api.call(.loadBalancer, "PUT", "/lbaas/loadbalancers/\(id)", body: ["loadbalancer": .map(body)])["loadbalancer"])
    }
    func deleteLoadBalancer(id: String, cascade: Bool) async throws {
        try await api.call(.loadBalancer, "DELETE", "/lbaas/loadbalancers/\(id)" + (cascade ? "?cascade=true" : ""))
    }
    func waitForLoadBalancer(id: String, untilGone: Bool, timeout: Double) async throws -> LoadBalancer? {
        try await api.poll("load balancer \(id)", timeout: timeout) { () -> LoadBalancer?? in
            guard let json = try await lbGet("/lbaas/loadbalancers/\(id)", "loadbalancer") else {
                if untilGone { return .some(nil) }
                throw CloudError(.notFound, "Load Balancer \(id) not found.")
            }
            let lb = Self.loadBalancer(json)
            if untilGone, lb.status.provisioning == "DELETED" { return .some(nil) }
            if !untilGone, lb.status.provisioning == "ACTIVE" { return .some(lb) }
            if lb.status.provisioning == "ERROR" { throw CloudError(.failedState, "Load balancer \(id) went to provisioning status ERROR") }
            return nil
        }
    }

    static func listener(_ json: Value) -> Listener {
        var listener = Listener(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            loadBalancerID: json["loadbalancers"][0]["id"].stringValue ?? "", protocol: json["protocol"].stringValue ?? "",
            protocolPort: json["protocol_port"].int ?? 0, defaultPoolID: json["default_pool_id"].stringValue,
            connectionLimit: json["connection_limit"].int ?? -1, createdAt: json["created_at"].date)
        listener.status = status(json)
        return listener
    }
    func listeners() async throws -> [Listener] { (try await api.call(.loadBalancer, "GET", "/lbaas/listeners")["listeners"].listValue ?? []).map(Self.listener) }
    func listener(_ idOrName: String) async throws -> Listener? {
        try await byIDOrName(idOrName, "/lbaas/listeners", "listener", Self.listener, all: listeners, name: \.name)
    }
    func createListener(_ request: ListenerRequest) async throws -> Listener {
        var body: [String: Value] = ["name": .string(request.name), "loadbalancer_id": .string(request.loadBalancerID),
                                     "protocol": .string(request.protocol), "protocol_port": .int(request.protocolPort)]
        if let pool = request.defaultPoolID { body["default_pool_id"] = .string(pool) }
        return Self.listener(try await api.call(.loadBalancer, "POST", "/lbaas/listeners", body: ["listener": .map(body)])["listener"])
    }
    func updateListener(id: String, _ update: ListenerUpdate) async throws -> Listener {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        return Self.listener(try await api.call(.loadBalancer, "PUT", "/lbaas/listeners/\(id)", body: ["listener": .map(body)])["listener"])
    }
    func deleteListener(id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/listeners/\(id)") }

    static func pool(_ json: Value) -> Pool {
        var pool = Pool(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            loadBalancerID: json["loadbalancers"][0]["id"].stringValue ?? "", listenerIDs: (json["listeners"].listValue ?? []).compactMap { $0["id"].stringValue },
            protocol: json["protocol"].stringValue ?? "", lbAlgorithm: json["lb_algorithm"].stringValue ?? "", createdAt: json["created_at"].date)
        pool.healthMonitorID = json["healthmonitor_id"].stringValue
        pool.status = status(json)
        return pool
    }
    func pools() async throws -> [Pool] { (try await api.call(.loadBalancer, "GET", "/lbaas/pools")["pools"].listValue ?? []).map(Self.pool) }
    func pool(_ idOrName: String) async throws -> Pool? { try await byIDOrName(idOrName, "/lbaas/pools", "pool", Self.pool, all: pools, name: \.name) }
    func createPool(_ request: PoolRequest) async throws -> Pool {
        var body: [String: Value] = ["name": .string(request.name), "protocol": .string(request.protocol), "lb_algorithm": .string(request.lbAlgorithm)]
        if let listener = request.listenerID { body["listener_id"] = .string(listener) }
        if let lb = request.loadBalancerID { body["loadbalancer_id"] = .string(lb) }
        return Self.pool(try await api.call(.loadBalancer, "POST", "/lbaas/pools", body: ["pool": .map(body)])["pool"])
    }
    func updatePool(id: String, _ update: PoolUpdate) async throws -> Pool {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let algorithm = update.lbAlgorithm { body["lb_algorithm"] = .string(algorithm) }
        return Self.pool(try await api.call(.loadBalancer, "PUT", "/lbaas/pools/\(id)", body: ["pool": .map(body)])["pool"])
    }
    func deletePool(id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/pools/\(id)") }

    static func member(_ json: Value, pool: String) -> PoolMember {
        var member = PoolMember(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            poolID: pool, address: json["address"].stringValue ?? "", protocolPort: json["protocol_port"].int ?? 0,
            subnetID: json["subnet_id"].stringValue, weight: json["weight"].int ?? 1, createdAt: json["created_at"].date)
        member.status = status(json)
        return member
    }
    func members(poolID: String) async throws -> [PoolMember] {
        (try await api.call(.loadBalancer, "GET", "/lbaas/pools/\(poolID)/members")["members"].listValue ?? []).map { Self.member($0, pool: poolID) }
    }
    func member(poolID: String, id: String) async throws -> PoolMember? {
        try await lbGet("/lbaas/pools/\(poolID)/members/\(id)", "member").map { Self.member($0, pool: poolID) }
    }
    func createMember(_ request: PoolMemberRequest) async throws -> PoolMember {
        var body: [String: Value] = ["name": .string(request.name), "address": .string(request.address), "protocol_port": .int(request.protocolPort),
                                     "weight": .int(request.weight)]
        if let subnet = request.subnetID { body["subnet_id"] = .string(subnet) }
        return Self.member(try await api.call(.loadBalancer, "POST", "/lbaas/pools/\(request.poolID)/members", body: ["member": .map(body)])["member"],
                           pool: request.poolID)
    }
    func updateMember(poolID: String, id: String, _ update: PoolMemberUpdate) async throws -> PoolMember {
        var body: [String: Value] = [:]
        if let weight = update.weight { body["weight"] = .int(weight) }
        return Self.member(try await api.call(.loadBalancer, "PUT", "/lbaas/pools/\(poolID)/members/\(id)", body: ["member": .map(body)])["member"], pool: poolID)
    }
    func deleteMember(poolID: String, id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/pools/\(poolID)/members/\(id)") }

    static func monitor(_ json: Value) -> HealthMonitor {
        var monitor = HealthMonitor(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            poolID: json["pools"][0]["id"].stringValue ?? "", type: json["type"].stringValue ?? "", delay: json["delay"].int ?? 0,
            timeout: json["timeout"].int ?? 0, maxRetries: json["max_retries"].int ?? 0, createdAt: json["created_at"].date)
        monitor.status = status(json)
        return monitor
    }
    func healthMonitors() async throws -> [HealthMonitor] {
        (try await api.call(.loadBalancer, "GET", "/lbaas/healthmonitors")["healthmonitors"].listValue ?? []).map(Self.monitor)
    }
    func healthMonitor(id: String) async throws -> HealthMonitor? { try await lbGet("/lbaas/healthmonitors/\(id)", "healthmonitor").map(Self.monitor) }
    func createHealthMonitor(_ request: HealthMonitorRequest) async throws -> HealthMonitor {
        var body: [String: Value] = ["pool_id": .string(request.poolID), "type": .string(request.type), "delay": .int(request.delay),
                                     "timeout": .int(request.timeout), "max_retries": .int(request.maxRetries), "name": .string(request.name)]
        if let path = request.urlPath { body["url_path"] = .string(path) }
        return Self.monitor(try await api.call(.loadBalancer, "POST", "/lbaas/healthmonitors", body: ["healthmonitor": .map(body)])["healthmonitor"])
    }
    func updateHealthMonitor(id: String, _ update: HealthMonitorUpdate) async throws -> HealthMonitor {
        var body: [String: Value] = [:]
        if let delay = update.delay { body["delay"] = .int(delay) }
        return Self.monitor(try await api.call(.loadBalancer, "PUT", "/lbaas/healthmonitors/\(id)", body: ["healthmonitor": .map(body)])["healthmonitor"])
    }
    func deleteHealthMonitor(id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/healthmonitors/\(id)") }
}
