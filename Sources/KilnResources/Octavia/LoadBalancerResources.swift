import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Octavia::LoadBalancer`: a load balancer on a VIP subnet, ready once ACTIVE.
public struct LoadBalancerResource: ResourcePlugin {
    public static let typeName = "OS::Octavia::LoadBalancer"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        guard let subnetID = try await CloudPlugin.locate(.subnet, resource[property: "vip_subnet"], property: "vip_subnet", of: resource, in: cloud) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property vip_subnet not assigned")
        }
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let lb = try await CloudPlugin.call(snapshot) {
            try await cloud.loadBalancer.createLoadBalancer(LoadBalancerRequest(
                name: name, description: snapshot[property: "description"].stringValue ?? "", vipSubnetID: subnetID,
                vipAddress: CloudPlugin.string(snapshot[property: "vip_address"]), provider: CloudPlugin.string(snapshot[property: "provider"]),
                flavorID: CloudPlugin.string(snapshot[property: "flavor"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"]), clientToken: token))
        }
        resource.physicalID = lb.id
        try await context.save(resource)
        Self.keep(try await Self.waitActive(resource, cloud.loadBalancer), in: &resource)
    }

    static func waitActive(_ resource: LiveResource, _ service: any LoadBalancerService) async throws -> LoadBalancer {
        guard let id = resource.physicalID else { throw ResourceFailure.failed("the load balancer was not created") }
        do {
            guard let lb = try await service.waitForLoadBalancer(id: id, untilGone: false, timeout: 3600) else {
                throw ResourceFailure.failed("NotFound: resources.\(resource.name): Load Balancer \(id) not found.")
            }
            return lb
        } catch let error as CloudError where error.kind == .failedState {
            if error.message.hasPrefix("Timed out") { throw ResourceFailure.failed(error.message) }
            throw ResourceFailure.failed("ResourceInError: resources.\(resource.name): Went to status ERROR due to \"Unknown\"")
        } catch let error as CloudError {
            throw CloudPlugin.failure(error, resource)
        }
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let lb = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.updateLoadBalancer(
                id: id, name: name, description: snapshot[property: "description"].stringValue,
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true))
        }
        Self.keep(lb, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        do {
            try await CloudPlugin.whenLoadBalancerReady(resource, context) { try await service.deleteLoadBalancer(id: id, cascade: false) }
            _ = try await service.waitForLoadBalancer(id: id, untilGone: true, timeout: 3600)
        } catch let failure as ResourceFailure where failure.description.contains("could not be found") || failure.description.contains("not found") {
            return
        } catch let error as CloudError where error.kind == .notFound {
            return
        }
    }

    /// Refreshes what the attributes show (the pools and listeners made after it).
    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        guard let lb = try await CloudPlugin.call(resource, { try await service.loadBalancer(id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Load Balancer \(id) not found.")
        }
        guard lb.status.provisioning == "ACTIVE" else {
            throw ResourceFailure.failed("Error: resources.\(resource.name): 'provisioning_status': expected 'ACTIVE', got '\(lb.status.provisioning)'")
        }
        Self.keep(lb, in: &resource)
    }

    /// The load balancer's `pools` and `listeners` attributes follow its children.
    static func refresh(_ id: String, _ service: any LoadBalancerService, _ context: ResourceContext) async {
        await CloudPlugin.refresh([typeName], referencedBy: id, context) { owner in
            if let lb = try await service.loadBalancer(id) { keep(lb, in: &owner) }
        }
    }

    static func keep(_ lb: LoadBalancer, in resource: inout LiveResource) {
        resource.attributes = [
            "vip_address": .string(lb.vipAddress), "vip_port_id": .string(lb.vipPortID), "vip_subnet_id": .string(lb.vipSubnetID),
            "pools": .list(lb.poolIDs.map(Value.string)), "listeners": .list(lb.listenerIDs.map(Value.string)),
            "flavor_id": lb.flavorID.map(Value.string) ?? .null, "show": CloudPlugin.value(lb),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Octavia::Listener`: a protocol and port a load balancer listens on.
