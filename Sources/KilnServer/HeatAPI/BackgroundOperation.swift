import Foundation
import KilnEngine
import KilnModel
import KilnStore

/// Runs a stack operation in the background and waits only until it is under way: its first
/// event (the stack is stored and claimed) or the error that refused it (bad input, busy stack).
/// The client then follows the operation through events, as Heat's asynchronous API expects.
enum BackgroundOperation {
    /// The id of the stack the operation's first event belongs to, or nil when the operation
    /// finished without emitting one.
    static func start(
        _ operation: @escaping @Sendable (_ observer: @escaping EngineObserver) async throws -> StackRecord
    ) async throws -> String? {
        let firstOutcome = FirstOutcome()
        let tracker = OperationTracker.current
        tracker?.started()
        // Detached drops task-locals: the request id is carried over by hand, for the operation's log lines.
        let requestID = Engine.requestID
        Task.detached {
            do {
                let stack = try await Engine.$requestID.withValue(requestID) {
                    try await operation { event in
                        firstOutcome.open(.success(event.stackID))
                        tracker?.observed(event)
                    }
                }
                tracker?.finished(stack)
                firstOutcome.open(.success(stack.id))
            } catch {
                tracker?.finished(nil)
                if !firstOutcome.open(.failure(error)) {
                    FileHandle.standardError.write(Data("kiln serve: operation failed after it started: \(error)\n".utf8))
                }
            }
        }
        return try await firstOutcome.wait()
    }

    /// Hands the first outcome to the waiting request; later ones are ignored.
    final class FirstOutcome: Sendable {
        private struct State {
            var result: Result<String?, Error>?
            var waiter: CheckedContinuation<String?, Error>?
        }
        private let state = Locked(State())

        /// Whether this outcome was the first.
        @discardableResult
        func open(_ result: Result<String?, Error>) -> Bool {
            let (first, waiter) = state.withLock { state -> (Bool, CheckedContinuation<String?, Error>?) in
                guard state.result == nil else { return (false, nil) }
                state.result = result
                defer { state.waiter = nil }
                return (true, state.waiter)
            }
            waiter?.resume(with: result)
            return first
        }

        func wait() async throws -> String? {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<String?, Error>? = state.withLock { state in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}
