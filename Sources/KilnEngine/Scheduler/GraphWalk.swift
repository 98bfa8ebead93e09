/// Walks a dependency graph with a bounded number of nodes in flight, as Terraform's walker
/// does: a node starts once everything it depends on has succeeded; a failed node stops
/// its dependents (and, by default, any new starts). Completions that arrive together are
/// handed to `onProgress` together, so their state changes are committed in one transaction.
struct GraphWalk<Outcome: Sendable> {
    /// Node names in a stable order (template order).
    let nodes: [String]
    /// node → the nodes it waits for.
    let waitsFor: [String: [String]]
    let maxParallel: Int

    /// What happened to one node.
    enum Result: Sendable {
        case succeeded(String, Outcome)
        case failed(String, Error)
    }

    /// Runs the walk. On the walking task, `finish` records each batch of results and
    /// `start` records the nodes about to run; then `commit` is called once, so finished and
    /// starting transitions share one transaction and are durable before any node acts.
    /// `run` runs one node concurrently. Returns the failed nodes and those never run.
    func run(
        start: ([String]) async throws -> Void,
        run: @escaping @Sendable (String) async throws -> Outcome,
        finish: ([Result]) async throws -> Void,
        commit: () async throws -> Void,
        stopOnFailure: Bool = true,
        shouldStop: () -> Bool = { false }
    ) async throws -> (failed: [String], skipped: [String]) {
        var remaining: [String: Int] = [:]
        var dependents: [String: [String]] = [:]
        let known = Set(nodes)
        for node in nodes {
            let waits = (waitsFor[node] ?? []).filter { known.contains($0) && $0 != node }
            remaining[node] = waits.count
            for wait in waits { dependents[wait, default: []].append(node) }
        }
        // A queue (array plus head) keeps template order among ready nodes.
        var ready = nodes.filter { remaining[$0] == 0 }
        var head = 0
        var running = 0
        var finished: Set<String> = []
        var failed: [String] = []
        var stopped = false
        let inbox = Inbox<Result>()

        // A discarding group: finished children are freed at once (results come through the inbox).
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                var starting: [String] = []
                if shouldStop() { stopped = true }
                while !stopped, running + starting.count < maxParallel, head < ready.count {
                    starting.append(ready[head])
                    head += 1
                }
                if !starting.isEmpty { try await start(starting) }
                try await commit()
                let results: [Result]
                if starting.count == 1 && running == 0 {
                    // The only thing to do: run it here rather than hand it to another thread
                    // and wait (a long chain is then one thread's straight run).
                    let node = starting[0]
                    do {
                        results = [.succeeded(node, try await run(node))]
                    } catch {
                        results = [.failed(node, error)]
                    }
                } else {
                    for node in starting {
                        running += 1
                        group.addTask {
                            do {
                                let outcome = try await run(node)
                                await inbox.push(.succeeded(node, outcome))
                            } catch {
                                await inbox.push(.failed(node, error))
                            }
                        }
                    }
                    if running == 0 { break }
                    results = await inbox.takeAll()
                    running -= results.count
                }
                for result in results {
                    switch result {
                    case .succeeded(let node, _):
                        finished.insert(node)
                        for dependent in dependents[node] ?? [] {
                            remaining[dependent]! -= 1
                            if remaining[dependent] == 0 { ready.append(dependent) }
                        }
                    case .failed(let node, _):
                        finished.insert(node)
                        failed.append(node)
                        if stopOnFailure { stopped = true }
                    }
                }
                try await finish(results)
            }
        }
        return (failed, nodes.filter { !finished.contains($0) })
    }
}

/// Collects results from concurrent tasks; the walker takes everything that has arrived,
/// waiting only when nothing has.
actor Inbox<T: Sendable> {
    private var items: [T] = []
    private var waiter: CheckedContinuation<Void, Never>?

    func push(_ item: T) {
        items.append(item)
        if let waiter {
            self.waiter = nil
            waiter.resume()
        }
    }

    func takeAll() async -> [T] {
        if items.isEmpty {
            await withCheckedContinuation { waiter = $0 }
        }
        defer { items.removeAll(keepingCapacity: true) }
        return items
    }
}
