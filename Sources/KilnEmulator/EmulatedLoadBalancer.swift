import Foundation
import KilnCloud

/// Octavia, emulated: a load balancer takes the load-balancer latency to become ACTIVE; its
/// listeners, pools, members and health monitors can only change while it is ACTIVE, as
/// Octavia's "immutable" rule says.
extension EmulatedSession: LoadBalancerService {
    func loadBalancers() async throws -> [LoadBalancer] {
        let project = projectID
        return try await read { tables in try (tables.all(.loadbalancer, project: project) as [LoadBalancer]).map(tables.settle) }
    }

    func loadBalancer(_ idOrName: String) async throws -> LoadBalancer? {
        let project = projectID
        return try await read { tables in
            try tables.find(.loadbalancer, idOrName, project: project, label: "loadbalancer") { (lb: LoadBalancer) in lb.projectID == project }
                .map(tables.settle)
        }
    }

    func createLoadBalancer(_ request: LoadBalancerRequest) async throws -> LoadBalancer {
        try cloud.injectFault("loadbalancer.api")
        let fails = cloud.faultHits("loadbalancer.create")
        let ready = cloud.readyTime("loadbalancer", from: cloud.clock())
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let lb: LoadBalancer = try tables.get(.loadbalancer, id) {
                return tables.settle(lb)
            }
            guard let subnet = try tables.subnet(request.vipSubnetID, project: project) else {
                throw CloudError(.badRequest, "Validation failure: Subnet \(request.vipSubnetID) not found.")
            }
            try tables.reserve(["loadbalancers": 1], project: project)
            let id = newID()
            let port = try tables.makePort(
                PortRequest(name: "octavia-lb-\(id)", networkID: subnet.networkID,
                            fixedIPs: [FixedIPRequest(subnetID: subnet.id, ipAddress: request.vipAddress)], securityGroupIDs: [],
                            deviceID: "lb-\(id)", deviceOwner: "Octavia"),
                project: project)
            var lb = LoadBalancer(
                id: id, name: request.name, projectID: project, description: request.description, vipSubnetID: subnet.id,
                vipNetworkID: subnet.networkID, vipAddress: port.fixedIPs[0].ipAddress, vipPortID: port.id,
                provider: request.provider ?? "amphora", flavorID: request.flavorID, adminStateUp: request.adminStateUp,
                tags: request.tags, createdAt: tables.now)
            let outcome = fails ? LoadBalancerStatus(provisioning: "ERROR", operating: "ERROR")
                : LoadBalancerStatus(provisioning: "ACTIVE", operating: request.adminStateUp ? "ONLINE" : "OFFLINE")
            if let ready {
                lb.pendingStatus = outcome
                lb.readyAt = ready
            } else {
                lb.status = outcome
            }
            try tables.putLoadBalancer(lb)
            try tables.remember(token: request.clientToken, id: id, project: project)
            return lb
        }
    }

    func updateLoadBalancer(id: String, name: String?, description: String?, adminStateUp: Bool?) async throws -> LoadBalancer {
        try await cloud.callLatency("others")
        let project = projectID
        return try await write { tables in
            var lb = try tables.activeLoadBalancer(id, project: project)
            if let name { lb.name = name }
            if let description { lb.description = description }
            if let adminStateUp {
                lb.adminStateUp = adminStateUp
                lb.status.operating = adminStateUp ? "ONLINE" : "OFFLINE"
            }
            lb.updatedAt = tables.now
            try tables.putLoadBalancer(lb)
            return lb
        }
    }

    func deleteLoadBalancer(id: String, cascade: Bool) async throws {
        try cloud.injectFault("loadbalancer.delete")
        try await cloud.callLatency("others")
        let project = projectID
        try await write { tables in
            guard let stored: LoadBalancer = try tables.get(.loadbalancer, id), stored.projectID == project else { return }
            let lb = tables.settle(stored)
            if lb.status.provisioning.hasPrefix("PENDING") {
                throw CloudError(.conflict, "Invalid state \(lb.status.provisioning) of loadbalancer resource \(id)")
            }
            if !cascade, !lb.listenerIDs.isEmpty || !lb.poolIDs.isEmpty {
                throw CloudError(.badRequest, "Cannot delete Load Balancer \(id) - it has children")
            }
            for poolID in lb.poolIDs {
                try tables.raw.deleteRows(kind: EmulatedKind.member.rawValue, parentID: poolID)
                try tables.raw.deleteRows(kind: EmulatedKind.healthmonitor.rawValue, parentID: poolID)
                try tables.delete(.pool, poolID)
            }
            for listenerID in lb.listenerIDs { try tables.delete(.listener, listenerID) }
            if let port: NetworkPort = try tables.get(.port, lb.vipPortID) { try tables.removePort(port) }
            try tables.delete(.loadbalancer, id)
            try tables.forgetTokens(of: id)
            try tables.release(["loadbalancers": 1], project: project)
        }
    }

    func waitForLoadBalancer(id: String, untilGone: Bool, timeout: Double) async throws -> LoadBalancer? {
        let project = projectID
        return try await wait("load balancer \(id)", timeout: timeout) { tables -> (done: LoadBalancer??, next: Date?) in
            guard let stored: LoadBalancer = try tables.get(.loadbalancer, id), stored.projectID == project else {
                if untilGone { return (.some(nil), nil) }
                throw CloudError(.notFound, "Load Balancer \(id) not found.")
            }
            let lb = tables.settle(stored)
            if !untilGone, lb.status.provisioning == "ACTIVE" { return (.some(lb), nil) }
            if lb.status.provisioning == "ERROR" {
                throw CloudError(.failedState, "Load balancer \(id) went to provisioning status ERROR")
            }
            return (nil, lb.readyAt)
        }
    }

    // MARK: Listeners

    func listeners() async throws -> [Listener] {
        let project = projectID
        return try await read { try $0.all(.listener, project: project) }
    }

    func listener(_ idOrName: String) async throws -> Listener? {
        let project = projectID
        return try await read { tables in
            try tables.find(.listener, idOrName, project: project, label: "listener") { (listener: Listener) in listener.projectID == project }
        }
    }

    func createListener(_ request: ListenerRequest) async throws -> Listener {
        try cloud.injectFault("listener.create")
        try await cloud.callLatency("listener")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let listener: Listener = try tables.get(.listener, id) { return listener }
            var lb = try tables.activeLoadBalancer(request.loadBalancerID, project: project)
            let siblings: [Listener] = try tables.all(.listener, parent: lb.id)
            if siblings.contains(where: { $0.protocolPort == request.protocolPort }) {
                throw CloudError(.conflict, "Another Listener on this Load Balancer is already using protocol_port \(request.protocolPort)")
            }
            guard (1...65535).contains(request.protocolPort) else {
                throw CloudError(.badRequest, "Invalid input for field/attribute protocol_port. Value: '\(request.protocolPort)'.")
            }
            let listener = Listener(
                id: newID(), name: request.name, projectID: project, description: request.description, loadBalancerID: lb.id,
                protocol: request.protocol, protocolPort: request.protocolPort, defaultPoolID: request.defaultPoolID,
                connectionLimit: request.connectionLimit, adminStateUp: request.adminStateUp, tags: request.tags, createdAt: tables.now)
            try tables.put(.listener, listener.id, listener, project: project, parent: lb.id, name: listener.name)
            lb.listenerIDs.append(listener.id)
            try tables.putLoadBalancer(lb)
            try tables.remember(token: request.clientToken, id: listener.id, project: project)
            return listener
        }
    }

    func updateListener(id: String, _ update: ListenerUpdate) async throws -> Listener {
        try await cloud.callLatency("listener")
        let project = projectID
        return try await write { tables in
            var listener = try tables.requireOwned(.listener, id, project: project, label: "Listener") as Listener
            _ = try tables.activeLoadBalancer(listener.loadBalancerID, project: project)
            if let name = update.name { listener.name = name }
            if let description = update.description { listener.description = description }
            if let pool = update.defaultPoolID { listener.defaultPoolID = pool }
            if let limit = update.connectionLimit { listener.connectionLimit = limit }
            if let value = update.adminStateUp { listener.adminStateUp = value }
            if let tags = update.tags { listener.tags = tags }
            listener.updatedAt = tables.now
            try tables.put(.listener, listener.id, listener, project: project, parent: listener.loadBalancerID, name: listener.name,
                           createdAt: listener.createdAt)
            return listener
        }
    }

    func deleteListener(id: String) async throws {
        try cloud.injectFault("listener.delete")
        try await cloud.callLatency("listener")
        let project = projectID
        try await write { tables in
            guard let listener: Listener = try tables.get(.listener, id), listener.projectID == project else { return }
            var lb = try tables.activeLoadBalancer(listener.loadBalancerID, project: project)
            lb.listenerIDs.removeAll { $0 == id }
            try tables.putLoadBalancer(lb)
            for var pool in try tables.all(.pool, parent: lb.id) as [Pool] where pool.listenerIDs.contains(id) {
                pool.listenerIDs.removeAll { $0 == id }
                try tables.putPool(pool)
            }
            try tables.delete(.listener, id)
            try tables.forgetTokens(of: id)
        }
    }

    // MARK: Pools

    func pools() async throws -> [Pool] {
        let project = projectID
        return try await read { try $0.all(.pool, project: project) }
    }

    func pool(_ idOrName: String) async throws -> Pool? {
        let project = projectID
        return try await read { tables in try tables.find(.pool, idOrName, project: project, label: "pool") { (pool: Pool) in pool.projectID == project } }
    }

    func createPool(_ request: PoolRequest) async throws -> Pool {
        try cloud.injectFault("pool.create")
        try await cloud.callLatency("pool")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let pool: Pool = try tables.get(.pool, id) { return pool }
            var listener: Listener?
            if let listenerID = request.listenerID {
                guard let found: Listener = try tables.find(.listener, listenerID, project: project, label: "listener", visible: { (l: Listener) in l.projectID == project }) else {
                    throw CloudError(.notFound, "Listener \(listenerID) not found.")
                }
                if let existing = found.defaultPoolID {
                    throw CloudError(.conflict, "Listener \(found.id) is already using default pool \(existing)")
                }
                listener = found
            }
            guard let lbID = listener?.loadBalancerID ?? request.loadBalancerID else {
                throw CloudError(.badRequest, "Validation failure: Either listener_id or loadbalancer_id must be specified.")
            }
            var lb = try tables.activeLoadBalancer(lbID, project: project)
            let pool = Pool(
                id: newID(), name: request.name, projectID: project, description: request.description, loadBalancerID: lb.id,
                listenerIDs: listener.map { [$0.id] } ?? [], protocol: request.protocol, lbAlgorithm: request.lbAlgorithm,
                sessionPersistence: request.sessionPersistence, adminStateUp: request.adminStateUp, tags: request.tags, createdAt: tables.now)
            try tables.putPool(pool)
            if var listener {
                listener.defaultPoolID = pool.id
                try tables.put(.listener, listener.id, listener, project: project, parent: lb.id, name: listener.name, createdAt: listener.createdAt)
            }
            lb.poolIDs.append(pool.id)
            try tables.putLoadBalancer(lb)
            try tables.remember(token: request.clientToken, id: pool.id, project: project)
            return pool
        }
    }

    func updatePool(id: String, _ update: PoolUpdate) async throws -> Pool {
        try await cloud.callLatency("pool")
        let project = projectID
        return try await write { tables in
            var pool = try tables.requireOwned(.pool, id, project: project, label: "Pool") as Pool
            _ = try tables.activeLoadBalancer(pool.loadBalancerID, project: project)
            if let name = update.name { pool.name = name }
            if let description = update.description { pool.description = description }
            if let algorithm = update.lbAlgorithm { pool.lbAlgorithm = algorithm }
            if let persistence = update.sessionPersistence { pool.sessionPersistence = persistence }
            if let value = update.adminStateUp { pool.adminStateUp = value }
            if let tags = update.tags { pool.tags = tags }
            pool.updatedAt = tables.now
            try tables.putPool(pool)
            return pool
        }
    }

    func deletePool(id: String) async throws {
        try cloud.injectFault("pool.delete")
        try await cloud.callLatency("pool")
        let project = projectID
        try await write { tables in
            guard let pool: Pool = try tables.get(.pool, id), pool.projectID == project else { return }
            var lb = try tables.activeLoadBalancer(pool.loadBalancerID, project: project)
            lb.poolIDs.removeAll { $0 == id }
            try tables.putLoadBalancer(lb)
            for var listener in try tables.all(.listener, parent: lb.id) as [Listener] where listener.defaultPoolID == id {
                listener.defaultPoolID = nil
                try tables.put(.listener, listener.id, listener, project: project, parent: lb.id, name: listener.name, createdAt: listener.createdAt)
            }
            try tables.raw.deleteRows(kind: EmulatedKind.member.rawValue, parentID: id)
            try tables.raw.deleteRows(kind: EmulatedKind.healthmonitor.rawValue, parentID: id)
            try tables.delete(.pool, id)
            try tables.forgetTokens(of: id)
        }
    }

    // MARK: Members

    func members(poolID: String) async throws -> [PoolMember] {
        let project = projectID
        return try await read { tables in
            let pool = try tables.requireOwned(.pool, poolID, project: project, label: "Pool") as Pool
            return try tables.monitored(try tables.all(.member, parent: pool.id), pool: pool)
        }
    }

    func member(poolID: String, id: String) async throws -> PoolMember? {
        let project = projectID
        return try await read { tables in
            guard let member: PoolMember = try tables.get(.member, id), member.poolID == poolID, member.projectID == project else { return nil }
            guard let pool: Pool = try tables.get(.pool, poolID) else { return member }
            return try tables.monitored([member], pool: pool).first
        }
    }

    func createMember(_ request: PoolMemberRequest) async throws -> PoolMember {
        try cloud.injectFault("member.create")
        try await cloud.callLatency("member")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let member: PoolMember = try tables.get(.member, id) { return member }
            let pool = try tables.requireOwned(.pool, request.poolID, project: project, label: "Pool") as Pool
            _ = try tables.activeLoadBalancer(pool.loadBalancerID, project: project)
            guard IPAddress(request.address) != nil else {
                throw CloudError(.badRequest, "Invalid input for field/attribute address. Value: '\(request.address)'. Value should be IPv4 or IPv6 format")
            }
            let siblings: [PoolMember] = try tables.all(.member, parent: pool.id)
            if siblings.contains(where: { $0.address == request.address && $0.protocolPort == request.protocolPort }) {
                throw CloudError(.conflict, "Duplicate member with address and port \(request.address):\(request.protocolPort)")
            }
            var member = PoolMember(
                id: newID(), name: request.name, projectID: project, poolID: pool.id, address: request.address,
                protocolPort: request.protocolPort, subnetID: request.subnetID, weight: request.weight, backup: request.backup,
                monitorAddress: request.monitorAddress, monitorPort: request.monitorPort, adminStateUp: request.adminStateUp,
                tags: request.tags, createdAt: tables.now)
            member.status.operating = pool.healthMonitorID == nil ? "NO_MONITOR" : (request.adminStateUp ? "ONLINE" : "OFFLINE")
            try tables.put(.member, member.id, member, project: project, parent: pool.id, name: member.name)
            try tables.remember(token: request.clientToken, id: member.id, project: project)
            return member
        }
    }

    func updateMember(poolID: String, id: String, _ update: PoolMemberUpdate) async throws -> PoolMember {
        try await cloud.callLatency("member")
        let project = projectID
        return try await write { tables in
            guard var member: PoolMember = try tables.get(.member, id), member.poolID == poolID, member.projectID == project else {
                throw CloudError(.notFound, "Member \(id) not found.")
            }
            if let name = update.name { member.name = name }
            if let weight = update.weight { member.weight = weight }
            if let backup = update.backup { member.backup = backup }
            if let address = update.monitorAddress { member.monitorAddress = address }
            if let port = update.monitorPort { member.monitorPort = port }
            if let value = update.adminStateUp { member.adminStateUp = value }
            if let tags = update.tags { member.tags = tags }
            member.updatedAt = tables.now
            try tables.put(.member, member.id, member, project: project, parent: poolID, name: member.name, createdAt: member.createdAt)
            return member
        }
    }

    func deleteMember(poolID: String, id: String) async throws {
        try cloud.injectFault("member.delete")
        try await cloud.callLatency("member")
        let project = projectID
        try await write { tables in
            guard let member: PoolMember = try tables.get(.member, id), member.poolID == poolID, member.projectID == project else { return }
            try tables.delete(.member, member.id)
            try tables.forgetTokens(of: member.id)
        }
    }

    // MARK: Health monitors

    func healthMonitors() async throws -> [HealthMonitor] {
        let project = projectID
        return try await read { try $0.all(.healthmonitor, project: project) }
    }

    func healthMonitor(id: String) async throws -> HealthMonitor? {
        let project = projectID
        return try await read { tables in
            guard let monitor: HealthMonitor = try tables.get(.healthmonitor, id), monitor.projectID == project else { return nil }
            return monitor
        }
    }

    func createHealthMonitor(_ request: HealthMonitorRequest) async throws -> HealthMonitor {
        try cloud.injectFault("healthmonitor.create")
        try await cloud.callLatency("healthmonitor")
        let project = projectID
        return try await write { tables in
            if let id = try tables.tokenTarget(request.clientToken), let monitor: HealthMonitor = try tables.get(.healthmonitor, id) { return monitor }
            var pool = try tables.requireOwned(.pool, request.poolID, project: project, label: "Pool") as Pool
            _ = try tables.activeLoadBalancer(pool.loadBalancerID, project: project)
            if let existing = pool.healthMonitorID {
                throw CloudError(.conflict, "Pool \(pool.id) is already using Health Monitor \(existing)")
            }
            let monitor = HealthMonitor(
                id: newID(), name: request.name, projectID: project, poolID: pool.id, type: request.type, delay: request.delay,
                timeout: request.timeout, maxRetries: request.maxRetries, maxRetriesDown: request.maxRetriesDown,
                httpMethod: request.httpMethod, urlPath: request.urlPath, expectedCodes: request.expectedCodes,
                adminStateUp: request.adminStateUp, tags: request.tags, createdAt: tables.now)
            try tables.put(.healthmonitor, monitor.id, monitor, project: project, parent: pool.id, name: monitor.name)
            pool.healthMonitorID = monitor.id
            try tables.putPool(pool)
            try tables.setMembersOperating(pool: pool.id, monitored: true)
            try tables.remember(token: request.clientToken, id: monitor.id, project: project)
            return monitor
        }
    }

    func updateHealthMonitor(id: String, _ update: HealthMonitorUpdate) async throws -> HealthMonitor {
        try await cloud.callLatency("healthmonitor")
        let project = projectID
        return try await write { tables in
            var monitor = try tables.requireOwned(.healthmonitor, id, project: project, label: "Health Monitor") as HealthMonitor
            if let name = update.name { monitor.name = name }
            if let delay = update.delay { monitor.delay = delay }
            if let timeout = update.timeout { monitor.timeout = timeout }
            if let retries = update.maxRetries { monitor.maxRetries = retries }
            if let retries = update.maxRetriesDown { monitor.maxRetriesDown = retries }
            if let method = update.httpMethod { monitor.httpMethod = method }
            if let path = update.urlPath { monitor.urlPath = path }
            if let codes = update.expectedCodes { monitor.expectedCodes = codes }
            if let value = update.adminStateUp { monitor.adminStateUp = value }
            if let tags = update.tags { monitor.tags = tags }
            monitor.updatedAt = tables.now
            try tables.put(.healthmonitor, monitor.id, monitor, project: project, parent: monitor.poolID, name: monitor.name,
                           createdAt: monitor.createdAt)
            return monitor
        }
    }

    func deleteHealthMonitor(id: String) async throws {
        try cloud.injectFault("healthmonitor.delete")
        try await cloud.callLatency("healthmonitor")
        let project = projectID
        try await write { tables in
            guard let monitor: HealthMonitor = try tables.get(.healthmonitor, id), monitor.projectID == project else { return }
            if var pool: Pool = try tables.get(.pool, monitor.poolID) {
                pool.healthMonitorID = nil
                try tables.putPool(pool)
                try tables.setMembersOperating(pool: pool.id, monitored: false)
            }
            try tables.delete(.healthmonitor, id)
            try tables.forgetTokens(of: id)
        }
    }
}

