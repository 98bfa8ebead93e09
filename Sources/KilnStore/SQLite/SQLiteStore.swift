import Foundation
import GRDB
import Synchronization

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
    /// This store's writes under way: a write done on the caller's thread must never queue
    /// behind another one (which may be waiting on another process's lock).
    private let writesUnderWay = Atomic<Int>(0)

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
            // Processes opening a new file together race on GRDB's check of applied migrations
            // (seen as "table ... already exists"): the loser looks again, and finds them applied.
            for attempt in 1...5 {
                do {
                    try Migrations.migrator.migrate(writer)
                    break
                } catch where attempt < 5 {
                    Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
                }
            }
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
    /// When nothing else is writing and the file's lock is free, it runs at once on the
    /// caller's thread (an operation's commits follow one another with no thread hand-off);
    /// otherwise it is awaited on GRDB's queue, so waiting for another process's lock never
    /// blocks a cooperative thread. Never abandoned because the calling task was cancelled: an
    /// operation being stopped still commits the state it has reached.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if writesUnderWay.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            let now = writeNow(updates)
            writesUnderWay.subtract(1, ordering: .releasing)
            if let now {
                do { return try now.get() } catch { throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout) }
            }
        }
        writesUnderWay.add(1, ordering: .acquiring)
        let result: Result<T, Error> = await withCheckedContinuation { continuation in
            writer.asyncWrite(updates) { _, result in continuation.resume(returning: result) }
        }
        writesUnderWay.subtract(1, ordering: .releasing)
        do {
            return try result.get()
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// The write on this thread if the file's write lock can be had without waiting; nil when
    /// another process holds it.
    private func writeNow<T>(_ updates: (Database) throws -> T) -> Result<T, Error>? {
        let timeout = Int(busyTimeout * 1000)
        do {
            return try writer.writeWithoutTransaction { db -> Result<T, Error>? in
                try db.execute(sql: "PRAGMA busy_timeout = 0")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
                do {
                    try db.execute(sql: "BEGIN IMMEDIATE")
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                    return nil
                }
                do {
                    let value = try updates(db)
                    try db.execute(sql: "COMMIT")
                    return .success(value)
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                    return .failure(error)
                }
            }
        } catch {
            return .failure(error)
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
