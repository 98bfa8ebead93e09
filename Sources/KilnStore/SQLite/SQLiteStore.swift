import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, opened through GRDB.
///
/// A `DatabasePool` is used rather than a `DatabaseQueue`: both serialize writes (SQLite
/// has one writer), and commits measured the same with either, but the pool lets reads
/// (stack lists, event polling by clients) run alongside a commit instead of waiting for it.
public final class SQLiteStore: Store {
    /// Where the database lives, for messages.
    public let path: String
    let writer: any DatabaseWriter

    /// How long a write waits for another process's write lock before reporting "database is locked".
    public let busyTimeout: TimeInterval

    /// Opens (or creates) the database at `path`, creating missing parent directories, and
    /// brings its schema up to date.
    public init(path: String, busyTimeout: TimeInterval = 5) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError("cannot open database at \(path): cannot create directory \(directory)")
            }
        }
        do {
            writer = try DatabasePool(path: path, configuration: Self.configuration(busyTimeout: busyTimeout))
            try Migrations.migrator.migrate(writer)
        } catch {
            throw StoreError.opening(error, path: path, busyTimeout: busyTimeout)
        }
    }

    private init(inMemory writer: any DatabaseWriter) {
        self.path = ":memory:"
        self.busyTimeout = 0
        self.writer = writer
    }

    /// A private database in memory, gone when the store is: for tests and dry runs.
    public static func inMemory() throws -> SQLiteStore {
        do {
            let queue = try DatabaseQueue(configuration: configuration(busyTimeout: 0))
            try Migrations.migrator.migrate(queue)
            return SQLiteStore(inMemory: queue)
        } catch {
            throw StoreError.opening(error, path: ":memory:", busyTimeout: 0)
        }
    }

    static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "KilnStore"
        config.prepareDatabase { db in
            // WAL with NORMAL survives the death of the process (only power loss can lose
            // the last commits) and avoids an fsync per commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return config
    }

    /// One write transaction (IMMEDIATE: the write lock is taken up front, so two processes
    /// queue on the busy timeout instead of failing on a lock upgrade), errors made readable.
    ///
    /// Awaited, so the caller's thread is never blocked on SQLite's busy wait; and, unlike
    /// GRDB's cancellable `write`, never abandoned because the calling task was cancelled:
    /// an operation that is being stopped still commits the state it has reached.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result: Result<T, Error> = await withCheckedContinuation { continuation in
            writer.asyncWrite(updates) { _, result in continuation.resume(returning: result) }
        }
        do {
            return try result.get()
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// One read transaction: a consistent snapshot of the last commit. Awaited, and carried
    /// out whether or not the calling task is cancelled, as writes are.
    func read<T: Sendable>(_ query: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result: Result<T, Error> = await withCheckedContinuation { continuation in
            writer.asyncRead { database in
                continuation.resume(returning: Result { try query(database.get()) })
            }
        }
        do {
            return try result.get()
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }
}
