import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnResources
import KilnStore

/// `kiln-bench cloud`: creates and deletes examples/three-tier.yaml scaled to N web servers
/// (each with a volume and a pool member) on the emulated cloud in a durable SQLite file.
/// Without latency it reports wall times and peak RSS; with a latency model (`--latency
/// real`: server 20 s, volume 5 s, load balancer and others 1 s, or a list such as
/// server=2s,others=100ms) it also reports the critical path: the longest chain of
/// dependent resources, each weighted by how long its own cloud work took (nested stacks
/// by their own critical path), which is the wall time of a perfect scheduler.
func cloudBenchmark(_ arguments: [String]) async -> Int32 {
    let given = options(arguments, allowed: ["--servers", "--latency", "--max-parallel", "--examples", "--format"])
    guard let servers = Int(given["--servers"] ?? "500"), servers >= 0 else { fail("--servers takes a number") }
    // Resources that wait on the cloud cost nothing while they wait: a latency-bound stack
    // reaches its critical path only when every ready resource may start.
    guard let maxParallel = Int(given["--max-parallel"] ?? "1024"), maxParallel > 0 else { fail("--max-parallel takes a positive number") }
    let latencyText = given["--latency"] ?? "none"
    let latency: CloudLatency
    do {
        switch latencyText {
        case "none": latency = .none
        case "real": latency = try CloudLatency(parsing: "server=20s,volume=5s,others=1s")
        default: latency = try CloudLatency(parsing: latencyText)
        }
    } catch {
        fail("--latency: \(error)")
    }
    let examples = given["--examples"] ?? "examples"
    let json = (given["--format"] ?? "text") == "json"
    guard let template = try? String(contentsOfFile: "\(examples)/three-tier.yaml", encoding: .utf8),
          let member = try? String(contentsOfFile: "\(examples)/web-server.yaml", encoding: .utf8) else {
        fail("cannot read \(examples)/three-tier.yaml and web-server.yaml (run from the repository, or pass --examples DIR)")
    }

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
        let store = try SQLiteStore(path: directory.appendingPathComponent("kiln.db").path)
        let cloud = try await EmulatedCloud(store: store, options: EmulatorOptions(latency: latency))
        try await cloud.setQuotas(Dictionary(uniqueKeysWithValues: Quotas.names.map { ($0, -1) }), projectID: "default")
        let engine = Engine(store: store, plugins: .standard, cloud: cloud, maxParallel: maxParallel)
        let session = cloud.session(projectID: "default")

        let createStart = ContinuousClock.now
        let created = try await engine.create(StackRequest(
            name: "three-tier", templateName: "three-tier.yaml", template: template, parameters: ["web_count": String(servers)],
            files: ["web-server.yaml": member]))
        let createSeconds = seconds(since: createStart)
        guard created.status == .complete else {
            FileHandle.standardError.write(Data("kiln-bench: create ended \(created.statusText): \(created.statusReason)\n".utf8))
            return 1
        }
        let made = (
            servers: try await session.compute.servers().count, volumes: try await session.blockStorage.volumes().count,
            members: try await session.loadBalancer.pools().asyncMap { try await session.loadBalancer.members(poolID: $0.id).count }
                .reduce(0, +))
        guard made.servers == servers + 1, made.volumes == servers + 1, made.members == servers else {
            FileHandle.standardError.write(Data("kiln-bench: the cloud holds \(made) after the create, not \(servers + 1) servers and volumes and \(servers) members\n".utf8))
            return 1
        }
        let critical = try await criticalPath(store, stackID: created.id)

        let deleteStart = ContinuousClock.now
        let deleted = try await engine.delete(created.id)
        let deleteSeconds = seconds(since: deleteStart)
        guard deleted.status == .complete else {
            FileHandle.standardError.write(Data("kiln-bench: delete ended \(deleted.statusText): \(deleted.statusReason)\n".utf8))
            return 1
        }
        let left = try await session.compute.servers().count + session.blockStorage.volumes().count
            + session.network.ports(networkID: nil, deviceID: nil).count + session.loadBalancer.loadBalancers().count
        guard left == 0 else {
            FileHandle.standardError.write(Data("kiln-bench: \(left) cloud objects left after the delete\n".utf8))
            return 1
        }
        let peak = peakRSSMiB()
        let result: Value = [
            "servers": .int(made.servers), "volumes": .int(made.volumes), "members": .int(made.members),
            "latency": .string(latencyText), "create_seconds": .double(createSeconds), "delete_seconds": .double(deleteSeconds),
            "create_critical_path_seconds": .double(critical),
            "create_over_critical_path": .double(critical > 0 ? createSeconds / critical : 0),
            "peak_rss_mib": peak.map(Value.double) ?? .null, "max_parallel": .int(maxParallel),
        ]
        if json {
            print(result.prettyJSON())
        } else {
            print("three-tier with \(made.servers) servers, \(made.volumes) volumes, \(made.members) pool members; latency \(latencyText)")
            print(String(format: "create %.2f s (critical path %.2f s, ratio %.3f), delete %.2f s", createSeconds, critical,
                         critical > 0 ? createSeconds / critical : 0, deleteSeconds))
            print("peak RSS: \(peak.map { String(format: "%.1f MiB", $0) } ?? "unknown"), max parallel \(maxParallel)")
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8))
        return 1
    }
}

/// The longest chain of dependent resources of a stack, each weighted by the time from its
/// CREATE_IN_PROGRESS to its CREATE_COMPLETE event, or, when it owns a nested stack, by that
/// stack's own critical path.
func criticalPath(_ store: any Store, stackID: String) async throws -> Double {
    let resources = try await store.resources(stackID: stackID)
    let events = try await store.events(stackID: stackID, resourceName: nil, after: nil, limit: nil)
    let children = try await store.childStacks(of: stackID)
    var weight: [String: Double] = [:]
    for resource in resources {
        if let child = children.first(where: { $0.parentResource == resource.name }) {
            weight[resource.name] = try await criticalPath(store, stackID: child.id)
            continue
        }
        let own = events.filter { $0.resourceName == resource.name && $0.action == .create }
        let start = own.first { $0.status == .inProgress }?.timestamp, end = own.last { $0.status == .complete }?.timestamp
        if let start, let end { weight[resource.name] = end.timeIntervalSince(start) }
    }
    var longest: [String: Double] = [:]
    let byName = Dictionary(resources.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    func path(_ name: String, _ depth: Int) -> Double {
        if let known = longest[name] { return known }
        guard depth < 10_000, let resource = byName[name] else { return 0 }
        let before = resource.requires.map { path($0, depth + 1) }.max() ?? 0
        let total = before + (weight[name] ?? 0)
        longest[name] = total
        return total
    }
    return resources.map { path($0.name, 0) }.max() ?? 0
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
