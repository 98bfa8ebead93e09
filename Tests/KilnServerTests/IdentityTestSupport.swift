import KilnModel
import Foundation
import Hummingbird
import HummingbirdTesting
import KilnEngine
import KilnLocalPostgres
@testable import KilnServer
import KilnStore
import Logging

/// A clock the identity tests move on instead of waiting.
final class TestClock: Sendable {
    private let time = Locked(Date(timeIntervalSince1970: 1_800_000_000))
    var now: @Sendable () -> Date { { self.time.withLock { $0 } } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Log lines of the identity service, to check what is logged (and that no password is).
final class CapturedLog: Sendable {
    let lines = Locked<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    var logger: Logger { Logger(label: "kiln.identity", factory: { _ in Handler(log: self) }) }

    var text: String { lines.withLock { $0.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            var merged = metadata
            for (key, value) in event.metadata ?? [:] { merged[key] = value }
            log.lines.withLock { $0.append((event.level, "\(event.message)", merged)) }
        }
    }
}

/// Where an identity test's database is: a SQLite file or a fresh PostgreSQL database.
enum IdentityBackend: String, CaseIterable, Sendable {
    case sqlite, postgres

    func location() async throws -> StoreLocation {
        switch self {
        case .sqlite:
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-identity-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            return .sqlite(path: home.appendingPathComponent("kiln.db").path)
        case .postgres:
            return .postgres(try await TestPostgres.makeDatabase())
        }
    }
}

/// Servers over one database, each with its own store and `IdentityService` (as engines are),
/// the identity imported from a fresh identity.json with `admin` and `alice`. Password hashes
/// have few iterations (only these tests' speed needs it) unless `iterations` says otherwise.
struct SharedIdentityServers {
    static let fastIterations = 1_000

    let servers: [KilnServer]
    let identities: [IdentityService]
    let stores: [any Store]
    let adminPassword: String

    init(_ backend: IdentityBackend = .sqlite, count: Int = 2, options: IdentityOptions = Self.fastOptions(),
         tokenLifetime: TimeInterval = 3600, clock: TestClock = TestClock(), log: CapturedLog? = nil) async throws {
        let location = try await backend.location()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var (file, password) = try IdentityFile.openOrCreate(
            path: home.appendingPathComponent("identity.json").path, iterations: Self.fastIterations)
        file.addUser(name: "alice", password: "alice-secret", project: "other", iterations: Self.fastIterations)
        adminPassword = password ?? ""
        var servers: [KilnServer] = [], identities: [IdentityService] = [], stores: [any Store] = []
        for _ in 0..<count {
            let store = try await location.open()
            _ = try await IdentityService.importIdentity(file, into: store)
            let identity = IdentityService(
                file: nil, tokenLifetime: tokenLifetime, shared: store, options: options,
                logger: log?.logger ?? Logger(label: "kiln.identity", factory: { _ in SwiftLogNoOpLogHandler() }), now: clock.now)
            servers.append(KilnServer(engine: Engine(store: store), identity: identity, log: .silent))
            identities.append(identity)
            stores.append(store)
        }
        (self.servers, self.identities, self.stores) = (servers, identities, stores)
    }

    static func fastOptions() -> IdentityOptions {
        var options = IdentityOptions()
        options.passwordIterations = fastIterations
        options.failureDelay = 0
        return options
    }

    /// The first server on loopback.
    func run<T: Sendable>(_ test: @Sendable (ServerFixture.Client) async throws -> T) async throws -> T {
        try await servers[0].application(host: "127.0.0.1", port: 0).test(.live) { client in
            try await test(ServerFixture.Client(client: client))
        }
    }

    /// The first two servers on loopback at once.
    func runBoth(_ test: @Sendable (ServerFixture.Client, ServerFixture.Client) async throws -> Void) async throws {
        try await servers[0].application(host: "127.0.0.1", port: 0).test(.live) { a in
            try await servers[1].application(host: "127.0.0.1", port: 0).test(.live) { b in
                try await test(ServerFixture.Client(client: a), ServerFixture.Client(client: b))
            }
        }
    }
}

extension ServerFixture.Client {
    /// The status of a Heat API call with `token` (a stack list).
    func heatStatus(token: String, project: String) async throws -> HTTPResponse.Status {
        try await call(.get, "/v1/\(project)/stacks", token: token).status
    }

    /// `POST /v3/auth/tokens` with a password; the reply.
    func passwordSignIn(user: String, password: String) async throws -> Reply {
        try await call(.post, "/v3/auth/tokens", body: ["auth": [
            "identity": ["methods": ["password"], "password": ["user": [
                "name": .string(user), "password": .string(password), "domain": ["name": "Default"]]]],
        ]])
    }
}
