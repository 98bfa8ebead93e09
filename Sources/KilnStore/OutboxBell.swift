import KilnModel

/// Rung when a commit puts notifications in the outbox, so the dispatcher of the same process
/// starts on them at once instead of at its next poll (other processes' rows wait for a poll).
public final class OutboxBell: Sendable {
    private let waiters = Locked<(rung: Bool, continuations: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    public func ring() {
        let woken = waiters.withLock { state -> [CheckedContinuation<Void, Never>] in
            let list = state.continuations
            state.continuations = []
            state.rung = list.isEmpty
            return list
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns at the next ring (at once if one came since the last wait), or after `seconds`.
    public func wait(seconds: Double) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let early = self.waiters.withLock { state -> Bool in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.continuations.append(continuation)
                        return false
                    }
                    if early { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
                return false
            }
            let rung = await group.next() ?? true
            group.cancelAll()
            // Timed out: release the waiting task (the ring it leaves behind at worst wakes the
            // next wait early, one extra look at the outbox).
            if !rung { self.ring() }
        }
    }
}
