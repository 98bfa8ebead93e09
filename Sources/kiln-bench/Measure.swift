import Foundation

/// Exits with a usage error.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("""
        kiln-bench: \(message)
        usage: kiln-bench validate [--resources N | --tree DIR [--runs N]] [--format text|json]
               kiln-bench stack [--resources N[,N...]] [--shape flat|chain|fan-in|all] [--type none|random] [--max-parallel N] [--format text|json]
               kiln-bench api [--stacks N] [--requests N] [--cycles N] [--concurrency N] [--format text|json]
               kiln-bench load [--clients N] [--seconds N] [--resources N] [--port N] [--format text|json]
               kiln-bench cloud [--servers N] [--latency none|real|KIND=DURATION,...] [--max-parallel N] [--examples DIR] [--format text|json]
               kiln-bench scale-out [--engines N] [--clients N] [--seconds N] [--resources N] [--format text|json]
               kiln-bench startup [--runs N] [--binary PATH] [--args "ARG ..."] [--format text|json]

        """.utf8))
    exit(2)
}

/// `--key value` options after the benchmark's name.
func options(_ arguments: [String], allowed: Set<String>) -> [String: String] {
    var out: [String: String] = [:]
    var rest = arguments
    while !rest.isEmpty {
        let option = rest.removeFirst()
        guard allowed.contains(option) else { fail("unknown option \(option)") }
        guard !rest.isEmpty else { fail("\(option) needs a value") }
        out[option] = rest.removeFirst()
    }
    return out
}

/// Best of `runs` runs, in seconds (the machine is shared: the minimum is the least disturbed run).
func bestOf(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        best = min(best, seconds(since: start))
    }
    return best
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Peak resident set size (VmHWM), in MiB.
func peakRSSMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kib = line.split(separator: " ").compactMap { Double($0) }.first
        return kib.map { $0 / 1024 }
    }
    return nil
}
