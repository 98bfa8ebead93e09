import Foundation
import KilnModel
import KilnStore
import Logging
import Synchronization

/// Operation leases. Each operation claims its stack under its own name, `ENGINE/N`, so an
/// operation that has ended can never release or renew the claim of the one after it, even
/// in the same engine; the final state is committed together with the release, so a client
/// that sees `*_COMPLETE` can start the next operation at once.
extension Engine {
    /// Claims the stack for a new operation of this engine (its claim is then `stack.owner`),
    /// or returns false when a live operation holds it.
    /// `takingOver`: the stack's operation was interrupted and this engine carries it on
    /// (`Store.takeOver`: a row another engine is claiming is skipped, not waited for).
    func claimOperation(_ stack: inout StackRecord, takingOver: Bool = false) async throws -> Bool {
        let operation = "\(owner)/\(operations.next())"
        let expiry = Date().addingTimeInterval(leaseSeconds)
        operations.started(operation)
        let now = try claimTime(stack)
        let claimed = takingOver
            ? try await store.takeOver(stackID: stack.id, owner: operation, until: expiry, now: now)
            : try await store.claim(stackID: stack.id, owner: operation, until: expiry, now: now)
        guard claimed else {
            operations.ended(operation)
            LeaseMetrics.claim(taken: false)
            return false
        }
        LeaseMetrics.claim(taken: true)
        stack.owner = operation
        stack.leaseExpiry = expiry
        return true
    }

    /// Claims the stack for a delete. A signal's resize holds the claim without the stack being
    /// IN_PROGRESS, for as long as the resize takes: a delete waits for it, up to a lease's
    /// length, rather than being refused as busy because an alarm fired a moment before; a
    /// stack operation's claim (the stack IN_PROGRESS) is not waited for. (An update or an
    /// action is still refused at once: it would act on a group changing under it.)
    func claimStackOperation(_ stack: inout StackRecord) async throws -> Bool {
        let deadline = Date().addingTimeInterval(leaseSeconds)
        while true {
            if try await claimOperation(&stack) { return true }
            guard Date() < deadline, let current = try await store.stack(id: stack.id), current.status != .inProgress else {
                return false
            }
            stack.owner = current.owner
            stack.leaseExpiry = current.leaseExpiry
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// A claim for a stack this engine is about to store (a create or an adopt).
    func newOperationClaim() -> String {
        let operation = "\(owner)/\(operations.next())"
        operations.started(operation)
        LeaseMetrics.claim(taken: true)
        return operation
    }

    /// Ends an operation that did not run under `withLease`: gives its claim up.
    func endOperation(_ stack: StackRecord) async {
        guard let operation = stack.owner else { return }
        operations.ended(operation)
        _ = try? await store.release(stackID: stack.id, owner: operation)
    }

    /// Runs a claimed operation while renewing its claim in the background; every commit
    /// checks the claim is still this operation's (see `StackRun.flush`). When it ends the
    /// claim is given up, finished or not: a stack left IN_PROGRESS by an error is then
    /// resumed by the next engine at once.
    func withLease<T: Sendable>(_ run: StackRun, _ body: () async throws -> T) async throws -> T {
        let store = self.store, seconds = leaseSeconds, id = run.stack.id
        // Every operation claims its stack before it runs (claimOperation, or the create that stores it).
        guard let operation = run.stack.owner else {
            throw EngineError.conflict("stack '\(run.stack.name)' was not claimed for this operation")
        }
        run.leaseOwner = operation
        let logger = operationLogger(run.stack, operation: operation)
        logger.info("operation started", metadata: ["action": .string(run.stack.action.rawValue)])
        // The renewal is a child task of this operation: it cannot outlive it.
        let outcome: Result<T, Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(seconds / 3 * 1_000_000_000))
                    if Task.isCancelled { break }
                    let kept = try? await store.renew(stackID: id, owner: operation, until: Date().addingTimeInterval(seconds))
                    if let kept { LeaseMetrics.renewal(kept: kept) }
                    if kept == false {
                        logger.warning("lease lost: another engine holds the stack; this operation writes nothing more")
                    }
                }
            }
            defer { group.cancelAll() }
            do {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        operations.ended(operation)
        _ = try? await store.release(stackID: id, owner: operation)
        switch outcome {
        case .success:
            logger.info("operation ended", metadata: [
                "status": .string(run.stack.statusText), "reason": .string(Value.redact(run.stack.statusReason, run.loaded.secrets)),
            ])
        case .failure(let error):
            logger.error("operation stopped", metadata: ["error": .string(Value.redact("\(error)", run.loaded.secrets))])
        }
        return try outcome.get()
    }

