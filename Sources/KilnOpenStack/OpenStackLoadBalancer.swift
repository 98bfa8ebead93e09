import Foundation
import KilnCloud
import KilnModel

/// Octavia over REST (v2). Octavia has no idempotency token; a create with one carries the tag
/// `kiln_client_token:TOKEN` (tags on create are API 2.5, Stein) and looks for it first.
extension OpenStackServices: LoadBalancerService {
    static func status(_ json: Value) -> LoadBalancerStatus {
        LoadBalancerStatus(provisioning: json["provisioning_status"].stringValue ?? "", operating: json["operating_status"].stringValue ?? "")
    }

    /// The tags to send: the caller's and the client token's.
    static func tags(_ tags: [String], token: String?) -> Value {
        .list((tags + (token.map { ["\(clientTokenKey):\($0)"] } ?? [])).map(Value.string))
    }

    /// The object a create with `token` made before, if any (Octavia filters by tag; the driver checks again).
    func made<T>(_ token: String?, _ path: String, _ key: String, _ decode: (Value) -> T, tags: (T) -> [String]) async throws -> T? {
        guard let token else { return nil }
        let tag = "\(clientTokenKey):\(token)"
        return try await api.list(.loadBalancer, path + query([("tags", tag)]), key).map(decode).first { tags($0).contains(tag) }
    }

    static func loadBalancer(_ json: Value) -> LoadBalancer {
        var lb = LoadBalancer(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            description: json["description"].stringValue ?? "", vipSubnetID: json["vip_subnet_id"].stringValue ?? "",
            vipNetworkID: json["vip_network_id"].stringValue ?? "", vipAddress: json["vip_address"].stringValue ?? "",
            vipPortID: json["vip_port_id"].stringValue ?? "", provider: json["provider"].stringValue ?? "amphora",
            adminStateUp: json["admin_state_up"].bool ?? true, createdAt: json["created_at"].date)
        lb.flavorID = json["flavor_id"].stringValue.flatMap { $0.isEmpty ? nil : $0 }
        lb.status = status(json)
        lb.listenerIDs = (json["listeners"].listValue ?? []).compactMap { $0["id"].stringValue }
        lb.poolIDs = (json["pools"].listValue ?? []).compactMap { $0["id"].stringValue }
        lb.tags = json["tags"].strings
        lb.updatedAt = json["updated_at"].stringValue == nil ? lb.createdAt : json["updated_at"].date
        return lb
    }
    func lbGet(_ path: String, _ key: String) async throws -> Value? {
        do { return try await api.call(.loadBalancer, "GET", path)[key] } catch let error as CloudError where error.kind == .notFound { return nil }
    }
    func byIDOrName<T>(_ idOrName: String, _ path: String, _ key: String, _ decode: (Value) -> T, name: (T) -> String) async throws -> T? {
        if let json = try await lbGet("\(path)/\(segment(idOrName))", key) { return decode(json) }
        let matches = try await api.list(.loadBalancer, path + query([("name", idOrName)]), key + "s").map(decode).filter { name($0) == idOrName }
        if matches.count > 1 { throw CloudError(.conflict, "Multiple matches found for name '\(idOrName)', use an ID to be more specific.") }
        return matches.first
    }

