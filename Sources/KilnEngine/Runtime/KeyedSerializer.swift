import KilnModel
import Synchronization

/// Runs async work one at a time per key (others run freely): two signals to the same
/// resource must read-modify-write its data in turn, or one is lost.
final class KeyedSerializer: Sendable {
    private let tails = Locked<[String: (id: Int, done: Task<Void, Never>)]>([:])
    private let counter = Atomic<Int>(0)

    func run<T: Sendable>(_ key: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let id = counter.add(1, ordering: .relaxed).newValue
        let work: Task<Result<T, any Error>, Never> = tails.withLock { tails in
            let previous = tails[key]?.done
            let work = Task { () -> Result<T, any Error> in
                await previous?.value
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            tails[key] = (id, Task { _ = await work.value })
            return work
        }
        let outcome = await work.value
        // The last in line clears its key, so idle keys take no memory.
        tails.withLock { tails in if tails[key]?.id == id { tails[key] = nil } }
        return try outcome.get()
    }
}
