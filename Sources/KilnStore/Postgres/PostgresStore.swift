import Foundation
import Logging
import PostgresNIO

/// The shared store: one PostgreSQL database that several `kiln serve` engines use together,
/// as Heat's engines share one MySQL. Same tables, migrations and transactions as SQLiteStore.
///
/// Connections come from PostgresNIO's `PostgresClient` (a small pool, run by a task of its
/// own), so commits of many tasks run side by side, each on its own connection. Every method
/// is one transaction; values are always bound, never written into SQL text.
public final class PostgresStore: Store {
    public let location: PostgresLocation
    let client: PostgresClient
    /// Two connections of their own for lease renewals and heartbeats: an engine busy with
    /// commits (its pool's connections all taken) must still renew in time, or other engines
    /// would take over operations it is running, and it theirs, over and over.
    let control: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    /// Opening connects once directly (an unreachable server or a refused login is reported at
    /// once, not retried by the pool), brings the schema up to date under an advisory lock,
    /// then starts the pool.
    public static func open(_ location: PostgresLocation, maximumConnections: Int = 8) async throws -> PostgresStore {
        let logger = Logger(label: "KilnStore.Postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw StoreError.postgres(error, location: location, opening: true)
        }
        do {
            try await PostgresMigrations.migrate(connection, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw StoreError.postgres(error, location: location, opening: true)
        }
        return PostgresStore(
            location: location, configuration: try location.clientConfiguration(maximumConnections: maximumConnections),
            logger: logger)
    }

    private init(location: PostgresLocation, configuration: PostgresClient.Configuration, logger: Logger) {
        self.location = location
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        var controlConfiguration = configuration
        controlConfiguration.options.maximumConnections = 2
        let control = PostgresClient(configuration: controlConfiguration, backgroundLogger: logger)
        self.client = client
        self.control = control
        runner = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                group.addTask { await control.run() }
            }
        }
    }

    deinit { runner.cancel() }

    /// Closes the pool's connections.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// A write transaction at READ COMMITTED: the rows a method must see unchanged are locked
    /// by the method itself (`FOR UPDATE`, advisory locks).
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await transaction("BEGIN", body)
    }

    /// A write on the control connections (lease renewals, heartbeats).
    func controlWrite<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await transaction("BEGIN", control: true, body)
    }

    /// A read: one snapshot of the last commit.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// One transaction on a pooled connection, retried (a few times) when PostgreSQL reports a
    /// serialization failure or a deadlock, which roll the whole transaction back.
    ///
    /// Run in a task of its own: never abandoned because the calling task was cancelled (an
    /// operation being stopped still commits the state it has reached), as SQLiteStore's are.
    func transaction<T: Sendable>(
        _ begin: String, control: Bool = false, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let client = control ? self.control : self.client, logger = self.logger, location = self.location
        let result: Result<T, Error> = await Task {
            var attempt = 0
            while true {
                attempt += 1
                do {
                    return .success(try await client.withConnection { connection in
                        try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
                        do {
                            let value = try await body(connection, logger)
                            try await connection.query("COMMIT", logger: logger)
                            return value
                        } catch {
                            _ = try? await connection.query("ROLLBACK", logger: logger)
                            throw error
                        }
                    })
                } catch {
                    if attempt < 8, StoreError.isRetryable(error) {
                        try? await Task.sleep(nanoseconds: UInt64(attempt) * UInt64.random(in: 1_000_000...5_000_000))
                        continue
                    }
                    return .failure(StoreError.postgres(error, location: location, opening: false))
                }
            }
        }.value
        return try result.get()
    }
}

extension PostgresConnection {
    /// Every row of the query's result.
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresCells] {
        try await self.query(query, logger: logger).collect().map(PostgresCells.init)
    }

    func run(_ query: PostgresQuery, _ logger: Logger) async throws {
        try await self.query(query, logger: logger)
    }

    /// The statement's row count, for statements written with `RETURNING 1`.
    func count(_ query: PostgresQuery, _ logger: Logger) async throws -> Int {
        try await self.query(query, logger: logger).collect().count
    }
}
