import KilnModel
import KilnTemplate

/// Walks a dependency graph with a bounded number of nodes in flight, as Terraform's walker
/// does: a node starts once everything it waits for has succeeded; a failed node stops its
/// dependents (and, by default, any new starts). Completions that arrive together are
/// handed to `finish` together, so their state changes are committed in one transaction.
///
/// The walking task alone touches the caller's state (`start`, `finish`, `commit` run on
/// it); each node's work is a closure `start` prepares, run concurrently in a child task.
struct GraphWalk<Outcome: Sendable> {
    /// The work of one node, prepared on the walking task.
    typealias Work = @Sendable () async throws -> Outcome
    /// What a ready node waits for before it may start (a hook until it is cleared). It runs
    /// in a child task like work; `abandoned` turns true once the walk stops starting nodes,
    /// and the wait should then return (the node is left unstarted).
    typealias Gate = WalkGate

    /// Each node and what it waits for (`DependencyGraph.reversed()` walks dependents first).
    let graph: DependencyGraph
    /// The nodes to run, in a stable order (template order); edges to other nodes are ignored.
    let nodes: [String]
    let maxParallel: Int
    /// When requested, the nodes in flight are cancelled and none is started.
    var stop: OperationStop? = nil

    init(graph: DependencyGraph, nodes: [String]? = nil, maxParallel: Int, stop: OperationStop? = nil) {
        self.graph = graph
        self.nodes = nodes ?? graph.nodes
        self.maxParallel = max(1, maxParallel)
        self.stop = stop
    }

    /// What happened to one node.
    enum Result: Sendable {
        case succeeded(String, Outcome)
        case failed(String, Error)

        var node: String {
            switch self {
            case .succeeded(let node, _), .failed(let node, _): return node
            }
        }
    }

    /// What a child task hands back: a node's result, or word that a gate opened or gave up.
    private enum Arrival: Sendable {
        case result(Result)
        case reopened(String)
        case released(String)
        case gaveUp(String)
    }

