import Foundation
import KilnModel
import KilnServer
#if canImport(Glibc)
import Glibc
#endif

/// Several `kiln serve` processes (the `kiln` beside this binary) over one home and one
/// database, each on its own loopback port, signed in as the home's admin: what `kiln-bench
/// scale-out` measures. Their output goes to files in the home.
final class EngineProcesses: @unchecked Sendable {
    let home: URL
    let ports: [Int]
    private(set) var processes: [Process]
    let token: String
    let projectID: String
    let database: String?
    /// Arguments and environment every engine gets besides its own (`--lease-ttl 2`, a cloud latency).
    let extraArguments: [String]
    let extraEnvironment: [String: String]

    var stacksPath: String { "/v1/\(projectID)/stacks" }

    /// Starts `count` engines on `database` (nil: the home's SQLite file) and waits until each
    /// answers its health check.
    init(count: Int, database: String?, arguments extraArguments: [String] = [], environment extraEnvironment: [String: String] = [:]) async throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-engines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let (_, password) = try IdentityFile.openOrCreate(path: home.appendingPathComponent("identity.json").path)
        var ports: [Int] = []
        for _ in 0..<count { ports.append(try BenchServer.freePort()) }
        self.ports = ports
        self.database = database
        self.extraArguments = extraArguments
        self.extraEnvironment = extraEnvironment
        processes = []
        for (index, port) in ports.enumerated() {
            processes.append(try Self.launch(
                index: index, port: port, home: home, database: database, arguments: extraArguments, environment: extraEnvironment))
        }
        for port in ports { try await Self.waitHealthy(port: port) }
        let signIn = try LoopbackClient(port: ports[0]).call("POST", "/v3/auth/tokens", body: BenchServer.signInBody(password: password ?? ""))
        guard signIn.status == 201, let token = signIn.headers["x-subject-token"],
              let project = signIn.json["token"]["project"]["id"].stringValue
        else { throw LoopbackClient.Failure(description: "cannot sign in to engine 0: HTTP \(signIn.status)") }
        self.token = token
        projectID = project
    }

    static func launch(
        index: Int, port: Int, home: URL, database: String?, arguments extraArguments: [String] = [], environment extraEnvironment: [String: String] = [:]
    ) throws -> Process {
        let process = Process()
        process.executableURL = kilnExecutable()
        var arguments = ["serve", "--home", home.path, "--host", "127.0.0.1", "--port", String(port), "--engine-name", "engine-\(index)"]
        if let database { arguments += ["--database", database] }
        process.arguments = arguments + extraArguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OS_") && $0.key != "KILN_DATABASE" }
        environment["LOG_LEVEL"] = "error"
        environment.merge(extraEnvironment) { $1 }
        process.environment = environment
        let log = home.appendingPathComponent("engine-\(index).log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        // A restarted engine appends to its log: what the killed one wrote stays readable.
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// `kiln`, built beside `kiln-bench`.
    static func kilnExecutable() -> URL {
        let own = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return own.deletingLastPathComponent().appendingPathComponent("kiln")
    }

    static func waitHealthy(port: Int, seconds: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let reply = try? LoopbackClient(port: port).call("GET", "/healthcheck"), reply.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LoopbackClient.Failure(description: "the engine on port \(port) did not become healthy in \(Int(seconds)) s")
    }

    func client(_ index: Int) -> LoopbackClient { LoopbackClient(port: ports[index % ports.count], token: token) }

    func kill(_ index: Int) {
        Glibc.kill(processes[index].processIdentifier, SIGKILL)
        processes[index].waitUntilExit()
    }

    /// Starts engine `index` again (after `kill`), under the same name, port and options, and
    /// waits until it answers its health check.
    func restart(_ index: Int) async throws {
        try relaunch(index)
        try await Self.waitHealthy(port: ports[index])
    }

    /// Starts engine `index` again without waiting for it.
    func relaunch(_ index: Int) throws {
        processes[index] = try Self.launch(
            index: index, port: ports[index], home: home, database: database, arguments: extraArguments, environment: extraEnvironment)
    }

    /// SIGTERM to every engine still running, then waits for each; the home goes.
    func stop(keepingHome: Bool = false) {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
        if !keepingHome { try? FileManager.default.removeItem(at: home) }
    }
}
