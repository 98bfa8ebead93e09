import Foundation

/// State shared between tasks and threads, behind a lock: `withLock` as Synchronization's
/// `Mutex` has it, over a pthread mutex (Foundation's `NSLock`).
///
/// Not `Mutex` because of ThreadSanitizer (`swift test --sanitize=thread`): on Linux a contended
/// `Mutex` waits and wakes through the Synchronization library's own futex code, which is not
/// instrumented, so the sanitizer misses that hand-over and reports the next access under the
/// lock as a race. pthread mutexes it intercepts and understands.
public final class Locked<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State

    public init(_ state: State) { self.state = state }

    /// Runs `body` with the state, no other `withLock` running at the same time.
    public func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