    /// Runs the walk. On the walking task, `start` records the nodes about to run and returns
    /// their work, `finish` records each batch of results; then `commit` is called once, so
    /// finished and starting transitions share one transaction and are durable before any
    /// node acts. A node `start` gives no work fails with `missingWork`. Returns the failed
    /// nodes and those never run.
    func run(
        start: ([String]) async throws -> [String: Work],
        finish: ([Result]) async throws -> Void,
        commit: () async throws -> Void,
        missingWork: @escaping @Sendable (String) -> Error,
        stopOnFailure: Bool = true,
        shouldStop: () -> Bool = { false },
        gate: (String) async throws -> Gate? = { _ in nil },
        hold: (String) async throws -> Gate? = { _ in nil }
    ) async throws -> (failed: [String], skipped: [String]) {
        var remaining: [String: Int] = [:]
        var dependents: [String: [String]] = [:]
        let known = Set(nodes)
        for node in nodes {
            let waits = (graph.edges[node] ?? []).filter { known.contains($0) && $0 != node }
            remaining[node] = waits.count
            for wait in waits { dependents[wait, default: []].append(node) }
        }
        // A queue (array plus head) keeps template order among ready nodes.
        var ready = nodes.filter { remaining[$0] == 0 }
        var head = 0
        var running = 0
        /// Gated nodes waiting for their gate to open.
        var waiting = 0
        var gatedNodes: Set<String> = []
        /// Held nodes whose hold opened: asked again, then their dependents go on.
        var released: [String] = []
        var finished: Set<String> = []
        var failed: [String] = []
        var stopped = false
        var interrupted = false
        let inbox = Inbox<Arrival>()
        // Set once nothing new starts: gates still waiting give up.
        let abandon = Locked(false)
        let abandoned: @Sendable () -> Bool = { abandon.withLock { $0 } }
        let waking = stop?.onRequest { inbox.wake() }
        defer { if let waking { stop?.remove(waking) } }

        // A discarding group: finished children are freed at once (results come through the inbox).
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                if shouldStop() { stopped = true }
                if stop?.requested != nil {
                    stopped = true
                    if !interrupted {
                        interrupted = true
                        group.cancelAll()
                    }
                }
                if stopped { abandon.withLock { $0 = true } }
                var starting: [String] = []
                while !stopped, running + starting.count < maxParallel, head < ready.count {
                    let node = ready[head]
                    head += 1
                    // A gated node waits in a task of its own (not counted against the bound: it
                    // does no work), then comes back to be asked again.
                    if let wait = try await gate(node) {
                        waiting += 1
                        gatedNodes.insert(node)
                        group.addTask {
                            do {
                                try await wait(abandoned)
                                inbox.push(abandoned() ? .gaveUp(node) : .reopened(node))
                            } catch {
                                inbox.push(.result(.failed(node, error)))
                            }
                        }
                        continue
                    }
                    starting.append(node)
                }
                let work = starting.isEmpty ? [:] : try await start(starting)
                try await commit()
                let results: [Result]
                if starting.count == 1 && running == 0 && waiting == 0, let job = work[starting[0]] {
                    // The only thing to do: run it here rather than hand it to another thread and
                    // wait (a long chain is then one thread's straight run). A stop reaches it
                    // through the operation's waits (`OperationStop.sleep`), not task cancellation.
                    do {
                        results = [.succeeded(starting[0], try await job())]
                    } catch {
                        results = [.failed(starting[0], error)]
                    }
                } else {
                    for node in starting {
                        running += 1
                        let job = work[node]
                        group.addTask {
                            do {
                                guard let job else { throw missingWork(node) }
                                inbox.push(.result(.succeeded(node, try await job())))
                            } catch {
                                inbox.push(.result(.failed(node, error)))
                            }
                        }
                    }
                    if running == 0 && waiting == 0 { break }
                    var arrived: [Result] = []
                    for arrival in await inbox.takeAll() {
                        switch arrival {
                        case .result(let result):
                            if gatedNodes.contains(result.node) {
                                gatedNodes.remove(result.node)
                                waiting -= 1
                            } else {
                                running -= 1
                            }
                            arrived.append(result)
                        case .reopened(let node):
                            waiting -= 1
                            gatedNodes.remove(node)
                            ready.append(node)
                        case .released(let node):
                            waiting -= 1
                            gatedNodes.remove(node)
                            released.append(node)
                        case .gaveUp(let node):
                            waiting -= 1
                            gatedNodes.remove(node)
                        }
                    }
                    results = arrived
                }
                var succeeded: [String] = []
                for result in results {
                    switch result {
                    case .succeeded(let node, _):
                        finished.insert(node)
                        succeeded.append(node)
                    case .failed(let node, _):
                        finished.insert(node)
                        failed.append(node)
                        if stopOnFailure { stopped = true }
                    }
                }
                try await finish(results)
                for node in succeeded + released {
                    // A node held after its work (a post hook, asked once its result is
                    // recorded) keeps its dependents waiting until it is released.
                    if !stopped, let wait = try await hold(node) {
                        waiting += 1
                        gatedNodes.insert(node)
                        group.addTask {
                            do {
                                try await wait(abandoned)
                                inbox.push(abandoned() ? .gaveUp(node) : .released(node))
                            } catch {
                                inbox.push(.result(.failed(node, error)))
                            }
                        }
                        continue
                    }
                    for dependent in dependents[node] ?? [] {
                        remaining[dependent]! -= 1
                        if remaining[dependent] == 0 { ready.append(dependent) }
                    }
                }
                released = []
            }
        }
        return (failed, nodes.filter { !finished.contains($0) })
    }
}

/// What a ready node of a `GraphWalk` waits for before it may start; `abandoned` turns true
/// once the walk starts nothing more, and the wait should then return.
typealias WalkGate = @Sendable (_ abandoned: @escaping @Sendable () -> Bool) async throws -> Void

/// Collects results from the node tasks; the walker takes everything that has arrived,
/// waiting only when nothing has (or until woken by a stop request).
final class Inbox<T: Sendable>: Sendable {
    private struct State {
        var items: [T] = []
        var waiter: CheckedContinuation<[T], Never>?
        /// A wake that came while nobody waited: the next take returns at once.
        var woken = false
    }

    private let state = Locked(State())

    func push(_ item: T) {
        state.withLock { state in
            state.items.append(item)
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.resume(returning: state.items)
                state.items.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Wakes a waiting walker with nothing, so it looks at its stop request.
    func wake() {
        state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.resume(returning: [])
            } else {
                state.woken = true
            }
        }
    }

    func takeAll() async -> [T] {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if state.items.isEmpty && !state.woken {
                    state.waiter = continuation
                } else {
                    state.woken = false
                    continuation.resume(returning: state.items)
                    state.items.removeAll(keepingCapacity: true)
                }
            }
        }
    }
}
