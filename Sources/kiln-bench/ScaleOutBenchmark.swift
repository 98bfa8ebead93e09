import Foundation
import KilnModel
import KilnLocalPostgres
import KilnStore

/// `kiln-bench scale-out`: 1 engine against N `kiln serve` engines on one PostgreSQL (one
/// machine, so the ratio shows what sharing costs, not extra cores): stacks per second created
/// and deleted by concurrent clients spread over the engines, the per-resource cost of one big
/// create on PostgreSQL against SQLite, and the takeover time after `kill -9` of the engine
/// running a create (from the kill to the stack's next event, read through another engine).
func scaleOutBenchmark(_ arguments: [String]) async -> Int32 {
    let options = ServerBenchOptions(arguments, allowed: ["--engines", "--clients", "--seconds", "--resources"])
    let engines = options.positive("--engines", 3), clients = options.positive("--clients", 50)
    let duration = options.positive("--seconds", 30), big = options.positive("--resources", 1000)
    do {
        var result: [String: Value] = [:]
        var errors: [String] = []
        for count in Array(Set([1, engines])).sorted() {
            let run = try await loadAcross(engines: count, clients: clients, seconds: duration)
            result["engines_\(count)"] = run.figures
            errors += run.errors
        }
        let postgres = try await bigCreate(resources: big, database: try await TestPostgres.makeDatabaseURL())
        let sqlite = try await bigCreate(resources: big, database: nil)
        result["create_ms_per_resource"] = ["postgresql": .double(postgres), "sqlite": .double(sqlite)]
        let takeover = try await takeoverAfterKill(engines: max(2, engines))
        result["takeover_seconds"] = .double(takeover)
        if options.format == "json" {
            print(Value.map(result).prettyJSON())
        } else {
            for count in Array(Set([1, engines])).sorted() {
                let figures = result["engines_\(count)"] ?? .null
                print(String(
                    format: "%d engine(s) on PostgreSQL, %d clients: %.1f stacks/s created, %.1f stacks/s deleted, p50 %.1f ms, p99 %.1f ms, %d errors",
                    count, clients, figures["created_per_second"].numberValue ?? 0, figures["deleted_per_second"].numberValue ?? 0,
                    figures["p50_ms"].numberValue ?? 0, figures["p99_ms"].numberValue ?? 0, figures["errors"].numberValue.map { Int($0) } ?? 0))
            }
            print(String(format: "create of %d resources: %.3f ms per resource on PostgreSQL, %.3f on SQLite (%.2fx)",
                         big, postgres, sqlite, postgres / max(sqlite, 0.000001)))
            print(String(format: "takeover after kill -9 of the engine running a create: %.2f s to the stack's next event", takeover))
        }
        for error in errors.prefix(20) { FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8)) }
        return errors.isEmpty ? 0 : 1
    } catch {
        FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8))
        return 1
    }
}

/// `clients` clients, client i on engine i mod N, each looping create → complete → list →
/// events → delete → gone until the deadline.
private func loadAcross(engines count: Int, clients: Int, seconds duration: Int) async throws -> (figures: Value, errors: [String]) {
    let cluster = try await EngineProcesses(count: count, database: try await TestPostgres.makeDatabaseURL())
    defer { cluster.stop() }
    let tally = LoadTally(), latencies = Latencies()
    let template = noneTemplate(resources: 5)
    let names = (0..<5).map { "r\($0)" }
    let deadline = Date().addingTimeInterval(Double(duration))
    let start = ContinuousClock.now
    await onThreads(clients) { index in
        let driver = LoadDriver(client: cluster.client(index), stacks: cluster.stacksPath, latencies: latencies, tally: tally)
        var loop = 0
        while Date() < deadline {
            driver.cycle(name: "scale-\(index)-\(loop)", template: template, resources: names)
            loop += 1
        }
    }
    let elapsed = seconds(since: start)
    let counts = tally.counts
    var errors = latencies.errors
    if counts.started != counts.deleted { errors.append("\(count) engine(s): \(counts.started) stacks started, \(counts.deleted) deleted") }
    let figures: Value = [
        "engines": .int(count), "clients": .int(clients), "seconds": .double(elapsed),
        "stacks_created": .int(counts.completed), "stacks_deleted": .int(counts.deleted),
        "created_per_second": .double(Double(counts.completed) / max(elapsed, 0.001)),
        "deleted_per_second": .double(Double(counts.deleted) / max(elapsed, 0.001)),
        "p50_ms": .double(latencies.percentile(0.5)), "p99_ms": .double(latencies.percentile(0.99)), "errors": .int(errors.count),
    ]
    return (figures, errors)
}

