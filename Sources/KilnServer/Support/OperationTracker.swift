import Foundation
import KilnModel
import KilnStore

/// The stack operations a server runs in the background: how many are running (a graceful
/// shutdown waits for them) and how the finished ones ended (for `/metrics`).
public final class OperationTracker: Sendable {
    /// The tracker of the server answering the current request: background operations detach
    /// from the request's task, so they take it from here before they do.
    @TaskLocal static var current: OperationTracker?

    private let state = Locked(0)
    /// Where finished operations are counted.
    let metrics: ServerMetrics?

    public init(metrics: ServerMetrics? = nil) { self.metrics = metrics }

    /// Where every event of the operations this server runs is also handed (the alarm
    /// evaluator's event alarms); nil: nowhere.
    private let eventSink = Locked<(@Sendable (EventRecord) -> Void)?>(nil)

    public func onEvent(_ sink: @escaping @Sendable (EventRecord) -> Void) { eventSink.withLock { $0 = sink } }

    func observed(_ event: EventRecord) { eventSink.withLock { $0 }?(event) }

    /// Hands events to the same place, for operations the server did not start itself (those
    /// `kiln serve` takes over from an engine that died).
    public var eventObserver: @Sendable (EventRecord) -> Void { { [self] event in observed(event) } }

    public var running: Int { state.withLock { $0 } }

    func started() { state.withLock { $0 += 1 } }

    /// The operation's end: counted by its stack's final action and status. One that threw
    /// (mostly refused before it began: a busy stack, bad input) only stops running.
    func finished(_ stack: StackRecord?) {
        state.withLock { $0 -= 1 }
        if let stack { metrics?.recordOperation(action: stack.action.rawValue, result: stack.status.rawValue) }
    }

    /// Waits until no operation runs or `timeout` seconds have passed; whether all finished.
    public func waitUntilIdle(timeout: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while running > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }
}
