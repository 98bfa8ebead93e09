import Foundation
import KilnLocalPostgres
import KilnModel
import KilnStore
#if canImport(Glibc)
import Glibc
#endif

/// `kiln-bench torture`: `kill -9` of the engine running an operation, at random points, over
/// and over. The operations cycle through create, update and delete of a 1,000-resource stack
/// and of the three-tier example on the emulated cloud. On PostgreSQL the survivors of three
/// engines must finish each operation (taking it over once its lease lapses) and the killed
/// engine is started again afterwards; on SQLite the one engine is started again and finishes
/// it. After each, `TortureAudit` checks the database: nothing IN_PROGRESS, the cloud as an
/// uninterrupted run leaves it, no event lost or duplicated. A first uninterrupted cycle
/// measures each operation's length (the kills fall inside it) and the cloud it leaves.
/// Exit status 1 when any check fails.
func tortureCheck(_ arguments: [String]) async -> Int32 {
    let options = ServerBenchOptions(arguments, allowed: ["--database", "--engines", "--kills", "--lease-ttl", "--seed", "--examples"])
    let backend = options.given["--database"] ?? "sqlite"
    guard backend == "sqlite" || backend == "postgresql" else { fail("--database is sqlite or postgresql") }
    let kills = options.positive("--kills", 100), ttl = options.positive("--lease-ttl", 2)
    let engines = backend == "sqlite" ? 1 : options.positive("--engines", 3)
    let seed = options.given["--seed"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
    let examples = URL(fileURLWithPath: options.given["--examples"] ?? "examples")
    do {
        let torture = try await Torture(backend: backend, engines: engines, ttl: ttl, seed: seed, examples: examples)
        let report = try await torture.run(kills: kills, json: options.format == "json")
        let failed = report["problems"].listValue?.isEmpty != true
        // A failed run's home (engine logs, the SQLite database) stays for a look.
        torture.cluster.stop(keepingHome: failed)
        if failed { FileHandle.standardError.write(Data("kiln-bench torture: engine logs and database kept in \(torture.cluster.home.path)\n".utf8)) }
        if options.format == "json" { print(report.prettyJSON()) }
        return failed ? 1 : 0
    } catch {
        FileHandle.standardError.write(Data("kiln-bench torture: \(error)\n".utf8))
        return 1
    }
}

/// One torture run: the engines, the database they share, the cycle of operations.
private final class Torture {
    let cluster: EngineProcesses
    let audit: TortureAudit
    let steps: [TortureStep]
    let backend: String
    let engines: Int
    let seed: UInt64
    var random: SplitMix64
    /// Each stack's id, from its last create.
    var ids: [String: String] = [:]

    /// Slow enough that a 1,000-resource create takes seconds to kill into; servers and load
    /// balancers take their time as a real cloud's do.
    static let latency = "server=1s,volume=300ms,loadbalancer=1s,others=10ms"

    init(backend: String, engines: Int, ttl: Int, seed: UInt64, examples: URL) async throws {
        steps = try TortureWorkload.cycle(examples: examples)
        let database = backend == "postgresql" ? try await TestPostgres.makeDatabaseURL() : nil
        cluster = try await EngineProcesses(
            count: engines, database: database, arguments: ["--lease-ttl", String(ttl)], environment: ["KILN_CLOUD_LATENCY": Self.latency])
        let location = try StoreLocation(database: database, defaultPath: cluster.home.appendingPathComponent("kiln.db").path)
        audit = TortureAudit(store: try await location.open())
        self.backend = backend
        self.engines = engines
        self.seed = seed
        random = SplitMix64(seed: seed)
    }

    func run(kills: Int, json: Bool) async throws -> Value {
        func say(_ line: String) { if !json { print(line); fflush(nil) } }
        say("torture on \(backend), \(engines) engine(s), seed \(seed): an uninterrupted cycle first")
        var durations: [Double] = [], expected: [[String: Int]] = []
        for step in steps {
            let outcome = try await perform(step, engine: 0, killAfter: nil, expectedCounts: nil)
            guard outcome.problems.isEmpty else {
                throw LoopbackClient.Failure(description: "the uninterrupted \(step.label) failed its checks: \(outcome.problems.joined(separator: "; "))")
            }
            durations.append(outcome.seconds)
            expected.append(try await audit.cloudCounts())
            say(String(format: "  %@: %.2f s", step.label, outcome.seconds))
        }
        var problems: [String] = [], rounds: [Value] = []
        var interrupted = 0, attempts = 0, takeovers: [Double] = []
        while interrupted < kills && attempts < kills * 3 {
            let index = attempts % steps.count, step = steps[index], engine = attempts % engines
            attempts += 1
            let delay = random.unit() * durations[index] * 0.8
            let outcome = try await perform(step, engine: engine, killAfter: delay, expectedCounts: expected[index])
            if outcome.interrupted {
                interrupted += 1
                takeovers.append(outcome.seconds - delay)
            } else {
                // Finished before the kill: a run this short is the operation's length now
                // (the first, measured run may have been slowed by a cold start).
                durations[index] = min(durations[index], outcome.seconds)
            }
            problems += outcome.problems.map { "\(step.label), kill at \(String(format: "%.2f", delay)) s: \($0)" }
            rounds.append([
                "operation": .string(step.label), "engine": .int(engine), "kill_after_seconds": .double(delay),
                "interrupted": .bool(outcome.interrupted), "status": .string(outcome.status), "seconds": .double(outcome.seconds),
                "problems": .list(outcome.problems.map(Value.string)),
            ])
            say(String(
                format: "kill %d/%d: %@ on engine-%d after %.2f s%@ -> %@ %.2f s later%@", interrupted, kills, step.label, engine, delay,
                outcome.interrupted ? "" : " (already finished)", outcome.status, outcome.seconds - delay,
                outcome.problems.isEmpty ? "" : ": " + outcome.problems.joined(separator: "; ")))
        }
        if interrupted < kills { problems.append("only \(interrupted) of \(attempts) kills fell inside an operation") }
        let finished = rounds.filter { $0["interrupted"] == .bool(true) && $0["problems"].listValue?.isEmpty == true }.count
        takeovers.sort()
        let median = takeovers.isEmpty ? 0 : takeovers[takeovers.count / 2]
        say(String(format: "%d/%d interrupted operations finished with every check passed; median %.2f s from kill to the end", finished, interrupted, median))
        for problem in problems { FileHandle.standardError.write(Data("kiln-bench torture: \(problem)\n".utf8)) }
        if !problems.isEmpty { showLogs() }
        return [
            "database": .string(backend), "engines": .int(engines), "seed": .string(String(seed)), "kills": .int(interrupted),
            "finished": .int(finished), "median_seconds_kill_to_end": .double(median), "problems": .list(problems.map(Value.string)),
            "rounds": .list(rounds),
        ]
    }

    struct Outcome {
        var seconds: Double
        var status: String
        var interrupted: Bool
        var problems: [String]
    }

    /// Sends `step` to `engine`; with `killAfter`, kills it that many seconds after the API
    /// accepted the request, then waits for the operation to end through a survivor (or the
    /// restarted engine), and audits.
    private func perform(_ step: TortureStep, engine: Int, killAfter: Double?, expectedCounts: [String: Int]?) async throws -> Outcome {
        let before = try await audit.resources(of: step.stack)
        let sequence = try await audit.lastSequence(of: Array(Set(steps.map(\.stack))))
        // An engine killed in an earlier round may still be starting.
        try await EngineProcesses.waitHealthy(port: cluster.ports[engine])
        let client = cluster.client(engine)
        var path = "\(cluster.stacksPath)/\(step.stack)/\(ids[step.stack] ?? "")"
        let reply: LoopbackClient.Reply
        switch step.kind {
        case .create: reply = try client.call("POST", cluster.stacksPath, body: step.body?.jsonText())
        case .update: reply = try client.call(step.patch ? "PATCH" : "PUT", path, body: step.body?.jsonText())
        case .delete: reply = try client.call("DELETE", path)
        }
        let accepted = ContinuousClock.now
        guard (200..<300).contains(reply.status) else {
            throw LoopbackClient.Failure(description: "\(step.label): HTTP \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
        }
        if step.kind == .create, let id = reply.json["stack"]["id"].stringValue {
            ids[step.stack] = id
            path = "\(cluster.stacksPath)/\(step.stack)/\(id)"
        }
        var interrupted = false, survivor = engine
        if let killAfter {
            try await Task.sleep(for: .seconds(max(0, killAfter - seconds(since: accepted))))
            cluster.kill(engine)
            interrupted = try await audit.tree(named: step.stack).first?.status == .inProgress
            if engines == 1 { try await cluster.restart(engine) } else { survivor = (engine + 1) % engines }
        }
        let final = try waitForStack(cluster.client(survivor), path, interval: 0.02, limit: 600)
        let elapsed = seconds(since: accepted)
        // Started again while the audit runs; waited for when next sent an operation.
        if killAfter != nil && engines > 1 { try cluster.relaunch(engine) }
        let status = final.status ?? (final.http == 404 ? "DELETE_COMPLETE" : "HTTP \(final.http)")
        let problems = try await audit.problems(after: step, since: sequence, before: before, expectedCounts: expectedCounts)
        return Outcome(seconds: elapsed, status: status, interrupted: interrupted, problems: problems)
    }

    /// The end of each engine's log, to see why a check failed.
    private func showLogs() {
        for index in 0..<engines {
            let path = cluster.home.appendingPathComponent("engine-\(index).log").path
            let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").suffix(15)
            FileHandle.standardError.write(Data("--- engine-\(index).log (end)\n\(lines.joined(separator: "\n"))\n".utf8))
        }
    }
}

/// A small seeded generator: a run's kill points can be replayed with `--seed`.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
