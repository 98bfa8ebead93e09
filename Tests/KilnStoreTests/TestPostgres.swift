import Foundation
import KilnStore
import Logging
import PostgresNIO

/// PostgreSQL for the store tests: the server `KILN_TEST_POSTGRES` names (a URL; CI starts
/// one), else a throwaway cluster this process starts once (initdb and pg_ctl in a temporary
/// directory, on a free loopback port, trust authentication) and stops at exit. Each test
/// gets a database of its own. With no server and no PostgreSQL binaries, every PostgreSQL
/// case fails with a message saying so: they never pass without running.
enum TestPostgres {
    private static let logger = Logger(label: "kiln.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private static let lock = NSLock()
    nonisolated(unsafe) private static var server: Result<PostgresLocation, Error>?
    nonisolated(unsafe) private static var cluster: (pgCtl: String, directory: String, asUser: String?)?

    /// A new, empty database on the test server.
    static func makeDatabase() async throws -> PostgresLocation {
        var location = try serverLocation()
        let name = "kiln_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: location.host, port: location.port, username: location.user,
                password: ProcessInfo.processInfo.environment["PGPASSWORD"] ?? password(of: location), database: location.database,
                tls: .disable),
            id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
        location = try PostgresLocation(parsing: url(location, database: String(name)))
        return location
    }

    private static func password(of location: PostgresLocation) -> String? {
        guard let text = ProcessInfo.processInfo.environment["KILN_TEST_POSTGRES"] else { return nil }
        return URLComponents(string: text)?.password
    }

    private static func url(_ location: PostgresLocation, database: String) -> String {
        var components = URLComponents()
        components.scheme = "postgresql"
        components.user = location.user
        components.password = password(of: location)
        components.host = location.host
        components.port = location.port
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: location.sslMode == "prefer" ? "disable" : location.sslMode)]
        return components.string!
    }

    static func serverLocation() throws -> PostgresLocation {
        lock.lock()
        defer { lock.unlock() }
        if server == nil {
            server = Result {
                if let text = ProcessInfo.processInfo.environment["KILN_TEST_POSTGRES"], !text.isEmpty {
                    return try PostgresLocation(parsing: text)
                }
                return try startCluster()
            }
        }
        return try server!.get()
    }

    /// A directory holding both initdb and pg_ctl: Debian's versioned directories first (the
    /// real files), then /usr/local/bin and PATH.
    private static func binaries() -> String? {
        var candidates: [String] = []
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            candidates += versions.sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        }
        candidates.append("/usr/local/bin")
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first { dir in
            FileManager.default.isExecutableFile(atPath: dir + "/initdb") && FileManager.default.isExecutableFile(atPath: dir + "/pg_ctl")
        }
    }

    private static func startCluster() throws -> PostgresLocation {
        guard let bin = binaries() else {
            throw StoreError(
                "no PostgreSQL for the store tests: set KILN_TEST_POSTGRES to a server's URL, or install PostgreSQL "
                    + "(initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin; Debian: apt-get install postgresql)")
        }
        // initdb refuses to run as root: a root test process runs the cluster as `postgres`.
        let asUser: String? = geteuid() == 0 ? "postgres" : nil
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let asUser { try command("/bin/chown", [asUser, directory], asUser: nil) }
        let data = directory + "/data"
        try command(bin + "/initdb", ["-D", data, "-A", "trust", "-U", "kiln", "-E", "UTF8", "--no-sync"], asUser: asUser)
        var lastError: Error?
        for _ in 0..<10 {
            let port = Int.random(in: 20000...45000)
            do {
                try command(
                    bin + "/pg_ctl",
                    [
                        "-D", data, "-l", directory + "/server.log", "-w", "-t", "60", "-o",
                        "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400",
                        "start",
                    ], asUser: asUser)
                cluster = (bin + "/pg_ctl", directory, asUser)
                atexit { TestPostgres.stopCluster() }
                return try PostgresLocation(parsing: "postgresql://kiln@127.0.0.1:\(port)/postgres?sslmode=disable")
            } catch {
                lastError = error
            }
        }
        throw lastError ?? StoreError("cannot start PostgreSQL")
    }

    static func stopCluster() {
        guard let cluster else { return }
        try? command(cluster.pgCtl, ["-D", cluster.directory + "/data", "-m", "immediate", "stop"], asUser: cluster.asUser)
        try? FileManager.default.removeItem(atPath: cluster.directory)
    }

    @discardableResult
    private static func command(_ path: String, _ arguments: [String], asUser: String?) throws -> String {
        let process = Process()
        if let asUser {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", asUser, "--", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StoreError("\((path as NSString).lastPathComponent) failed (\(process.terminationStatus)): \(text.suffix(500))")
        }
        return text
    }
}
