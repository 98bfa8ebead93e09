import Foundation

/// Runs `body` over `0..<count` split into one contiguous chunk per core (a single chunk
/// below `minimum`), and returns the chunks' results in order. Large templates are
/// checked this way; small ones stay on the calling thread.
func inChunks<T>(of count: Int, minimum: Int = 2_000, _ body: @Sendable (Range<Int>) -> T) -> [T] {
    let workers = count >= minimum ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
    guard workers > 1 else { return [body(0..<count)] }
    let size = (count + workers - 1) / workers
    let results = Slots<T>(count: workers)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let range = min(count, worker * size)..<min(count, (worker + 1) * size)
        results.set(worker, body(range))
    }
    return results.values
}

/// One slot per item (a chunk, a file), each written once by a worker, read after all
/// workers finish.
final class Slots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [T] { slots.compactMap { $0 } }
}
