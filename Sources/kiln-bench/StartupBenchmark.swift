import Foundation
import KilnModel

#if canImport(Glibc)
import Glibc
#endif

/// `kiln-bench startup`: wall time from spawn to exit of `kiln --version` (or `--args "..."`), N runs.
/// A short command's cost is mostly the dynamic loader's (shared libraries mapped and relocated,
/// their initialisers run), so this is the figure static linking and dropping libraries improve.
/// posix_spawn, not Foundation's Process: Process adds its own threads and pipes to each run.
func startupBenchmark(_ arguments: [String]) -> Int32 {
    let given = options(arguments, allowed: ["--runs", "--binary", "--args", "--format"])
    guard let runs = Int(given["--runs"] ?? "200"), runs > 0 else { fail("--runs takes a positive number") }
    let format = given["--format"] ?? "text"
    guard format == "text" || format == "json" else { fail("--format is text or json") }
    let binary = given["--binary"] ?? EngineProcesses.kilnExecutable().path
    guard FileManager.default.isExecutableFile(atPath: binary) else { fail("\(binary) is not an executable") }
    let commandArguments = (given["--args"] ?? "--version").split(separator: " ").map(String.init)

    var samples: [Double] = []
    samples.reserveCapacity(runs)
    // One unmeasured run: the binary's pages into the page cache, as for any later start.
    guard spawnAndWait(binary, commandArguments) == 0 else {
        FileHandle.standardError.write(Data("kiln-bench: \(binary) \(commandArguments.joined(separator: " ")) failed\n".utf8))
        return 1
    }
    for _ in 0..<runs {
        let start = ContinuousClock.now
        let status = spawnAndWait(binary, commandArguments)
        samples.append(seconds(since: start))
        guard status == 0 else { return 1 }
    }
    samples.sort()
    let milliseconds = { (q: Double) in samples[min(samples.count - 1, Int(q * Double(samples.count)))] * 1000 }
    let result: Value = [
        "binary": .string(binary),
        "arguments": .list(commandArguments.map(Value.string)),
        "runs": .int(runs),
        "min_ms": .double(samples[0] * 1000),
        "median_ms": .double(milliseconds(0.5)),
        "p90_ms": .double(milliseconds(0.9)),
    ]
    if format == "json" {
        print(result.prettyJSON())
    } else {
        print("binary:   \(binary) \(commandArguments.joined(separator: " "))")
        print("runs:     \(runs)")
        print("min:      \(String(format: "%.2f", samples[0] * 1000)) ms")
        print("median:   \(String(format: "%.2f", milliseconds(0.5))) ms")
        print("p90:      \(String(format: "%.2f", milliseconds(0.9))) ms")
    }
    return 0
}

/// Runs `binary arguments` with stdout and stderr to /dev/null; its exit status, or -1.
private func spawnAndWait(_ binary: String, _ arguments: [String]) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS by hand: the C macros are not imported into Swift.
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}
