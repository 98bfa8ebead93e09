import Foundation
import KilnModel

/// Where a running engine's sealing keys come from: its key file, re-read when the file changes,
/// so `kiln secret-key rotate` (or a new file copied over the old one) reaches every engine
/// using that file without a restart. The file is looked at (one `stat`) at most once per
/// `recheck` interval when a value is sealed, and at once when a value names a key the engine
/// does not hold yet (another engine, or the rotation's re-sealing, sealed it with the new key).
///
/// A file that has become unreadable or malformed keeps the keys last read (an engine that
/// worked goes on working; the next command that opens the file reports it).
public final class SecretKeySource: Sendable {
    /// The file (nil: keys given once, never re-read).
    public let path: String?
    private let recheck: Duration
    private let state: Locked<State>

    private struct State {
        var ring: SecretKeyring
        var stamp: FileStamp?
        var checked: ContinuousClock.Instant
    }

    /// What tells a replaced or rewritten file from the one read: rotations rename a new file
    /// over the old (a new inode); an edit in place changes the size or the modification time.
    private struct FileStamp: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, modifiedSeconds: Int, modifiedNanoseconds: Int

        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modifiedSeconds = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        }
    }

    /// Fixed keys.
    public init(keyring: SecretKeyring) {
        path = nil
        recheck = .seconds(1)
        state = Locked(State(ring: keyring, stamp: nil, checked: .now))
    }

    /// The keys in `path`, made first when there is no file (`SecretKeyFile.loadOrCreate`),
    /// then re-read when it changes.
    public init(keyFile path: String, recheck: Duration = .seconds(1)) throws {
        self.path = path
        self.recheck = recheck
        // The stamp of what is read: taken before reading an existing file (a change during the
        // read is then seen at the next look), after making a new one (made whole, never replaced).
        let before = FileStamp(path)
        let ring = try SecretKeyFile.loadOrCreate(path: path)
        state = Locked(State(ring: ring, stamp: before ?? FileStamp(path), checked: .now))
    }

    /// The keys now: the file looked at again when the last look is older than `recheck`.
    public var keyring: SecretKeyring { current(force: false) }

    /// The keys after looking at the file now (a value named a key not held).
    public func refreshed() -> SecretKeyring { current(force: true) }

    private func current(force: Bool) -> SecretKeyring {
        guard let path else { return state.withLock { $0.ring } }
        let now = ContinuousClock.now
        let (ring, due) = state.withLock { state in (state.ring, force || now - state.checked >= recheck) }
        guard due else { return ring }
        // Unchanged, gone or unreadable: the keys last read stay. Read outside the lock; the
        // stamp is taken before the read, so a change during it is seen at the next look.
        guard let stamp = FileStamp(path), stamp != state.withLock({ $0.stamp }),
              let reread = try? SecretKeyFile.load(path)
        else {
            state.withLock { $0.checked = now }
            return ring
        }
        return state.withLock { state in
            state.ring = reread
            state.stamp = stamp
            state.checked = now
            return reread
        }
    }
}
