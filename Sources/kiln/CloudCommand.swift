import ArgumentParser
import Foundation
import KilnCloud
import KilnEmulator
import KilnModel
import KilnStore

/// `kiln cloud ...`: the embedded emulated cloud's objects, as the OpenStack clients would list them.
struct CloudCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud", abstract: "Inspect the embedded emulated cloud (servers, networks, volumes, load balancers...).",
        subcommands: [List.self, Show.self, Quota.self, Load.self, Metrics.self, ServerCommands.self])
}

/// The kinds `kiln cloud list/show` know, with the columns a list shows.
enum CloudKind: String, CaseIterable, ExpressibleByArgument {
    case server, network, subnet, port, router, floatingip, securitygroup, volume, loadbalancer, listener, pool, member,
         healthmonitor, image, flavor, keypair, servergroup

    init?(argument: String) {
        var text = argument.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        if text.hasSuffix("s"), CloudKind(rawValue: String(text.dropLast())) != nil { text.removeLast() }
        let aliases = ["floatingips": "floatingip", "fip": "floatingip", "sg": "securitygroup", "lb": "loadbalancer"]
        self.init(rawValue: aliases[text] ?? text)
    }

    static var allValueStrings: [String] { allCases.map(\.rawValue) }

    var columns: [String] {
        switch self {
        case .server: ["id", "name", "status", "networks", "image", "flavor"]
        case .network: ["id", "name", "subnets", "external"]
        case .subnet: ["id", "name", "network_id", "cidr", "gateway_ip"]
        case .port: ["id", "name", "mac_address", "fixed_ips", "device_owner", "status"]
        case .router: ["id", "name", "status", "external_gateway"]
        case .floatingip: ["id", "floating_ip_address", "fixed_ip_address", "port_id", "status"]
        case .securitygroup: ["id", "name", "description", "rules"]
        case .volume: ["id", "name", "status", "size_gb", "attached_to"]
        case .loadbalancer: ["id", "name", "vip_address", "provisioning_status", "operating_status"]
        case .listener: ["id", "name", "protocol", "protocol_port", "default_pool_id"]
        case .pool: ["id", "name", "protocol", "lb_algorithm", "members"]
        case .member: ["id", "name", "pool_id", "address", "protocol_port", "operating_status"]
        case .healthmonitor: ["id", "name", "type", "delay", "pool_id"]
        case .image: ["id", "name", "status"]
        case .flavor: ["id", "name", "vcpus", "ram_mb", "disk_gb"]
        case .keypair: ["name", "fingerprint", "type"]
        case .servergroup: ["id", "name", "policies", "members"]
        }
    }
}

/// Options every `kiln cloud` command takes: the home and the project.
struct CloudOptions: ParsableArguments {
    @OptionGroup var home: HomeOptions
    @Option(help: "The project whose objects to show.") var project: String = "default"

    func session() async throws -> (EmulatedCloud, CloudSession) {
        try FileManager.default.createDirectory(atPath: home.directory, withIntermediateDirectories: true)
        let store = try await home.openStore()
        let cloud = try await home.openCloud(store: store)
        return (cloud, cloud.session(projectID: project))
    }
}

extension CloudCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the emulated cloud's objects of one kind.")
        @Argument(help: ArgumentHelp("What to list: \(CloudKind.allValueStrings.joined(separator: ", ")).", valueName: "KIND"))
        var kind: CloudKind
        @OptionGroup var cloud: CloudOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let (_, session) = try await cloud.session()
            let rows = try await cloudCall { try await CloudObjects.list(kind, session) }
            let listed: [Value] = rows.map { row in .map((row.mapValue ?? [:]).filter { kind.columns.contains($0.key) }) }
            emit(output.format == .table ? .list(listed) : .list(rows), output.format) { StackFormat.rowsTable(kind.columns, listed) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one object of the emulated cloud.")
        @Argument(help: ArgumentHelp("Its kind: \(CloudKind.allValueStrings.joined(separator: ", ")).", valueName: "KIND"))
        var kind: CloudKind
        @Argument(help: "Its id or name.") var id: String
        @OptionGroup var cloud: CloudOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let (_, session) = try await cloud.session()
            let rows = try await cloudCall { try await CloudObjects.list(kind, session) }
            let matches = rows.filter { row in
                let map = row.mapValue ?? [:]
                return map["id"]?.stringValue == id || map["name"]?.stringValue == id
            }
            guard let body = matches.first(where: { $0.mapValue?["id"]?.stringValue == id }) ?? matches.first else {
                standardError("kiln: no \(kind.rawValue) '\(id)' in project \(cloud.project)")
                throw ExitCode(1)
            }
            if matches.count > 1, body.mapValue?["id"]?.stringValue != id {
                standardError("kiln: more than one \(kind.rawValue) is named '\(id)'; use its id")
                throw ExitCode(1)
            }
            emit(body, output.format) { StackFormat.fieldTable(body) }
        }
    }

    struct Quota: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quota", abstract: "Show a project's quotas and usage, or set limits (NAME=VALUE, -1 for unlimited).")
        @Argument(help: ArgumentHelp("Limits to set, e.g. instances=500 cores=1000 (\(Quotas.names.joined(separator: ", "))).",
                                     valueName: "NAME=VALUE"))
        var limits: [String] = []
        @OptionGroup var cloud: CloudOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let (emulator, _) = try await cloud.session()
            var changes: [String: Int] = [:]
            for item in limits {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = Int(parts[1]), value >= -1 else {
                    throw ValidationError("'\(item)': expected NAME=VALUE with VALUE an integer of -1 or more")
                }
                changes[parts[0]] = value
            }
            if !changes.isEmpty { try await cloudCall { try await emulator.setQuotas(changes, projectID: cloud.project) } }
            let (limits, usage) = try await cloudCall { try await emulator.quotas(projectID: cloud.project) }
            let rows: [Value] = Quotas.names.map { name in
                ["resource": .string(name), "limit": .int(limits[name] ?? -1), "in_use": .int(usage[name] ?? 0)]
            }
            emit(.list(rows), output.format) { StackFormat.rowsTable(["resource", "limit", "in_use"], rows) }
        }
    }
}

