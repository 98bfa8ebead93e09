import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Octavia's v2 API (`/load-balancer/v2/lbaas/...`) over the cloud's load balancer service:
/// load balancers, listeners, pools and their members, health monitors.
struct LoadBalancerRoutes {
    let call: CloudCall
    var service: any LoadBalancerService { call.session.loadBalancer }

    func route() async throws -> Response {
        var path = call.path
        guard path.first == "v2" || path.first == "v2.0" else { throw CloudError(.notFound, "The resource could not be found.") }
        path.removeFirst()
        if path.first == "lbaas" { path.removeFirst() }
        switch (call.method, path.first, path.count) {
        case (.get, "loadbalancers", 1):
            return list("loadbalancers", try await service.loadBalancers().map(lbJSON))
        case (.get, "loadbalancers", 2):
            return .json(["loadbalancer": lbJSON(try await find(await service.loadBalancer(path[1]), "Load Balancer", path[1]))])
        case (.get, "loadbalancers", 3) where path[2] == "status":
            let lb = try await find(await service.loadBalancer(path[1]), "Load Balancer", path[1])
            return .json(["statuses": ["loadbalancer": ["id": .string(lb.id), "name": .string(lb.name),
                                                        "provisioning_status": .string(lb.status.provisioning),
                                                        "operating_status": .string(lb.status.operating), "listeners": []]]])
        case (.post, "loadbalancers", 1):
            let body = try await call.body("loadbalancer")
            guard let subnet = body["vip_subnet_id"]?.stringValue else { throw CloudError(.badRequest, "Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.") }
            let made = try await service.createLoadBalancer(LoadBalancerRequest(
                name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue ?? "", vipSubnetID: subnet,
                vipAddress: body["vip_address"]?.stringValue, provider: body["provider"]?.stringValue, flavorID: body["flavor_id"]?.stringValue,
                adminStateUp: body["admin_state_up"] != false))
            return .json(["loadbalancer": lbJSON(made)], status: .created)
        case (.put, "loadbalancers", 2):
            let body = try await call.body("loadbalancer")
            let updated = try await service.updateLoadBalancer(
                id: path[1], name: body["name"]?.stringValue, description: body["description"]?.stringValue,
                adminStateUp: body["admin_state_up"].flatMap { if case .bool(let b) = $0 { b } else { nil } })
            return .json(["loadbalancer": lbJSON(updated)])
        case (.delete, "loadbalancers", 2):
            _ = try await find(await service.loadBalancer(path[1]), "Load Balancer", path[1])
            try await service.deleteLoadBalancer(id: path[1], cascade: call.first("cascade") == "true")
            return .empty(.noContent)
        case (.get, "listeners", 1):
            return list("listeners", try await service.listeners().map(listenerJSON))
        case (.get, "listeners", 2):
            return .json(["listener": listenerJSON(try await find(await service.listener(path[1]), "Listener", path[1]))])
        case (.post, "listeners", 1):
            let body = try await call.body("listener")
            guard let lb = body["loadbalancer_id"]?.stringValue, let port = body["protocol_port"]?.numberValue else {
                throw CloudError(.badRequest, "Invalid input for field/attribute loadbalancer_id or protocol_port.")
            }
            let made = try await service.createListener(ListenerRequest(
                name: body["name"]?.stringValue ?? "", loadBalancerID: lb, protocol: body["protocol"]?.stringValue ?? "TCP",
                protocolPort: Int(port), defaultPoolID: body["default_pool_id"]?.stringValue))
            return .json(["listener": listenerJSON(made)], status: .created)
        case (.delete, "listeners", 2):
            _ = try await find(await service.listener(path[1]), "Listener", path[1])
            try await service.deleteListener(id: path[1])
            return .empty(.noContent)
        case (.get, "pools", 1):
            var pools: [Value] = []
            for pool in try await service.pools() { pools.append(poolJSON(pool, members: try await service.members(poolID: pool.id))) }
            return list("pools", pools)
        case (.get, "pools", 2):
            let pool = try await find(await service.pool(path[1]), "Pool", path[1])
            return .json(["pool": poolJSON(pool, members: try await service.members(poolID: pool.id))])
        case (.post, "pools", 1):
            let body = try await call.body("pool")
            let made = try await service.createPool(PoolRequest(
                name: body["name"]?.stringValue ?? "", listenerID: body["listener_id"]?.stringValue,
                loadBalancerID: body["loadbalancer_id"]?.stringValue, protocol: body["protocol"]?.stringValue ?? "HTTP",
                lbAlgorithm: body["lb_algorithm"]?.stringValue ?? "ROUND_ROBIN"))
            return .json(["pool": poolJSON(made, members: [])], status: .created)
        case (.delete, "pools", 2):
            _ = try await find(await service.pool(path[1]), "Pool", path[1])
            try await service.deletePool(id: path[1])
            return .empty(.noContent)
        case (.get, "pools", 3) where path[2] == "members":
            let pool = try await find(await service.pool(path[1]), "Pool", path[1])
            return list("members", try await service.members(poolID: pool.id).map(memberJSON))
        case (.get, "pools", 4) where path[2] == "members":
            let pool = try await find(await service.pool(path[1]), "Pool", path[1])
            return .json(["member": memberJSON(try await find(await service.member(poolID: pool.id, id: path[3]), "Member", path[3]))])
        case (.post, "pools", 3) where path[2] == "members":
            let body = try await call.body("member")
            guard let address = body["address"]?.stringValue, let port = body["protocol_port"]?.numberValue else {
                throw CloudError(.badRequest, "Invalid input for field/attribute address or protocol_port.")
            }
            let made = try await service.createMember(PoolMemberRequest(
                name: body["name"]?.stringValue ?? "", poolID: path[1], address: address, protocolPort: Int(port),
                subnetID: body["subnet_id"]?.stringValue, weight: body["weight"]?.numberValue.map { Int($0) } ?? 1))
            return .json(["member": memberJSON(made)], status: .created)
        case (.delete, "pools", 4) where path[2] == "members":
            _ = try await find(await service.member(poolID: path[1], id: path[3]), "Member", path[3])
            try await service.deleteMember(poolID: path[1], id: path[3])
            return .empty(.noContent)
        case (.get, "healthmonitors", 1):
            return list("healthmonitors", try await service.healthMonitors().map(monitorJSON))
        case (.get, "healthmonitors", 2):
            return .json(["healthmonitor": monitorJSON(try await find(await service.healthMonitor(id: path[1]), "Health Monitor", path[1]))])
        case (.post, "healthmonitors", 1):
            let body = try await call.body("healthmonitor")
            guard let pool = body["pool_id"]?.stringValue else { throw CloudError(.badRequest, "Invalid input for field/attribute pool_id.") }
            let made = try await service.createHealthMonitor(HealthMonitorRequest(
                name: body["name"]?.stringValue ?? "", poolID: pool, type: body["type"]?.stringValue ?? "HTTP",
                delay: body["delay"]?.numberValue.map { Int($0) } ?? 5, timeout: body["timeout"]?.numberValue.map { Int($0) } ?? 5,
                maxRetries: body["max_retries"]?.numberValue.map { Int($0) } ?? 3, urlPath: body["url_path"]?.stringValue))
            return .json(["healthmonitor": monitorJSON(made)], status: .created)
        case (.put, "healthmonitors", 2):
            let body = try await call.body("healthmonitor")
            let updated = try await service.updateHealthMonitor(id: path[1], HealthMonitorUpdate(
                name: body["name"]?.stringValue, delay: body["delay"]?.numberValue.map { Int($0) }))
            return .json(["healthmonitor": monitorJSON(updated)])
        case (.delete, "healthmonitors", 2):
            _ = try await find(await service.healthMonitor(id: path[1]), "Health Monitor", path[1])
            try await service.deleteHealthMonitor(id: path[1])
            return .empty(.noContent)
        case (.put, "listeners", 2):
            let body = try await call.body("listener")
            let updated = try await service.updateListener(id: path[1], ListenerUpdate(name: body["name"]?.stringValue))
            return .json(["listener": listenerJSON(updated)])
        case (.put, "pools", 2):
            let body = try await call.body("pool")
            let updated = try await service.updatePool(id: path[1], PoolUpdate(name: body["name"]?.stringValue, lbAlgorithm: body["lb_algorithm"]?.stringValue))
            return .json(["pool": poolJSON(updated, members: try await service.members(poolID: path[1]))])
        case (.put, "pools", 4) where path[2] == "members":
            let body = try await call.body("member")
            let updated = try await service.updateMember(poolID: path[1], id: path[3], PoolMemberUpdate(
                name: body["name"]?.stringValue, weight: body["weight"]?.numberValue.map { Int($0) }))
            return .json(["member": memberJSON(updated)])
        case (.get, "providers", 1):
            return .json(["providers": [["name": "amphora", "description": "The Octavia Amphora driver (emulated)."]]])
        default:
            throw CloudError(.notFound, "The resource could not be found.")
        }
    }

