import Foundation
import KilnCloud
import KilnStore

/// A Kiln extension of the emulated cloud, for auto-healing demos and tests: a server fails
/// as on a dead host. It goes to ERROR, and each load-balancer pool member at one of its
/// addresses goes OFFLINE when its pool has a health monitor (the monitor's checks fail);
/// a member of an unmonitored pool keeps NO_MONITOR, as Octavia cannot tell.
extension EmulatedCloud {
    public func failServer(_ idOrName: String, projectID: String) async throws -> (server: Server, members: [PoolMember]) {
        try await write(projectID: projectID) { tables in
            guard let found: Server = try tables.find(
                .server, idOrName, project: projectID, label: "server", visible: { (server: Server) in server.projectID == projectID })
            else {
                throw CloudError(.notFound, "No server with a name or ID of '\(idOrName)' exists.")
            }
            var server = tables.settle(found)
            server.status = "ERROR"
            server.pendingStatus = nil
            server.readyAt = nil
            server.fault = "The server failed (kiln cloud server fail)"
            server.updatedAt = tables.now
            try tables.putServer(server)
            let view = try tables.serverView(server)
            let addresses = Set(view.addresses.values.flatMap { $0 }.map(\.address))
            var changed: [PoolMember] = []
            for var member in try tables.all(.member, project: projectID) as [PoolMember] where addresses.contains(member.address) {
                guard let pool: Pool = try tables.get(.pool, member.poolID), pool.healthMonitorID != nil else { continue }
                member.status.operating = "OFFLINE"
                member.updatedAt = tables.now
                try tables.put(.member, member.id, member, project: member.projectID, parent: member.poolID, name: member.name,
                               createdAt: member.createdAt)
                changed.append(member)
            }
            return (view, changed)
        }
    }
}

extension Tables {
    /// Members as a health monitor sees them: in a monitored pool, a member whose address is a
    /// server's is ONLINE while that server is ACTIVE and OFFLINE while it is in ERROR or
    /// stopped (a server in transition, or no server at that address, keeps what is stored).
    func monitored(_ members: [PoolMember], pool: Pool) throws -> [PoolMember] {
        guard pool.healthMonitorID != nil, !members.isEmpty else { return members }
        var servers: [String: String] = [:]  // address -> server status
        for port in try all(.port, project: pool.projectID) as [NetworkPort] where !port.deviceID.isEmpty {
            guard let stored: Server = try get(.server, port.deviceID) else { continue }
            let status = settle(stored).status
            for fixed in port.fixedIPs { servers[fixed.ipAddress] = status }
        }
        return members.map { member in
            guard member.adminStateUp, let status = servers[member.address] else { return member }
            var member = member
            switch status {
            case "ACTIVE": member.status.operating = "ONLINE"
            case "ERROR", "SHUTOFF", "SUSPENDED", "PAUSED", "SHELVED", "SHELVED_OFFLOADED": member.status.operating = "OFFLINE"
            default: break
            }
            return member
        }
    }
}
