import Foundation
import Testing

/// A real `kiln serve` on a free loopback port with its own home, and the `kiln` binary run
/// as a client of it (`--os-cloud kiln`, clouds.yaml from the server's home).
final class ServedKiln: @unchecked Sendable {
    let home: KilnHome
    let port: Int
    let process: Process
    let log: URL

    /// `arguments`: more `kiln serve` options (`--evaluation-interval 0.3`, ...); `home` and
    /// `port`: a restart's (clouds.yaml and signal URLs name the first port), else new ones.
    /// `logName`: a second server on the same home logs to a file of its own.
    init(_ arguments: [String] = [], home existing: KilnHome? = nil, port fixed: Int? = nil,
         environment extra: [String: String] = [:], logName: String = "serve.log") async throws {
        home = try existing ?? KilnHome()
        port = try fixed ?? Self.freePort()
        log = home.directory.appendingPathComponent(logName)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = CLITests.kiln
        // Few password hash iterations (the clients sign in at every command) unless the test says.
        let iterations = arguments.contains("--password-iterations") ? [] : ["--password-iterations", "1000"]
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--home", home.directory.path] + iterations + arguments
        process.environment = ServedKiln.embeddedEnvironment.merging(extra) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        try await waitUntilListening()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    var cloudsFile: String { home.directory.appendingPathComponent("clouds.yaml").path }

    /// The server's database, read directly to check what a client command did.
    var databasePath: String { home.directory.appendingPathComponent("kiln.db").path }

    /// The environment without anything that would pick a cloud by itself.
    static var embeddedEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OS_") }
    }

    /// `kiln ARGUMENTS --os-cloud kiln` with the server's clouds.yaml.
    func client(_ arguments: [String]) async throws -> CLITests.Run {
        var environment = Self.embeddedEnvironment
        environment["OS_CLIENT_CONFIG_FILE"] = cloudsFile
        return try await Self.run(arguments + ["--os-cloud", "kiln"], environment: environment)
    }

    /// `kiln ARGUMENTS --home HOME` in the embedded engine, for comparison.
    static func embedded(_ arguments: [String], home: KilnHome) async throws -> CLITests.Run {
        try await run(arguments + ["--home", home.directory.path], environment: embeddedEnvironment)
    }

    static func run(_ arguments: [String], environment: [String: String]) async throws -> CLITests.Run {
        try await CLITests.runKiln(arguments, environment: environment)
    }

    /// A port the kernel calls free now: bound to port 0, read, closed.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServeError.noPort }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw ServeError.noPort }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ServeError.noPort }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Until the clouds.yaml is written and the port accepts connections (at most 120 s: a loaded CI machine runs many suites at once).
    private func waitUntilListening() async throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if !process.isRunning {
                throw ServeError.exited((try? String(contentsOf: log, encoding: .utf8)) ?? "")
            }
            if FileManager.default.fileExists(atPath: cloudsFile), accepts() { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw ServeError.exited("not listening after 120 s: " + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
    }

    private func accepts() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    enum ServeError: Error { case noPort, exited(String) }
}