extension Tables {
    func putLoadBalancer(_ lb: LoadBalancer) throws {
        try put(.loadbalancer, lb.id, lb, project: lb.projectID, name: lb.name, createdAt: lb.createdAt)
    }

    func putPool(_ pool: Pool) throws {
        try put(.pool, pool.id, pool, project: pool.projectID, parent: pool.loadBalancerID, name: pool.name, createdAt: pool.createdAt)
    }

    func settle(_ lb: LoadBalancer) -> LoadBalancer {
        guard let pending = lb.pendingStatus, let ready = lb.readyAt, ready <= now else { return lb }
        var lb = lb
        lb.status = pending
        lb.pendingStatus = nil
        lb.readyAt = nil
        return lb
    }

    /// The load balancer, which must be ACTIVE for its children to change (Octavia's 409 otherwise).
    func activeLoadBalancer(_ idOrName: String, project: String) throws -> LoadBalancer {
        guard let stored = try find(.loadbalancer, idOrName, project: project, label: "loadbalancer", visible: { (lb: LoadBalancer) in lb.projectID == project }) else {
            throw CloudError(.notFound, "Load Balancer \(idOrName) not found.")
        }
        let lb = settle(stored)
        guard lb.status.provisioning == "ACTIVE" else {
            throw CloudError(.conflict, "Load Balancer \(lb.id) is immutable and cannot be updated.")
        }
        return lb
    }

    func setMembersOperating(pool: String, monitored: Bool) throws {
        for var member in try all(.member, parent: pool) as [PoolMember] {
            member.status.operating = monitored ? (member.adminStateUp ? "ONLINE" : "OFFLINE") : "NO_MONITOR"
            try put(.member, member.id, member, project: member.projectID, parent: pool, name: member.name, createdAt: member.createdAt)
        }
    }
}
