import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// `kiln-bench load`: N concurrent clients each loop create → poll until final → list → events
/// → delete → poll until gone, until the deadline (no loop starts after it; running ones
/// finish). Fails on any unexpected reply, a stack that did not complete or was not deleted,
/// an incomplete event list, or a stack left behind.
func loadBenchmark(_ arguments: [String]) async -> Int32 {
    let options = ServerBenchOptions(arguments, allowed: ["--clients", "--seconds", "--resources", "--port"])
    let clients = options.positive("--clients", 50), duration = options.positive("--seconds", 60)
    let resources = options.positive("--resources", 5), format = options.format
    // `--port N`: drive a `kiln serve` already running on 127.0.0.1:N (engines behind a load
    // balancer, say) as its admin, whose password is in $KILN_BENCH_PASSWORD.
    let target: LoadTarget
    if options.given["--port"] != nil {
        guard let remote = LoadTarget.signIn(port: options.positive("--port", 8004)) else { return 1 }
        target = remote
    } else {
        guard let bench = await BenchServer.startOrReport() else { return 1 }
        target = LoadTarget(port: bench.port, token: bench.token, stacksPath: bench.stacksPath, bench: bench)
    }
    defer { target.bench?.removeHome() }

    let tally = LoadTally(), latencies = Latencies()
    let template = noneTemplate(resources: resources)
    let names = (0..<resources).map { "r\($0)" }
    let deadline = Date().addingTimeInterval(Double(duration))
    let start = ContinuousClock.now
    await onThreads(clients) { clientIndex in
        let driver = LoadDriver(client: target.client(), stacks: target.stacksPath, latencies: latencies, tally: tally)
        var loop = 0
        while Date() < deadline {
            driver.cycle(name: "load-\(clientIndex)-\(loop)", template: template, resources: names)
            loop += 1
        }
    }
    let elapsed = seconds(since: start)

    // Nothing may be left: no stack listed, none stored in progress.
    let final = target.client()
    if let reply = try? final.call("GET", target.stacksPath), reply.status == 200 {
        let left = reply.json.mapValue?["stacks"]?.listValue ?? []
        if !left.isEmpty {
            let named = left.prefix(5).map { stack -> String in
                let map = stack.mapValue ?? [:]
                return "\(map["stack_name"]?.stringValue ?? "?") \(map["stack_status"]?.stringValue ?? "?")"
            }
            latencies.error("\(left.count) stack(s) still listed after the run: \(named.joined(separator: ", "))")
        }
    } else {
        latencies.error("the final stack list failed")
    }
    if let bench = target.bench {
        let stored = await (try? bench.engine.stacks(StackQuery(projectID: nil))) ?? []
        let running = stored.filter { $0.statusText.hasSuffix("IN_PROGRESS") }
        if !running.isEmpty { latencies.error("\(running.count) stack(s) stored IN_PROGRESS after the run") }
    }

    let counts = tally.counts
    let errors = latencies.errors
    let result: Value = [
        "clients": .int(clients), "seconds": .double(elapsed), "resources_per_stack": .int(resources),
        "stacks_started": .int(counts.started), "stacks_completed": .int(counts.completed), "stacks_deleted": .int(counts.deleted),
        "requests": .int(latencies.count), "requests_per_second": .double(Double(latencies.count) / max(elapsed, 0.001)),
        "p50_ms": .double(latencies.percentile(0.5)), "p99_ms": .double(latencies.percentile(0.99)), "errors": .int(errors.count),
    ]
    if format == "json" {
        print(result.prettyJSON())
    } else {
        print("clients \(clients), \(String(format: "%.1f", elapsed)) s, \(resources) OS::Heat::None per stack")
        print("stacks: \(counts.started) started, \(counts.completed) CREATE_COMPLETE with complete events, \(counts.deleted) deleted")
        print(String(format: "requests: %d (%.1f/s), p50 %.2f ms, p99 %.2f ms", latencies.count,
                     Double(latencies.count) / max(elapsed, 0.001), latencies.percentile(0.5), latencies.percentile(0.99)))
        print("errors: \(errors.count)")
    }
    for error in errors.prefix(20) { FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8)) }
    let clean = errors.isEmpty && counts.started == counts.completed && counts.completed == counts.deleted
    return clean ? 0 : 1
}

/// The server the load goes to: this process's own (`bench`), or one already running.
struct LoadTarget: Sendable {
    let port: Int
    let token: String
    let stacksPath: String
    var bench: BenchServer?

    func client() -> LoopbackClient { LoopbackClient(port: port, token: token) }

    /// Signs in as admin (project admin) with $KILN_BENCH_PASSWORD; nil with the reason told.
    static func signIn(port: Int) -> LoadTarget? {
        let password = ProcessInfo.processInfo.environment["KILN_BENCH_PASSWORD"] ?? ""
        guard let reply = try? LoopbackClient(port: port).call("POST", "/v3/auth/tokens", body: BenchServer.signInBody(password: password)),
              reply.status == 201, let token = reply.headers["x-subject-token"], let project = reply.json["token"]["project"]["id"].stringValue
        else {
            FileHandle.standardError.write(Data("kiln-bench: cannot sign in as admin on 127.0.0.1:\(port) (password from KILN_BENCH_PASSWORD)\n".utf8))
            return nil
        }
        return LoadTarget(port: port, token: token, stacksPath: "/v1/\(project)/stacks", bench: nil)
    }
}

