import Foundation
import KilnStore
import Logging
import PostgresNIO

/// PostgreSQL for the tests and `kiln-bench`: the server `KILN_TEST_POSTGRES` names (a URL; CI
/// starts one), else a throwaway cluster this process starts once (initdb and pg_ctl in a temporary
/// directory, on a free loopback port, trust authentication) and stops at exit. Each test
/// gets a database of its own. With no server and no PostgreSQL binaries, every PostgreSQL
/// case fails with a message saying so: they never pass without running.
public enum TestPostgres {
    private static let logger = Logger(label: "kiln.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private static let lock = NSLock()
    nonisolated(unsafe) private static var server: Result<PostgresLocation, Error>?
    nonisolated(unsafe) private static var cluster: (pgCtl: String, directory: String, asUser: String?)?

    /// A new, empty database on the test server.
    public static func makeDatabase() async throws -> PostgresLocation {
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

    /// A new, empty database as a `postgresql://` URL, for `kiln --database`.
    public static func makeDatabaseURL() async throws -> String {
        let location = try await makeDatabase()
        return url(location, database: location.database)
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

    public static func serverLocation() throws -> PostgresLocation {
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

    public static func stopCluster() {
        guard let cluster else { return }
        try? command(cluster.pgCtl, ["-D", cluster.directory + "/data", "-m", "immediate", "stop"], asUser: cluster.asUser)
        try? FileManager.default.removeItem(atPath: cluster.directory)
    }

    /// Runs a command to its end, its output in a file: posix_spawn and waitpid, because
    /// Foundation's Process was seen never noticing runuser's exit (left a zombie) here.
    private static func command(_ path: String, _ arguments: [String], asUser: String?) throws {
        let argv = asUser.map { ["/usr/sbin/runuser", "-u", $0, "--", path] + arguments } ?? [path] + arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-pg-command-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        defer { for argument in cArguments { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw StoreError("cannot run \(argv[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw StoreError("\((path as NSString).lastPathComponent) failed (status \(status)): \(text.suffix(500))")
        }
    }
}
