import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `kiln-bench api`: requests per second and p50/p99 latency of the Heat API over loopback:
/// stack list with N stacks, stack show, and create + wait + delete of a 10-resource stack.
func apiBenchmark(_ arguments: [String]) async -> Int32 {
    let options = ServerBenchOptions(arguments, allowed: ["--stacks", "--requests", "--cycles", "--concurrency"])
    let stackCount = options.positive("--stacks", 1000), requests = options.positive("--requests", 500)
    let cycles = options.positive("--cycles", 50), concurrency = options.positive("--concurrency", 4)
    let format = options.format
    guard let bench = await BenchServer.startOrReport() else { return 1 }
    defer { bench.removeHome() }

    let seedStart = ContinuousClock.now
    let seeded: [StackRecord]
    do {
        seeded = try await seedStacks(bench, count: stackCount)
    } catch {
        FileHandle.standardError.write(Data("kiln-bench: seeding failed: \(error)\n".utf8))
        return 1
    }
    let seedSeconds = seconds(since: seedStart)

    let stacks = bench.stacksPath
    let list = await scenario("GET /stacks (\(stackCount) stacks)", count: requests, concurrency: concurrency, bench) { client, index, _ in
        let reply = try client.call("GET", stacks)
        guard reply.status == 200 else { return "list: HTTP \(reply.status)" }
        // Parsing every 1,000-stack body would load the cores the server shares: the first is checked in full.
        guard index == 0 else { return nil }
        let listed = reply.json.mapValue?["stacks"]?.listValue?.count ?? -1
        return listed == stackCount ? nil : "list: \(listed) stacks, not \(stackCount)"
    }
    let show = await scenario("GET /stacks/{name}/{id}", count: requests, concurrency: concurrency, bench) { client, index, _ in
        let stack = seeded[index % seeded.count]
        let reply = try client.call("GET", "\(stacks)/\(stack.name)/\(stack.id)")
        return reply.status == 200 ? nil : "show: HTTP \(reply.status)"
    }
    let template = Value.map(["template": noneTemplate(resources: 10)])
    let cycle = await scenario("create+delete, 10 resources", count: cycles, concurrency: concurrency, bench) { client, index, _ in
        var body = template.mapValue ?? [:]
        body["stack_name"] = .string("cycle-\(index)")
        let created = try client.call("POST", stacks, body: Value.map(body).jsonText())
        guard created.status == 201, let id = created.json.mapValue?["stack"]?.mapValue?["id"]?.stringValue else {
            return "create: HTTP \(created.status)"
        }
        let path = "\(stacks)/cycle-\(index)/\(id)"
        let complete = try waitForStack(client, path)
        guard complete.status == "CREATE_COMPLETE" else { return "create ended \(complete.status ?? "HTTP \(complete.http)")" }
        let deleted = try client.call("DELETE", path)
        guard deleted.status == 204 else { return "delete: HTTP \(deleted.status)" }
        let gone = try waitForStack(client, path)
        return gone.http == 404 || gone.status == "DELETE_COMPLETE" ? nil : "delete ended \(gone.status ?? "HTTP \(gone.http)")"
    }

    let results = [list, show, cycle]
    let client = "minimal HTTP/1.1 keep-alive client over POSIX sockets, one OS thread per connection"
    let seedNote = "\(stackCount) stacks of one OS::Heat::None seeded through the engine directly (not over HTTP)"
    if format == "json" {
        print(Value.map([
            "client": .string(client), "concurrency": .int(concurrency),
            "seeded": ["stacks": .int(stackCount), "via": "engine", "seconds": .double(seedSeconds)],
            "scenarios": .list(results.map(\.json)),
        ]).prettyJSON())
    } else {
        print("client: \(client)")
        print("seeded: \(seedNote), \(String(format: "%.1f", seedSeconds)) s")
        print("scenario                          count  conc.   per s   p50 ms   p99 ms  errors")
        for result in results { print(result.row) }
        print("(create+delete: one count is a whole cycle: POST, poll show every 5 ms until CREATE_COMPLETE, DELETE, poll until 404)")
    }
    for result in results { for error in result.errors.prefix(5) { FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8)) } }
    return results.allSatisfy { $0.errors.isEmpty } ? 0 : 1
}

/// `count` one-resource stacks in the bench project, created by the engine eight at a time.
func seedStacks(_ bench: BenchServer, count: Int) async throws -> [StackRecord] {
    let template = "heat_template_version: 2018-08-31\nresources:\n  r:\n    type: OS::Heat::None\n"
    let engine = bench.engine, project = bench.projectID
    return try await withThrowingTaskGroup(of: StackRecord.self) { group in
        var out: [StackRecord] = []
        for index in 0..<count {
            if index >= 8, let done = try await group.next() { out.append(done) }
            group.addTask {
                try await engine.create(StackRequest(name: "seed-\(index)", templateName: "seed.yaml", template: template, projectID: project))
            }
        }
        for try await done in group { out.append(done) }
        return out.sorted { $0.name < $1.name }
    }
}

/// One measured scenario: how many, how fast, how slow at the median and the 99th percentile.
struct ScenarioResult {
    var name: String
    var count: Int
    var concurrency: Int
    var seconds: Double
    var p50: Double
    var p99: Double
    var errors: [String]

    var perSecond: Double { seconds > 0 ? Double(count) / seconds : 0 }

    var json: Value {
        ["name": .string(name), "count": .int(count), "concurrency": .int(concurrency), "seconds": .double(seconds),
         "per_second": .double(perSecond), "p50_ms": .double(p50), "p99_ms": .double(p99), "errors": .int(errors.count)]
    }

    var row: String {
        name.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(format: "  %5d  %5d  %6.1f  %7.2f  %7.2f  %6d", count, concurrency, perSecond, p50, p99, errors.count)
    }
}

/// Runs `body` `count` times spread over `concurrency` client threads, timing each run. `body`
/// returns an error message for a wrong answer, nil for a right one.
func scenario(
    _ name: String, count: Int, concurrency: Int, _ bench: BenchServer,
    _ body: @escaping @Sendable (LoopbackClient, Int, Latencies) throws -> String?
) async -> ScenarioResult {
    let latencies = Latencies(), work = WorkCounter(total: count)
    let start = ContinuousClock.now
    await onThreads(min(concurrency, count)) { _ in
        let client = bench.client()
        while let index = work.take() {
            let started = ContinuousClock.now
            do {
                if let problem = try body(client, index, latencies) { latencies.error(problem) }
            } catch {
                latencies.error("\(error)")
            }
            latencies.record(seconds(since: started))
        }
    }
    let elapsed = seconds(since: start)
    return ScenarioResult(name: name, count: count, concurrency: min(concurrency, count), seconds: elapsed,
                          p50: latencies.percentile(0.5), p99: latencies.percentile(0.99), errors: latencies.errors)
}