public struct ListenerResource: ResourcePlugin {
    public static let typeName = "OS::Octavia::Listener"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
        schema.properties["connection_limit"]?.defaultValue = .int(-1)
        schema.properties["protocol"]?.allowedValues = ["TCP", "HTTP", "HTTPS", "TERMINATED_HTTPS", "PROXY", "UDP", "SCTP", "PROMETHEUS"]
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let service = cloud.loadBalancer
        guard let lb = try await CloudPlugin.locate(.loadBalancer, resource[property: "loadbalancer"], property: "loadbalancer", of: resource, in: cloud),
              let port = CloudPlugin.int(resource[property: "protocol_port"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: loadbalancer and protocol_port are required")
        }
        let pool = try await CloudPlugin.locate(.pool, resource[property: "default_pool"], property: "default_pool", of: resource, in: cloud)
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let listener = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.createListener(ListenerRequest(
                name: name, description: snapshot[property: "description"].stringValue ?? "", loadBalancerID: lb,
                protocol: snapshot[property: "protocol"].stringValue ?? "TCP", protocolPort: port,
                defaultPoolID: pool,
                connectionLimit: CloudPlugin.int(snapshot[property: "connection_limit"]) ?? -1,
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"]), clientToken: token))
        }
        resource.physicalID = listener.id
        await LoadBalancerResource.refresh(lb, service, context)
        Self.keep(listener, in: &resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let cloud = try context.cloud()
        let service = cloud.loadBalancer
        let name = CloudPlugin.name(&resource)
        let pool = try await CloudPlugin.locate(.pool, resource[property: "default_pool"], property: "default_pool", of: resource, in: cloud)
        let snapshot = resource
        let listener = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.updateListener(id: id, ListenerUpdate(
                name: name, description: snapshot[property: "description"].stringValue,
                defaultPoolID: .some(pool),
                connectionLimit: CloudPlugin.int(snapshot[property: "connection_limit"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        Self.keep(listener, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        try await CloudPlugin.whenLoadBalancerReady(resource, context) {
            do { try await service.deleteListener(id: id) } catch let error as CloudError where error.kind == .notFound {}
        }
        if let lb = resource.attributes["loadbalancers"]?.listValue?.first?.stringValue { await LoadBalancerResource.refresh(lb, service, context) }
    }

    static func keep(_ listener: Listener, in resource: inout LiveResource) {
        resource.attributes = [
            "loadbalancers": .list([.string(listener.loadBalancerID)]), "default_pool_id": listener.defaultPoolID.map(Value.string) ?? .null,
            "show": CloudPlugin.value(listener),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Octavia::Pool`: the members a listener (or load balancer) balances across.
public struct PoolResource: ResourcePlugin {
    public static let typeName = "OS::Octavia::Pool"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
        schema.properties["lb_algorithm"]?.allowedValues = ["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"]
        schema.properties["session_persistence"] = PropertySchema(
            .map, fields: ["type": PropertySchema(.string, required: true), "cookie_name": PropertySchema(.string)])
    }

    public init() {}

    static func persistence(_ value: Value) -> SessionPersistence? {
        guard let map = value.mapValue, let type = map["type"]?.stringValue else { return nil }
        return SessionPersistence(type: type, cookieName: map["cookie_name"]?.stringValue)
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let service = cloud.loadBalancer
        let listenerID = try await CloudPlugin.locate(.listener, resource[property: "listener"], property: "listener", of: resource, in: cloud)
        let lbID = try await CloudPlugin.locate(.loadBalancer, resource[property: "loadbalancer"], property: "loadbalancer", of: resource, in: cloud)
        guard listenerID != nil || lbID != nil else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: At least one of the following properties must be specified: listener, loadbalancer.")
        }
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let pool = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.createPool(PoolRequest(
                name: name, description: snapshot[property: "description"].stringValue ?? "", listenerID: listenerID, loadBalancerID: lbID,
                protocol: snapshot[property: "protocol"].stringValue ?? "HTTP",
                lbAlgorithm: snapshot[property: "lb_algorithm"].stringValue ?? "ROUND_ROBIN",
                sessionPersistence: Self.persistence(snapshot[property: "session_persistence"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"]), clientToken: token))
        }
        resource.physicalID = pool.id
        await LoadBalancerResource.refresh(pool.loadBalancerID, service, context)
        Self.keep(pool, in: &resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        let name = CloudPlugin.name(&resource)
        let snapshot = resource
        let pool = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.updatePool(id: id, PoolUpdate(
                name: name, description: snapshot[property: "description"].stringValue,
                lbAlgorithm: snapshot[property: "lb_algorithm"].stringValue,
                sessionPersistence: .some(Self.persistence(snapshot[property: "session_persistence"])),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        let members = try await CloudPlugin.call(resource) { try await service.members(poolID: id) }
        Self.keep(pool, members: members.map(\.id), in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        try await CloudPlugin.whenLoadBalancerReady(resource, context) {
            do { try await service.deletePool(id: id) } catch let error as CloudError where error.kind == .notFound {}
        }
        if let lb = resource.attributes["show"]?.mapValue?["load_balancer_id"]?.stringValue { await LoadBalancerResource.refresh(lb, service, context) }
    }

    /// Refreshes what the attributes show (members and the monitor are made after the pool).
    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        guard let pool = try await CloudPlugin.call(resource, { try await service.pool(id) }) else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Pool \(id) not found.")
        }
        let members = try await CloudPlugin.call(resource) { try await service.members(poolID: id) }
        Self.keep(pool, members: members.map(\.id), in: &resource)
    }

    static func keep(_ pool: Pool, members: [String] = [], in resource: inout LiveResource) {
        resource.attributes = [
            "listeners": .list(pool.listenerIDs.map(Value.string)), "healthmonitor_id": pool.healthMonitorID.map(Value.string) ?? .null,
            "members": .list(members.map(Value.string)), "show": CloudPlugin.value(pool),
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Octavia::PoolMember`: one backend address of a pool.
public struct PoolMemberResource: ResourcePlugin {
    public static let typeName = "OS::Octavia::PoolMember"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
        schema.properties["weight"]?.defaultValue = .int(1)
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        guard let poolID = try await CloudPlugin.locate(.pool, resource[property: "pool"], property: "pool", of: resource, in: cloud),
              let address = CloudPlugin.string(resource[property: "address"]), let port = CloudPlugin.int(resource[property: "protocol_port"]) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: pool, address and protocol_port are required")
        }
        let subnetID = try await CloudPlugin.locate(.subnet, resource[property: "subnet"], property: "subnet", of: resource, in: cloud)
        let token = try await CloudPlugin.clientToken(&resource, context)
        let snapshot = resource
        let member = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await cloud.loadBalancer.createMember(PoolMemberRequest(
                name: snapshot[property: "name"].stringValue ?? "", poolID: poolID, address: address, protocolPort: port, subnetID: subnetID,
                weight: CloudPlugin.int(snapshot[property: "weight"]) ?? 1, monitorAddress: CloudPlugin.string(snapshot[property: "monitor_address"]),
                monitorPort: CloudPlugin.int(snapshot[property: "monitor_port"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"]), clientToken: token))
        }
        resource.physicalID = member.id
        resource.data["pool_id"] = .string(member.poolID)
        resource.attributes = ["address": .string(member.address), "pool_id": .string(member.poolID), "show": CloudPlugin.value(member)]
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID, let pool = resource.data["pool_id"]?.stringValue else { return }
        let service = try context.cloud().loadBalancer
        let snapshot = resource
        let member = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.updateMember(poolID: pool, id: id, PoolMemberUpdate(
                name: snapshot[property: "name"].stringValue, weight: CloudPlugin.int(snapshot[property: "weight"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        resource.attributes["show"] = CloudPlugin.value(member)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID, let pool = resource.data["pool_id"]?.stringValue else { return }
        let service = try context.cloud().loadBalancer
        try await CloudPlugin.whenLoadBalancerReady(resource, context) {
            do { try await service.deleteMember(poolID: pool, id: id) } catch let error as CloudError where error.kind == .notFound {}
        }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Octavia::HealthMonitor`: checks a pool's members; members go ONLINE under it.
public struct HealthMonitorResource: ResourcePlugin {
    public static let typeName = "OS::Octavia::HealthMonitor"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["admin_state_up"]?.defaultValue = true
        schema.properties["type"]?.allowedValues = ["HTTP", "HTTPS", "PING", "TCP", "TLS-HELLO", "UDP-CONNECT", "SCTP"]
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        let service = cloud.loadBalancer
        guard let poolID = try await CloudPlugin.locate(.pool, resource[property: "pool"], property: "pool", of: resource, in: cloud) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property pool not assigned")
        }
        let token = try await CloudPlugin.clientToken(&resource, context)
        let snapshot = resource
        let monitor = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.createHealthMonitor(HealthMonitorRequest(
                name: snapshot[property: "name"].stringValue ?? "", poolID: poolID, type: snapshot[property: "type"].stringValue ?? "HTTP",
                delay: CloudPlugin.int(snapshot[property: "delay"]) ?? 5, timeout: CloudPlugin.int(snapshot[property: "timeout"]) ?? 5,
                maxRetries: CloudPlugin.int(snapshot[property: "max_retries"]) ?? 3,
                maxRetriesDown: CloudPlugin.int(snapshot[property: "max_retries_down"]) ?? 3,
                httpMethod: CloudPlugin.string(snapshot[property: "http_method"]), urlPath: CloudPlugin.string(snapshot[property: "url_path"]),
                expectedCodes: CloudPlugin.string(snapshot[property: "expected_codes"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true),
                tags: CloudPlugin.strings(snapshot[property: "tags"]), clientToken: token))
        }
        resource.physicalID = monitor.id
        resource.attributes = ["pools": .list([.string(monitor.poolID)]), "show": CloudPlugin.value(monitor)]
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        let snapshot = resource
        let monitor = try await CloudPlugin.whenLoadBalancerReady(snapshot, context) {
            try await service.updateHealthMonitor(id: id, HealthMonitorUpdate(
                name: snapshot[property: "name"].stringValue, delay: CloudPlugin.int(snapshot[property: "delay"]),
                timeout: CloudPlugin.int(snapshot[property: "timeout"]), maxRetries: CloudPlugin.int(snapshot[property: "max_retries"]),
                maxRetriesDown: CloudPlugin.int(snapshot[property: "max_retries_down"]),
                httpMethod: CloudPlugin.string(snapshot[property: "http_method"]), urlPath: CloudPlugin.string(snapshot[property: "url_path"]),
                expectedCodes: CloudPlugin.string(snapshot[property: "expected_codes"]),
                adminStateUp: CloudPlugin.bool(snapshot[property: "admin_state_up"], default: true), tags: CloudPlugin.strings(snapshot[property: "tags"])))
        }
        resource.attributes["show"] = CloudPlugin.value(monitor)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let service = try context.cloud().loadBalancer
        try await CloudPlugin.whenLoadBalancerReady(resource, context) {
            do { try await service.deleteHealthMonitor(id: id) } catch let error as CloudError where error.kind == .notFound {}
        }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
