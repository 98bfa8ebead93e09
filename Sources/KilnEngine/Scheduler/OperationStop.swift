import KilnModel

/// What a cancel request asks of the running operation.
enum CancelRequest: String, Sendable {
    /// Heat's cancel_update: stop the update and roll back to the previous template.
    case rollBack = "rollback"
    /// Heat's cancel_without_rollback: stop the create or update where it is, leaving it FAILED.
    case stopHere = "stop"
}

/// Whether a running operation has been asked to stop, and how: a state set once from any
/// task (a cancel in this engine, or the store's cancel request seen by the operation's
/// watcher), read by the operation's walk, which then interrupts what is in flight.
final class OperationStop: Sendable {
    private struct State {
        var request: CancelRequest?
        var wakers: [Int: @Sendable () -> Void] = [:]
        var nextWaker = 0
    }

    private let state = Locked(State())

    init() {}

    var requested: CancelRequest? { state.withLock { $0.request } }

    /// Asks the operation to stop; the first request wins.
    func request(_ request: CancelRequest) {
        let wakers: [@Sendable () -> Void] = state.withLock { state in
            guard state.request == nil else { return [] }
            state.request = request
            return Array(state.wakers.values)
        }
        for wake in wakers { wake() }
    }

    /// Calls `wake` when a stop is requested (at once if it already was); returns a token for `remove`.
    func onRequest(_ wake: @escaping @Sendable () -> Void) -> Int {
        let (token, already) = state.withLock { state in
            state.nextWaker += 1
            state.wakers[state.nextWaker] = wake
            return (state.nextWaker, state.request != nil)
        }
        if already { wake() }
        return token
    }

    func remove(_ token: Int) {
        _ = state.withLock { $0.wakers.removeValue(forKey: token) }
    }

    /// The stop of the operation whose resource is running this code: a nested stack's
    /// operation stops when its parent's does.
    @TaskLocal static var enclosing: OperationStop?

    /// Sleeps, or until a stop is requested or the task is cancelled; whether it slept it all.
    func sleep(nanoseconds: UInt64) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await Task.sleep(nanoseconds: nanoseconds)) != nil }
            group.addTask {
                let (requested, continuation) = AsyncStream<Void>.makeStream()
                let token = self.onRequest { continuation.finish() }
                for await _ in requested {}  // ends when a stop is requested, or this task is cancelled
                self.remove(token)
                return false
            }
            let slept = await group.next() ?? false
            group.cancelAll()
            return slept && requested == nil
        }
    }
}