    func find<T>(_ lookup: @autoclosure () async throws -> T?, _ what: String, _ id: String) async throws -> T {
        guard let found = try await lookup() else { throw CloudError(.notFound, "\(what) \(id) not found.") }
        return found
    }

    func list(_ key: String, _ items: [Value]) -> Response {
        .json([key: .list(call.filtered(items, by: ["id", "name", "provisioning_status", "operating_status", "project_id"])), "\(key)_links": []])
    }

    func common(_ id: String, _ name: String, project: String, status: LoadBalancerStatus, created: Date, updated: Date, tags: [String]) -> [String: Value] {
        ["id": .string(id), "name": .string(name), "project_id": .string(project), "tenant_id": .string(project),
         "provisioning_status": .string(status.provisioning), "operating_status": .string(status.operating),
         "created_at": CloudTime.iso(created), "updated_at": CloudTime.iso(updated), "tags": .list(tags.map(Value.string))]
    }

    func lbJSON(_ lb: LoadBalancer) -> Value {
        var json = common(lb.id, lb.name, project: lb.projectID, status: lb.status, created: lb.createdAt, updated: lb.updatedAt, tags: lb.tags)
        json.merge([
            "description": .string(lb.description), "admin_state_up": .bool(lb.adminStateUp), "vip_address": .string(lb.vipAddress),
            "vip_port_id": .string(lb.vipPortID), "vip_subnet_id": .string(lb.vipSubnetID), "vip_network_id": .string(lb.vipNetworkID),
            "vip_qos_policy_id": .null, "provider": .string(lb.provider), "flavor_id": Value(lb.flavorID), "availability_zone": .null,
            "listeners": .list(lb.listenerIDs.map { ["id": .string($0)] }), "pools": .list(lb.poolIDs.map { ["id": .string($0)] }),
            "additional_vips": [], "vip_vnic_type": "normal",
        ]) { $1 }
        return .map(json)
    }

