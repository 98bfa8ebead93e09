import KilnModel
import Foundation

/// Request latencies and outcomes gathered from many client threads.
final class Latencies: Sendable {
    private struct State {
        var seconds: [Double] = []
        var errors: [String] = []
    }
    private let state = Locked(State())

    func record(_ seconds: Double) { state.withLock { $0.seconds.append(seconds) } }

    func error(_ message: String) { state.withLock { $0.errors.append(message) } }

    var count: Int { state.withLock { $0.seconds.count } }
    var errors: [String] { state.withLock { $0.errors } }

    /// The `fraction` percentile (nearest rank), in milliseconds.
    func percentile(_ fraction: Double) -> Double {
        let sorted = state.withLock { $0.seconds }.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)] * 1000
    }
}

/// Hands out work items 0..<total to any number of threads.
final class WorkCounter: Sendable {
    private let next = Locked(0)
    let total: Int

    init(total: Int) { self.total = total }

    func take() -> Int? {
        next.withLock { value in
            guard value < total else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