/// How many stacks got how far.
final class LoadTally: Sendable {
    struct Counts {
        var started = 0, completed = 0, deleted = 0
    }
    private let state = Locked(Counts())

    func update(_ change: (inout Counts) -> Void) { state.withLock { change(&$0) } }

    var counts: Counts { state.withLock { $0 } }
}

/// One client's loop over one stack, every request timed and its status checked.
struct LoadDriver {
    let client: LoopbackClient
    let stacks: String
    let latencies: Latencies
    let tally: LoadTally

    struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }

    func cycle(name: String, template: Value, resources: [String]) {
        do {
            try run(name: name, template: template, resources: resources)
        } catch {
            latencies.error("\(name): \(error)")
        }
    }

    private func run(name: String, template: Value, resources: [String]) throws {
        let body: Value = ["stack_name": .string(name), "template": template]
        let created = try request("POST", stacks, body: body.jsonText(), expect: [201])
        guard let id = created.json.mapValue?["stack"]?.mapValue?["id"]?.stringValue else { throw Unexpected(description: "create: no id") }
        tally.update { $0.started += 1 }
        let path = "\(stacks)/\(name)/\(id)"

        let complete = try poll(path, allowing: [200])
        guard complete == "CREATE_COMPLETE" else { throw Unexpected(description: "create ended \(complete ?? "gone")") }
        let listed = try request("GET", stacks, expect: [200]).json.mapValue?["stacks"]?.listValue ?? []
        let mine = listed.first { $0.mapValue?["id"]?.stringValue == id }
        guard mine?.mapValue?["stack_status"]?.stringValue == "CREATE_COMPLETE" else {
            throw Unexpected(description: "not listed as CREATE_COMPLETE")
        }
        let events = try request("GET", path + "/events?sort_dir=asc", expect: [200]).json.mapValue?["events"]?.listValue ?? []
        if let problem = eventProblem(events, stack: name, resources: resources) { throw Unexpected(description: problem) }
        tally.update { $0.completed += 1 }

        _ = try request("DELETE", path, expect: [204])
        let gone = try poll(path, allowing: [200, 404])
        guard gone == nil || gone == "DELETE_COMPLETE" else { throw Unexpected(description: "delete ended \(gone ?? "")") }
        tally.update { $0.deleted += 1 }
    }

    private func request(_ method: String, _ path: String, body: String? = nil, expect: Set<Int>) throws -> LoopbackClient.Reply {
        let started = ContinuousClock.now
        let reply = try client.call(method, path, body: body)
        latencies.record(seconds(since: started))
        guard expect.contains(reply.status) else {
            throw Unexpected(description: "\(method) \(path): HTTP \(reply.status) \(String(decoding: reply.body.prefix(200), as: UTF8.self))")
        }
        return reply
    }

    /// The stack's final status, or nil once it is gone (404).
    private func poll(_ path: String, allowing: Set<Int>) throws -> String? {
        var unexpected: Int?
        let final = try waitForStack(client, path, interval: 0.02) { seconds, status in
            latencies.record(seconds)
            if !allowing.contains(status) { unexpected = status }
        }
        if let unexpected { throw Unexpected(description: "GET \(path): HTTP \(unexpected)") }
        return final.status
    }
}

/// What is wrong with a created stack's event list (ascending), or nil: it must open with the
/// stack's CREATE_IN_PROGRESS, close with its CREATE_COMPLETE, and hold each resource's
/// CREATE_IN_PROGRESS then CREATE_COMPLETE in between, and nothing failed.
func eventProblem(_ events: [Value], stack: String, resources: [String]) -> String? {
    let pairs = events.map { event -> (String, String) in
        let map = event.mapValue ?? [:]
        return (map["resource_name"]?.stringValue ?? "", map["resource_status"]?.stringValue ?? "")
    }
    guard let first = pairs.first, first == (stack, "CREATE_IN_PROGRESS") else { return "events do not open with the stack's CREATE_IN_PROGRESS" }
    guard let last = pairs.last, last == (stack, "CREATE_COMPLETE") else { return "events do not close with the stack's CREATE_COMPLETE" }
    if let failed = pairs.first(where: { $0.1.hasSuffix("FAILED") }) { return "event \(failed.0) \(failed.1)" }
    for resource in resources {
        guard let started = pairs.firstIndex(where: { $0 == (resource, "CREATE_IN_PROGRESS") }),
              let finished = pairs.firstIndex(where: { $0 == (resource, "CREATE_COMPLETE") }),
              started > 0, started < finished, finished < pairs.count - 1
        else { return "\(resource): CREATE_IN_PROGRESS then CREATE_COMPLETE missing or out of order (\(pairs.count) events)" }
    }
    return nil
}