    func listenerJSON(_ listener: Listener) -> Value {
        var json = common(listener.id, listener.name, project: listener.projectID, status: listener.status, created: listener.createdAt,
                          updated: listener.updatedAt, tags: listener.tags)
        json.merge([
            "description": .string(listener.description), "admin_state_up": .bool(listener.adminStateUp),
            "protocol": .string(listener.protocol), "protocol_port": .int(listener.protocolPort),
            "connection_limit": .int(listener.connectionLimit), "default_pool_id": Value(listener.defaultPoolID),
            "loadbalancers": [["id": .string(listener.loadBalancerID)]], "l7policies": [], "insert_headers": [:],
            "default_tls_container_ref": .null, "sni_container_refs": [], "timeout_client_data": 50000,
            "timeout_member_connect": 5000, "timeout_member_data": 50000, "timeout_tcp_inspect": 0, "allowed_cidrs": .null,
        ]) { $1 }
        return .map(json)
    }

    func poolJSON(_ pool: Pool, members: [PoolMember]) -> Value {
        var json = common(pool.id, pool.name, project: pool.projectID, status: pool.status, created: pool.createdAt,
                          updated: pool.updatedAt, tags: pool.tags)
        json.merge([
            "description": .string(pool.description), "admin_state_up": .bool(pool.adminStateUp), "protocol": .string(pool.protocol),
            "lb_algorithm": .string(pool.lbAlgorithm),
            "session_persistence": pool.sessionPersistence.map { ["type": .string($0.type), "cookie_name": Value($0.cookieName)] } ?? .null,
            "loadbalancers": [["id": .string(pool.loadBalancerID)]], "listeners": .list(pool.listenerIDs.map { ["id": .string($0)] }),
            "members": .list(members.map { ["id": .string($0.id)] }), "healthmonitor_id": Value(pool.healthMonitorID),
            "tls_enabled": false,
        ]) { $1 }
        return .map(json)
    }

    func memberJSON(_ member: PoolMember) -> Value {
        var json = common(member.id, member.name, project: member.projectID, status: member.status, created: member.createdAt,
                          updated: member.updatedAt, tags: member.tags)
        json.merge([
            "address": .string(member.address), "protocol_port": .int(member.protocolPort), "weight": .int(member.weight),
            "backup": .bool(member.backup), "subnet_id": Value(member.subnetID), "admin_state_up": .bool(member.adminStateUp),
            "monitor_address": Value(member.monitorAddress), "monitor_port": Value(member.monitorPort),
        ]) { $1 }
        return .map(json)
    }

    func monitorJSON(_ monitor: HealthMonitor) -> Value {
        var json = common(monitor.id, monitor.name, project: monitor.projectID, status: monitor.status, created: monitor.createdAt,
                          updated: monitor.updatedAt, tags: monitor.tags)
        json.merge([
            "type": .string(monitor.type), "delay": .int(monitor.delay), "timeout": .int(monitor.timeout),
            "max_retries": .int(monitor.maxRetries), "max_retries_down": .int(monitor.maxRetriesDown),
            "http_method": Value(monitor.httpMethod), "url_path": Value(monitor.urlPath), "expected_codes": Value(monitor.expectedCodes),
            "admin_state_up": .bool(monitor.adminStateUp), "pools": [["id": .string(monitor.poolID)]],
        ]) { $1 }
        return .map(json)
    }
}
