import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnServer
import KilnStore
import KilnTemplate
#if canImport(Glibc)
import Glibc
#endif

/// The options of the benchmarks that drive a server: positive counts and `--format text|json`.
struct ServerBenchOptions {
    let given: [String: String]

    init(_ arguments: [String], allowed: Set<String>) {
        given = options(arguments, allowed: allowed.union(["--format"]))
    }

    func positive(_ key: String, _ fallback: Int) -> Int {
        guard let value = Int(given[key] ?? String(fallback)), value > 0 else { fail("\(key) takes a positive number") }
        return value
    }

    var format: String {
        let format = given["--format"] ?? "text"
        guard format == "text" || format == "json" else { fail("--format is text or json") }
        return format
    }
}

/// `kiln serve` in this process: a KilnServer on 127.0.0.1 (a free port) over a temporary home
/// with a real SQLite file and identity.json, request log off, and the admin signed in.
struct BenchServer: Sendable {
    let engine: Engine
    let server: KilnServer
    let port: Int
    let projectID: String
    let token: String
    let home: URL
    let identity: IdentityService

    /// The server, or nil with the reason on standard error.
    static func startOrReport() async -> BenchServer? {
        do {
            return try await start()
        } catch {
            FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8))
            return nil
        }
    }

    /// `makeEngine`: the engine over the home's store (default: the native types, no cloud).
    static func start(makeEngine: (SQLiteStore) async throws -> Engine = { Engine(store: $0) }) async throws -> BenchServer {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: home.appendingPathComponent("kiln.db").path)
        let port = try freePort()
        // Signal URLs (scaling policies) name this server.
        setenv("KILN_HEAT_URL", "http://127.0.0.1:\(port)/v1/kiln", 1)
        let engine = try await makeEngine(store)
        let (identity, password) = try IdentityFile.openOrCreate(path: home.appendingPathComponent("identity.json").path)
        let identityService = IdentityService(file: identity)
        let server = KilnServer(engine: engine, identity: identityService, log: .silent)
        setenv("LOG_LEVEL", "error", 0)  // Hummingbird's "listening" line would mix with --format json
        let application = server.application(host: "127.0.0.1", port: port)
        Task.detached { try await application.runService() }

        let client = LoopbackClient(port: port)
        var signedIn: LoopbackClient.Reply?
        for _ in 0..<200 where signedIn == nil {
            do {
                signedIn = try client.call("POST", "/v3/auth/tokens", body: signInBody(password: password ?? ""))
            } catch {
                try await Task.sleep(for: .milliseconds(50))  // not listening yet
            }
        }
        guard let reply = signedIn, reply.status == 201, let token = reply.headers["x-subject-token"],
              let projectID = reply.json.mapValue?["token"]?.mapValue?["project"]?.mapValue?["id"]?.stringValue
        else { throw LoopbackClient.Failure(description: "cannot sign in to the bench server on port \(port)") }
        return BenchServer(engine: engine, server: server, port: port, projectID: projectID, token: token, home: home,
                           identity: identityService)
    }

    func client() -> LoopbackClient { LoopbackClient(port: port, token: token) }

    var stacksPath: String { "/v1/\(projectID)/stacks" }

    func removeHome() { try? FileManager.default.removeItem(at: home) }

    static func signInBody(password: String) -> String {
        let body: Value = ["auth": [
            "identity": ["methods": ["password"], "password": ["user": [
                "name": "admin", "password": .string(password), "domain": ["name": "Default"]]]],
            "scope": ["project": ["name": "admin", "domain": ["name": "Default"]]],
        ]]
        return body.jsonText()
    }

    /// A port nothing listens on now: bind port 0, read what the kernel chose, let it go.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw LoopbackClient.Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// An N-resource OS::Heat::None stack, as JSON for a create body.
func noneTemplate(resources count: Int) -> Value {
    var resources: [String: Value] = [:]
    for index in 0..<count { resources["r\(index)"] = ["type": "OS::Heat::None"] }
    return ["heat_template_version": "2018-08-31", "resources": .map(resources)]
}

/// Runs `body(index)` on `count` OS threads (the loopback clients block on their sockets, so
/// they stay off Swift's cooperative pool, which the server uses) and waits for all.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                body(index)
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.notify(queue: .global()) { done.resume() }
    }
}

/// The stack's status, polled every `interval` until it leaves IN_PROGRESS (or is gone: nil
/// status and the final reply's HTTP status). Throws after `limit` seconds.
func waitForStack(_ client: LoopbackClient, _ path: String, interval: Double = 0.005, limit: Double = 120,
                  record: (Double, Int) -> Void = { _, _ in }) throws -> (status: String?, http: Int) {
    let deadline = Date().addingTimeInterval(limit)
    while Date() < deadline {
        let started = ContinuousClock.now
        let reply = try client.call("GET", path)
        record(seconds(since: started), reply.status)
        guard reply.status == 200 else { return (nil, reply.status) }
        let status = reply.json.mapValue?["stack"]?.mapValue?["stack_status"]?.stringValue ?? ""
        if !status.hasSuffix("_IN_PROGRESS") { return (status, 200) }
        Thread.sleep(forTimeInterval: interval)
    }
    throw LoopbackClient.Failure(description: "\(path) still in progress after \(Int(limit)) s")
}