    /// The engine's logger with the stack and the operation named on every line, and the API
    /// request that started it (when one did), so a request's line leads to its operation's.
    func operationLogger(_ stack: StackRecord, operation: String) -> Logger {
        var logger = self.logger
        if let requestID = Engine.requestID { logger[metadataKey: "request_id"] = .string(requestID) }
        logger[metadataKey: "project"] = .string(stack.projectID)
        logger[metadataKey: "stack"] = .string(stack.id)
        logger[metadataKey: "stack_name"] = .string(stack.name)
        logger[metadataKey: "operation"] = .string(operation)
        return logger
    }

    /// Whether the operation holding the stack's claim is gone: its lease expired, it was
    /// this engine's and has ended, or it ran on this host in a process that no longer
    /// exists (a `kill -9` needs no waiting).
    func leaseLapsed(_ stack: StackRecord, now: Date = Date()) throws -> Bool {
        guard let holder = stack.owner else { return true }
        if let expiry = stack.leaseExpiry, expiry < now { return true }
        if holder == owner || holder.hasPrefix(owner + "/") { return !operations.isRunning(holder) }
        if let process = LeaseHolder(holder), process.host == ProcessInfo.processInfo.hostName {
            return kill(process.pid, 0) != 0 && errno == ESRCH
        }
        return false
    }

    /// The `now` to claim with. A holder known to be gone is replaced only while its lease
    /// is still the one read: claiming "as of just after that expiry" fails once anyone else
    /// has claimed (their expiry is later) or the holder renewed, so of two processes
    /// recovering the same stack at once only one takes it.
    func claimTime(_ stack: StackRecord) throws -> Date {
        guard try leaseLapsed(stack), let expiry = stack.leaseExpiry else { return Date() }
        return max(Date(), expiry.addingTimeInterval(0.001))
    }

    /// Who holds the stack, for messages: "kiln process 123 on HOST".
    func holderDescription(_ stack: StackRecord) -> String? {
        guard let holder = stack.owner else { return nil }
        guard let process = LeaseHolder(holder) else { return holder }
        return "kiln process \(process.pid) on \(process.host)"
    }
}

/// The operations an engine is running, by claim name, each with its stop request.
final class RunningOperations: Sendable {
    private let running = Locked<[String: OperationStop]>([:])
    private let counter = Atomic<Int>(0)

    func next() -> Int { counter.add(1, ordering: .relaxed).newValue }
    func started(_ operation: String) { running.withLock { $0[operation] = OperationStop() } }
    func ended(_ operation: String) { _ = running.withLock { $0.removeValue(forKey: operation) } }
    func isRunning(_ operation: String) -> Bool { running.withLock { $0[operation] != nil } }
    /// How to stop an operation of this engine (nil: not running here).
    func stop(_ operation: String) -> OperationStop? { running.withLock { $0[operation] } }
}

/// A claim's owner, `kiln:HOST:PID:UUID[/N]`, read back.
struct LeaseHolder {
    var host: String
    var pid: Int32

    init?(_ owner: String) {
        let text = Substring(owner)
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        // The host may itself hold colons: PID and UUID are counted from the end.
        guard parts.count >= 4, parts[0] == "kiln", let pid = Int32(parts[parts.count - 2]), pid > 0 else { return nil }
        self.host = parts[1..<(parts.count - 2)].joined(separator: ":")
        self.pid = pid
    }
}