    func loadBalancers() async throws -> [LoadBalancer] {
        (try await api.list(.loadBalancer, "/lbaas/loadbalancers", "loadbalancers")).map(Self.loadBalancer)
    }
    func loadBalancer(_ idOrName: String) async throws -> LoadBalancer? {
        try await byIDOrName(idOrName, "/lbaas/loadbalancers", "loadbalancer", Self.loadBalancer, name: \.name)
    }
    func createLoadBalancer(_ request: LoadBalancerRequest) async throws -> LoadBalancer {
        if let made = try await made(request.clientToken, "/lbaas/loadbalancers", "loadbalancers", Self.loadBalancer, tags: \.tags) { return made }
        var body: [String: Value] = ["name": .string(request.name), "description": .string(request.description),
                                     "vip_subnet_id": .string(request.vipSubnetID), "admin_state_up": .bool(request.adminStateUp)]
        if let address = request.vipAddress { body["vip_address"] = .string(address) }
        if let provider = request.provider { body["provider"] = .string(provider) }
        if let flavor = request.flavorID { body["flavor_id"] = .string(flavor) }
        if !request.tags.isEmpty || request.clientToken != nil { body["tags"] = Self.tags(request.tags, token: request.clientToken) }
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
            description: json["description"].stringValue ?? "",
            loadBalancerID: json["loadbalancers"][0]["id"].stringValue ?? "", protocol: json["protocol"].stringValue ?? "",
            protocolPort: json["protocol_port"].int ?? 0, defaultPoolID: json["default_pool_id"].stringValue,
            connectionLimit: json["connection_limit"].int ?? -1, createdAt: json["created_at"].date)
        listener.adminStateUp = json["admin_state_up"].bool ?? true
        listener.status = status(json)
        listener.tags = json["tags"].strings
        return listener
    }
    func listeners() async throws -> [Listener] { (try await api.list(.loadBalancer, "/lbaas/listeners", "listeners")).map(Self.listener) }
    func listener(_ idOrName: String) async throws -> Listener? {
        try await byIDOrName(idOrName, "/lbaas/listeners", "listener", Self.listener, name: \.name)
    }
    func createListener(_ request: ListenerRequest) async throws -> Listener {
        if let made = try await made(request.clientToken, "/lbaas/listeners", "listeners", Self.listener, tags: \.tags) { return made }
        var body: [String: Value] = ["name": .string(request.name), "description": .string(request.description),
                                     "loadbalancer_id": .string(request.loadBalancerID), "protocol": .string(request.protocol),
                                     "protocol_port": .int(request.protocolPort), "connection_limit": .int(request.connectionLimit),
                                     "admin_state_up": .bool(request.adminStateUp)]
        if let pool = request.defaultPoolID { body["default_pool_id"] = .string(pool) }
        if !request.tags.isEmpty || request.clientToken != nil { body["tags"] = Self.tags(request.tags, token: request.clientToken) }
        return Self.listener(try await api.call(.loadBalancer, "POST", "/lbaas/listeners", body: ["listener": .map(body)])["listener"])
    }
    func updateListener(id: String, _ update: ListenerUpdate) async throws -> Listener {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let description = update.description { body["description"] = .string(description) }
        if case .some(let pool) = update.defaultPoolID { body["default_pool_id"] = pool.map(Value.string) ?? .null }
        if let limit = update.connectionLimit { body["connection_limit"] = .int(limit) }
        if let value = update.adminStateUp { body["admin_state_up"] = .bool(value) }
        if let tags = update.tags { body["tags"] = .list(tags.map(Value.string)) }
        return Self.listener(try await api.call(.loadBalancer, "PUT", "/lbaas/listeners/\(id)", body: ["listener": .map(body)])["listener"])
    }
    func deleteListener(id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/listeners/\(id)") }

    static func persistence(_ json: Value) -> SessionPersistence? {
        guard let type = json["type"].stringValue else { return nil }
        return SessionPersistence(type: type, cookieName: json["cookie_name"].stringValue)
    }
    static func persistence(_ value: SessionPersistence?) -> Value {
        guard let value else { return .null }
        var map: [String: Value] = ["type": .string(value.type)]
        if let cookie = value.cookieName { map["cookie_name"] = .string(cookie) }
        return .map(map)
    }
    static func pool(_ json: Value) -> Pool {
        var pool = Pool(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            description: json["description"].stringValue ?? "",
            loadBalancerID: json["loadbalancers"][0]["id"].stringValue ?? "", listenerIDs: (json["listeners"].listValue ?? []).compactMap { $0["id"].stringValue },
            protocol: json["protocol"].stringValue ?? "", lbAlgorithm: json["lb_algorithm"].stringValue ?? "", createdAt: json["created_at"].date)
        pool.sessionPersistence = persistence(json["session_persistence"])
        pool.healthMonitorID = json["healthmonitor_id"].stringValue
        pool.adminStateUp = json["admin_state_up"].bool ?? true
        pool.status = status(json)
        pool.tags = json["tags"].strings
        return pool
    }
    func pools() async throws -> [Pool] { (try await api.list(.loadBalancer, "/lbaas/pools", "pools")).map(Self.pool) }
    func pool(_ idOrName: String) async throws -> Pool? { try await byIDOrName(idOrName, "/lbaas/pools", "pool", Self.pool, name: \.name) }
    func createPool(_ request: PoolRequest) async throws -> Pool {
        if let made = try await made(request.clientToken, "/lbaas/pools", "pools", Self.pool, tags: \.tags) { return made }
        var body: [String: Value] = ["name": .string(request.name), "description": .string(request.description), "protocol": .string(request.protocol),
                                     "lb_algorithm": .string(request.lbAlgorithm), "admin_state_up": .bool(request.adminStateUp)]
        if let listener = request.listenerID { body["listener_id"] = .string(listener) }
        if let lb = request.loadBalancerID { body["loadbalancer_id"] = .string(lb) }
        if let persistence = request.sessionPersistence { body["session_persistence"] = Self.persistence(persistence) }
        if !request.tags.isEmpty || request.clientToken != nil { body["tags"] = Self.tags(request.tags, token: request.clientToken) }
        return Self.pool(try await api.call(.loadBalancer, "POST", "/lbaas/pools", body: ["pool": .map(body)])["pool"])
    }
    func updatePool(id: String, _ update: PoolUpdate) async throws -> Pool {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let description = update.description { body["description"] = .string(description) }
        if let algorithm = update.lbAlgorithm { body["lb_algorithm"] = .string(algorithm) }
        if case .some(let persistence) = update.sessionPersistence { body["session_persistence"] = Self.persistence(persistence) }
        if let value = update.adminStateUp { body["admin_state_up"] = .bool(value) }
        if let tags = update.tags { body["tags"] = .list(tags.map(Value.string)) }
        return Self.pool(try await api.call(.loadBalancer, "PUT", "/lbaas/pools/\(id)", body: ["pool": .map(body)])["pool"])
    }
    func deletePool(id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/pools/\(id)") }

    static func member(_ json: Value, pool: String) -> PoolMember {
        var member = PoolMember(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            poolID: pool, address: json["address"].stringValue ?? "", protocolPort: json["protocol_port"].int ?? 0,
            subnetID: json["subnet_id"].stringValue, weight: json["weight"].int ?? 1, createdAt: json["created_at"].date)
        member.backup = json["backup"].bool ?? false
        member.monitorAddress = json["monitor_address"].stringValue
        member.monitorPort = json["monitor_port"].int
        member.adminStateUp = json["admin_state_up"].bool ?? true
        member.status = status(json)
        member.tags = json["tags"].strings
        return member
    }
    func members(poolID: String) async throws -> [PoolMember] {
        (try await api.list(.loadBalancer, "/lbaas/pools/\(poolID)/members", "members")).map { Self.member($0, pool: poolID) }
    }
    func member(poolID: String, id: String) async throws -> PoolMember? {
        try await lbGet("/lbaas/pools/\(poolID)/members/\(id)", "member").map { Self.member($0, pool: poolID) }
    }
    func createMember(_ request: PoolMemberRequest) async throws -> PoolMember {
        if let made = try await made(request.clientToken, "/lbaas/pools/\(request.poolID)/members", "members", { Self.member($0, pool: request.poolID) }, tags: \.tags) { return made }
        var body: [String: Value] = ["name": .string(request.name), "address": .string(request.address), "protocol_port": .int(request.protocolPort),
                                     "weight": .int(request.weight), "backup": .bool(request.backup), "admin_state_up": .bool(request.adminStateUp)]
        if let subnet = request.subnetID { body["subnet_id"] = .string(subnet) }
        if let address = request.monitorAddress { body["monitor_address"] = .string(address) }
        if let port = request.monitorPort { body["monitor_port"] = .int(port) }
        if !request.tags.isEmpty || request.clientToken != nil { body["tags"] = Self.tags(request.tags, token: request.clientToken) }
        return Self.member(try await api.call(.loadBalancer, "POST", "/lbaas/pools/\(request.poolID)/members", body: ["member": .map(body)])["member"],
                           pool: request.poolID)
    }
    func updateMember(poolID: String, id: String, _ update: PoolMemberUpdate) async throws -> PoolMember {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let weight = update.weight { body["weight"] = .int(weight) }
        if let backup = update.backup { body["backup"] = .bool(backup) }
        if case .some(let address) = update.monitorAddress { body["monitor_address"] = address.map(Value.string) ?? .null }
        if case .some(let port) = update.monitorPort { body["monitor_port"] = port.map(Value.int) ?? .null }
        if let value = update.adminStateUp { body["admin_state_up"] = .bool(value) }
        if let tags = update.tags { body["tags"] = .list(tags.map(Value.string)) }
        return Self.member(try await api.call(.loadBalancer, "PUT", "/lbaas/pools/\(poolID)/members/\(id)", body: ["member": .map(body)])["member"], pool: poolID)
    }
    func deleteMember(poolID: String, id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/pools/\(poolID)/members/\(id)") }

    static func monitor(_ json: Value) -> HealthMonitor {
        var monitor = HealthMonitor(
            id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", projectID: json["project_id"].stringValue ?? "",
            poolID: json["pools"][0]["id"].stringValue ?? "", type: json["type"].stringValue ?? "", delay: json["delay"].int ?? 0,
            timeout: json["timeout"].int ?? 0, maxRetries: json["max_retries"].int ?? 0, createdAt: json["created_at"].date)
        monitor.maxRetriesDown = json["max_retries_down"].int ?? 3
        monitor.httpMethod = json["http_method"].stringValue
        monitor.urlPath = json["url_path"].stringValue
        monitor.expectedCodes = json["expected_codes"].stringValue
        monitor.adminStateUp = json["admin_state_up"].bool ?? true
        monitor.status = status(json)
        monitor.tags = json["tags"].strings
        return monitor
    }
    func healthMonitors() async throws -> [HealthMonitor] {
        (try await api.list(.loadBalancer, "/lbaas/healthmonitors", "healthmonitors")).map(Self.monitor)
    }
    func healthMonitor(id: String) async throws -> HealthMonitor? { try await lbGet("/lbaas/healthmonitors/\(id)", "healthmonitor").map(Self.monitor) }
    func createHealthMonitor(_ request: HealthMonitorRequest) async throws -> HealthMonitor {
        if let made = try await made(request.clientToken, "/lbaas/healthmonitors", "healthmonitors", Self.monitor, tags: \.tags) { return made }
        var body: [String: Value] = ["pool_id": .string(request.poolID), "type": .string(request.type), "delay": .int(request.delay),
                                     "timeout": .int(request.timeout), "max_retries": .int(request.maxRetries),
                                     "max_retries_down": .int(request.maxRetriesDown), "name": .string(request.name),
                                     "admin_state_up": .bool(request.adminStateUp)]
        if let method = request.httpMethod { body["http_method"] = .string(method) }
        if let path = request.urlPath { body["url_path"] = .string(path) }
        if let codes = request.expectedCodes { body["expected_codes"] = .string(codes) }
        if !request.tags.isEmpty || request.clientToken != nil { body["tags"] = Self.tags(request.tags, token: request.clientToken) }
        return Self.monitor(try await api.call(.loadBalancer, "POST", "/lbaas/healthmonitors", body: ["healthmonitor": .map(body)])["healthmonitor"])
    }
    func updateHealthMonitor(id: String, _ update: HealthMonitorUpdate) async throws -> HealthMonitor {
        var body: [String: Value] = [:]
        if let name = update.name { body["name"] = .string(name) }
        if let delay = update.delay { body["delay"] = .int(delay) }
        if let timeout = update.timeout { body["timeout"] = .int(timeout) }
        if let retries = update.maxRetries { body["max_retries"] = .int(retries) }
        if let retries = update.maxRetriesDown { body["max_retries_down"] = .int(retries) }
        if let method = update.httpMethod { body["http_method"] = .string(method) }
        if let path = update.urlPath { body["url_path"] = .string(path) }
        if let codes = update.expectedCodes { body["expected_codes"] = .string(codes) }
        if let value = update.adminStateUp { body["admin_state_up"] = .bool(value) }
        if let tags = update.tags { body["tags"] = .list(tags.map(Value.string)) }
        return Self.monitor(try await api.call(.loadBalancer, "PUT", "/lbaas/healthmonitors/\(id)", body: ["healthmonitor": .map(body)])["healthmonitor"])
    }
    func deleteHealthMonitor(id: String) async throws { try await api.call(.loadBalancer, "DELETE", "/lbaas/healthmonitors/\(id)") }
}