/// A cloud call whose refusal is printed as the cloud words it, exit 1.
func cloudCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CloudError {
        standardError("kiln: \(error.message)")
        throw ExitCode(1)
    }
}

/// The emulated cloud's objects as JSON-like values with snake_case fields, plus the
/// summaries a list shows (a server's networks, a volume's server...).
enum CloudObjects {
    static func list(_ kind: CloudKind, _ session: CloudSession) async throws -> [Value] {
        switch kind {
        case .server:
            let flavors = Dictionary(try await session.compute.flavors().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let images = Dictionary(try await session.images.images().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            return try await session.compute.servers().map { server in
                var map = value(server)
                map["networks"] = .string(server.addresses.keys.sorted().map { name in
                    "\(name)=" + (server.addresses[name] ?? []).map(\.address).joined(separator: ", ")
                }.joined(separator: "; "))
                map["image"] = .string(server.imageID.map { images[$0] ?? $0 } ?? "N/A (booted from volume)")
                map["flavor"] = .string(flavors[server.flavorID] ?? server.flavorID)
                map["power_state"] = .int(server.powerState)
                return .map(map)
            }
        case .network:
            return try await session.network.networks().map { network in
                var map = value(network)
                map["subnets"] = .string(network.subnetIDs.joined(separator: ", "))
                return .map(map)
            }
        case .subnet: return try await session.network.subnets(networkID: nil).map { .map(value($0)) }
        case .port:
            return try await session.network.ports(networkID: nil, deviceID: nil).map { port in
                var map = value(port)
                map["fixed_ips"] = .string(port.fixedIPs.map { "ip_address='\($0.ipAddress)', subnet_id='\($0.subnetID)'" }.joined(separator: "\n"))
                return .map(map)
            }
        case .router: return try await session.network.routers().map { .map(value($0)) }
        case .floatingip: return try await session.network.floatingIPs().map { .map(value($0)) }
        case .securitygroup:
            return try await session.network.securityGroups().map { group in
                var map = value(group)
                map["rules"] = .int(group.rules.count)
                map["rule_list"] = .list(group.rules.map { .map(value($0)) })
                return .map(map)
            }
        case .volume:
            return try await session.blockStorage.volumes().map { volume in
                var map = value(volume)
                map["attached_to"] = .string(volume.attachments.map { "\($0.serverID) on \($0.device)" }.joined(separator: ", "))
                return .map(map)
            }
        case .loadbalancer:
            return try await session.loadBalancer.loadBalancers().map { lb in
                var map = value(lb)
                map["provisioning_status"] = .string(lb.status.provisioning)
                map["operating_status"] = .string(lb.status.operating)
                return .map(map)
            }
        case .listener: return try await session.loadBalancer.listeners().map { .map(value($0)) }
        case .pool:
            var rows: [Value] = []
            for pool in try await session.loadBalancer.pools() {
                var map = value(pool)
                map["members"] = .int(try await session.loadBalancer.members(poolID: pool.id).count)
                rows.append(.map(map))
            }
            return rows
        case .member:
            var rows: [Value] = []
            for pool in try await session.loadBalancer.pools() {
                for member in try await session.loadBalancer.members(poolID: pool.id) {
                    var map = value(member)
                    map["operating_status"] = .string(member.status.operating)
                    map["provisioning_status"] = .string(member.status.provisioning)
                    rows.append(.map(map))
                }
            }
            return rows
        case .healthmonitor: return try await session.loadBalancer.healthMonitors().map { .map(value($0)) }
        case .image: return try await session.images.images().map { .map(value($0)) }
        case .flavor: return try await session.compute.flavors().map { .map(value($0)) }
        case .keypair: return try await session.compute.keyPairs().map { .map(value($0)) }
        case .servergroup: return try await session.compute.serverGroups().map { .map(value($0)) }
        }
    }

    /// An object's stored fields with snake_case names; dates as ISO 8601.
    static func value<T: Encodable>(_ object: T) -> [String: Value] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(HeatTime.iso(date))
        }
        guard let data = try? encoder.encode(object), let parsed = try? Value.parseJSON(String(decoding: data, as: UTF8.self)) else {
            return [:]
        }
        var map = parsed.mapValue ?? [:]
        map["pending_status"] = nil
        map["ready_at"] = nil
        return map
    }
}