/// Milliseconds per resource of one `resources`-resource create through one engine's API.
private func bigCreate(resources: Int, database: String?) async throws -> Double {
    let cluster = try await EngineProcesses(count: 1, database: database)
    defer { cluster.stop() }
    let client = cluster.client(0)
    let body: Value = ["stack_name": "big", "template": noneTemplate(resources: resources)]
    let start = ContinuousClock.now
    let created = try client.call("POST", cluster.stacksPath, body: body.jsonText())
    guard created.status == 201, let id = created.json["stack"]["id"].stringValue else {
        throw LoopbackClient.Failure(description: "big create: HTTP \(created.status)")
    }
    let final = try waitForStack(client, "\(cluster.stacksPath)/big/\(id)", interval: 0.01, limit: 600)
    let elapsed = seconds(since: start)
    guard final.status == "CREATE_COMPLETE" else { throw LoopbackClient.Failure(description: "big create ended \(final.status ?? "gone")") }
    return elapsed * 1000 / Double(resources)
}

/// Seconds from `kill -9` of the engine running a create to the stack's next event, seen
/// through another engine; the create must then complete.
private func takeoverAfterKill(engines count: Int) async throws -> Double {
    let cluster = try await EngineProcesses(count: count, database: try await TestPostgres.makeDatabaseURL())
    defer { cluster.stop() }
    var template: [String: Value] = [:]
    // A chain, one resource after another: about 12 s of create to kill into.
    for index in 0..<40 {
        var resource: [String: Value] = ["type": "OS::Heat::TestResource", "properties": ["action_wait_secs": ["create": 0.3]]]
        if index > 0 { resource["depends_on"] = .string("r\(index - 1)") }
        template["r\(index)"] = .map(resource)
    }
    let body: Value = ["stack_name": "taken", "template": ["heat_template_version": "2018-08-31", "resources": .map(template)]]
    let first = cluster.client(0)
    let created = try first.call("POST", cluster.stacksPath, body: body.jsonText())
    guard created.status == 201, let id = created.json["stack"]["id"].stringValue else {
        throw LoopbackClient.Failure(description: "takeover create: HTTP \(created.status)")
    }
    let path = "\(cluster.stacksPath)/taken/\(id)"
    let other = cluster.client(1)
    func events() throws -> [Value] { try other.call("GET", path + "/events?sort_dir=asc").json["events"].listValue ?? [] }
    // Killed once some resources are done and others under way.
    let started = Date()
    while try events().filter({ $0["resource_status"].stringValue == "CREATE_COMPLETE" }).count < 4 {
        guard Date().timeIntervalSince(started) < 60 else { throw LoopbackClient.Failure(description: "takeover: the create made no progress") }
        try await Task.sleep(for: .milliseconds(10))
    }
    cluster.kill(0)
    let killed = ContinuousClock.now
    let seen = try events().count
    while try events().count <= seen {
        guard seconds(since: killed) < 120 else { throw LoopbackClient.Failure(description: "takeover: no event 120 s after the kill") }
        try await Task.sleep(for: .milliseconds(10))
    }
    let takeover = seconds(since: killed)
    let final = try waitForStack(other, path, interval: 0.05, limit: 300)
    guard final.status == "CREATE_COMPLETE" else { throw LoopbackClient.Failure(description: "takeover: the create ended \(final.status ?? "gone")") }
    return takeover
}
