import KilnModel
import Foundation

/// This engine's place among the engines sharing the database: it writes the engine's
/// heartbeat row, reads who else is alive, and divides keyed work (alarms, notification
/// queues) among the live engines by rendezvous hashing.
///
/// Rendezvous (highest random weight) hashing gives each key to the live engine whose hash of
/// (engine id, key) is highest: every engine computes the same owner from the same list with
/// no talking, and when an engine joins or dies only its share of the keys moves. Engines can
/// disagree for a moment (one has read the table since a change, another has not): callers
/// that must never run a key twice at once also take a work claim (`EngineRegistry.claimWork`).
public final class EngineMembership: Sendable {
    public let store: any EngineRegistry
    /// This engine's row as it started (its heartbeat time is replaced on every beat).
    public let engine: EngineRecord
    /// Seconds after its last heartbeat an engine counts as dead; heartbeats come every third of it.
    public let ttl: TimeInterval
    /// The live engines' ids as last read, sorted (this engine's always among them).
    private let live = Locked<[String]>([])
    private let everyone = Locked<[EngineRecord]>([])

    public init(store: any EngineRegistry, id: String, name: String, version: String, ttl: TimeInterval, startedAt: Date = Date()) {
        self.store = store
        self.ttl = ttl
        let host = ProcessInfo.processInfo.hostName
        engine = EngineRecord(
            id: id, name: name, host: host, pid: Int(getpid()), version: version, startedAt: startedAt, heartbeatAt: startedAt)
        live.withLock { $0 = [id] }
    }

    /// The default engine name: `HOST-PID`.
    public static func defaultName() -> String { "\(ProcessInfo.processInfo.hostName)-\(getpid())" }

    /// Writes this engine's heartbeat, then reads the table.
    public func beat(now: Date = Date()) async throws {
        var row = engine
        row.heartbeatAt = now
        try await store.heartbeat(row)
        try await refresh(now: now)
    }

    /// Reads the heartbeat table: who is alive now.
    public func refresh(now: Date = Date()) async throws {
        let rows = try await store.engines()
        var ids = rows.filter { $0.isAlive(ttl: ttl, now: now) }.map(\.id)
        if !ids.contains(engine.id) { ids.append(engine.id) }
        ids.sort()
        live.withLock { $0 = ids }
        everyone.withLock { $0 = rows }
    }

    /// Heartbeats every `ttl / 3` seconds until cancelled; a failed beat is retried next time
    /// (a database busy for a whole TTL makes the others count this engine dead, which only
    /// moves its alarms and queues to them).
    public func run(onError: @escaping @Sendable (Error) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do { try await beat() } catch { onError(error) }
            try? await Task.sleep(for: .seconds(ttl / 3))
        }
    }

    /// Removes the rows of earlier starts of this engine (same name, same host) that are dead:
    /// a restarted engine replaces the one that was killed in the service list instead of
    /// listing it down forever, as a restarted heat-engine removes its own dead service records.
    public func forgetEarlierStarts(now: Date = Date()) async throws {
        for row in try await store.engines()
        where row.id != engine.id && row.name == engine.name && row.host == engine.host && !row.isAlive(ttl: ttl, now: now) {
            try await store.removeEngine(id: row.id)
        }
    }

    /// Leaves the table (a clean shutdown): the others take this engine's share at their next read.
    public func leave() async {
        try? await store.removeEngine(id: engine.id)
    }

    /// The live engines' ids as last read, sorted.
    public var liveEngineIDs: [String] { live.withLock { $0 } }

    /// Every engine row as last read (alive or not).
    public var engines: [EngineRecord] { everyone.withLock { $0 } }

    /// Whether `key` is this engine's to work on, among the live engines as last read.
    public func owns(_ key: String) -> Bool {
        Self.owner(of: key, among: liveEngineIDs) == engine.id
    }

    /// The engine (of `ids`) that `key` belongs to: the one with the highest hash of (id, key).
    public static func owner(of key: String, among ids: [String]) -> String? {
        ids.max { a, b in
            let (wa, wb) = (weight(a, key), weight(b, key))
            return wa == wb ? a < b : wa < wb
        }
    }

    /// A 64-bit hash of (engine, key) that every process computes alike (Swift's `Hasher` is
    /// seeded per process, so it cannot be used): FNV-1a, then SplitMix64's finalizer so that
    /// keys differing in their last byte still spread.
    static func weight(_ engine: String, _ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in engine.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0) &* 0x100_0000_01b3
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash ^= hash >> 30
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash = hash &* 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return hash
    }
}
