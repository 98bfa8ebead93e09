import KilnModel
import Foundation
import KilnTemplate
import Testing
@testable import KilnEngine

/// The graph walk on its own: order, the bound on work in flight, failures, cancellation.
@Suite struct GraphWalkTests {
    /// What the nodes' work did, in the order it happened, and how much ran at once.
    final class Log: Sendable {
        private let state = Locked<(events: [String], inFlight: Int, most: Int)>(([], 0, 0))
        func begin(_ node: String) {
            state.withLock { $0.events.append("start \(node)"); $0.inFlight += 1; $0.most = max($0.most, $0.inFlight) }
        }
        func end(_ node: String) { state.withLock { $0.events.append("end \(node)"); $0.inFlight -= 1 } }
        var events: [String] { state.withLock { $0.events } }
        var most: Int { state.withLock { $0.most } }
        func index(_ event: String) -> Int? { events.firstIndex(of: event) }
    }

    struct Failure: Error {}

    final class Counter: Sendable {
        let value = Locked(0)
    }

    /// Runs the walk with work that logs and yields; `fail` nodes throw.
    func walk(
        _ graph: DependencyGraph, maxParallel: Int, fail: Set<String> = [], stopOnFailure: Bool = true,
        log: Log, commits: Counter? = nil
    ) async throws -> (failed: [String], skipped: [String]) {
        try await GraphWalk<String>(graph: graph, maxParallel: maxParallel).run(
            start: { names in
                var work: [String: GraphWalk<String>.Work] = [:]
                for name in names {
                    work[name] = {
                        log.begin(name)
                        await Task.yield()
                        log.end(name)
                        if fail.contains(name) { throw Failure() }
                        return name
                    }
                }
                return work
            },
            finish: { _ in },
            commit: { commits?.value.withLock { $0 += 1 } },
            missingWork: { _ in Failure() },
            stopOnFailure: stopOnFailure)
    }

    static let diamond = DependencyGraph(
        nodes: ["a", "b", "c", "d", "e"], edges: ["b": ["a"], "c": ["a"], "d": ["b", "c"], "e": []])

    @Test(arguments: [1, 2, 64])
    func aNodeStartsOnlyAfterEverythingItWaitsFor(maxParallel: Int) async throws {
        let log = Log()
        let (failed, skipped) = try await walk(Self.diamond, maxParallel: maxParallel, log: log)
        #expect(failed.isEmpty && skipped.isEmpty)
        for (node, waits) in Self.diamond.edges {
            for wait in waits {
                #expect(try #require(log.index("end \(wait)")) < #require(log.index("start \(node)")), "\(node) after \(wait)")
            }
        }
        #expect(log.most <= maxParallel)
    }

    @Test func withOneAtATimeReadyNodesRunInTemplateOrder() async throws {
        let log = Log()
        _ = try await walk(Self.diamond, maxParallel: 1, log: log)
        #expect(log.events.filter { $0.hasPrefix("start") } == ["start a", "start e", "start b", "start c", "start d"])
        #expect(log.most == 1)
    }

    @Test func twoAtATimeOnAWideFan() async throws {
        let names = (0..<8).map { "n\($0)" }
        let fan = DependencyGraph(nodes: names, edges: [:])
        let log = Log()
        // The first two wait for each other, so two are certainly in flight together.
        let arrivals = Locked(0)
        let (both, bothArrived) = AsyncStream<Void>.makeStream()
        _ = try await GraphWalk<Void>(graph: fan, maxParallel: 2).run(
            start: { started in
                var work: [String: GraphWalk<Void>.Work] = [:]
                for name in started {
                    work[name] = {
                        log.begin(name)
                        if name == "n0" || name == "n1" {
                            if arrivals.withLock({ $0 += 1; return $0 }) == 2 { bothArrived.finish() }
                            for await _ in both {}
                        }
                        log.end(name)
                    }
                }
                return work
            },
            finish: { _ in }, commit: {}, missingWork: { _ in Failure() })
        #expect(log.most == 2)
        #expect(log.events.filter { $0.hasPrefix("end") }.count == 8)
    }

    @Test func aFailureStopsItsDependentsAndNewStarts() async throws {
        let log = Log()
        let (failed, skipped) = try await walk(Self.diamond, maxParallel: 1, fail: ["a"], log: log)
        #expect(failed == ["a"])
        #expect(Set(skipped) == ["b", "c", "d", "e"])
        #expect(log.index("start b") == nil && log.index("start d") == nil)
    }

    @Test func withoutStopOnFailureIndependentBranchesStillRun() async throws {
        let log = Log()
        let (failed, skipped) = try await walk(Self.diamond, maxParallel: 1, fail: ["b"], stopOnFailure: false, log: log)
        #expect(failed == ["b"])
        #expect(skipped == ["d"])
        #expect(log.index("end c") != nil && log.index("end e") != nil)
    }

    @Test func finishedAndStartingTransitionsShareACommit() async throws {
        let log = Log()
        let commits = Counter()
        let chain = DependencyGraph(nodes: ["a", "b", "c"], edges: ["b": ["a"], "c": ["b"]])
        _ = try await walk(chain, maxParallel: 4, log: log, commits: commits)
        // One commit as a starts, one as a finishes with b starting, one for b/c, one for c's end.
        #expect(commits.value.withLock { $0 } == 4)
    }

    @Test func aNodeWithoutWorkFailsWithTheGivenError() async throws {
        struct NotPrepared: Error { let node: String }
        let graph = DependencyGraph(nodes: ["a", "b"], edges: ["b": ["a"]])
        var errors: [String] = []
        let (failed, skipped) = try await GraphWalk<Void>(graph: graph, maxParallel: 2).run(
            start: { _ in [:] },
            finish: { results in
                for case .failed(_, let error as NotPrepared) in results { errors.append(error.node) }
            },
            commit: {}, missingWork: { NotPrepared(node: $0) })
        #expect(failed == ["a"] && skipped == ["b"] && errors == ["a"])
    }

    @Test func aReversedGraphRunsDependentsFirst() async throws {
        let log = Log()
        _ = try await walk(Self.diamond.reversed(), maxParallel: 2, log: log)
        #expect(try #require(log.index("end d")) < #require(log.index("start b")))
        #expect(try #require(log.index("end b")) < #require(log.index("start a")))
        #expect(try #require(log.index("end c")) < #require(log.index("start a")))
    }

    @Test(.timeLimit(.minutes(1)), arguments: [1, 3])
    func aStopInterruptsWhatRunsAndStartsNothingMore(inFlight: Int) async throws {
        // `inFlight` 1: a lone node, run on the walking task; 3: nodes in child tasks.
        let names = (0..<inFlight).map { "slow\($0)" }
        let graph = DependencyGraph(nodes: names + ["after"], edges: ["after": names])
        let stop = OperationStop()
        let (started, allStarted) = AsyncStream<Void>.makeStream()
        let count = Locked(0)
        Task {
            for await _ in started {}
            stop.request(.stopHere)
        }
        let (failed, skipped) = try await GraphWalk<Void>(graph: graph, maxParallel: 8, stop: stop).run(
            start: { startingNow in
                var work: [String: GraphWalk<Void>.Work] = [:]
                for name in startingNow {
                    work[name] = {
                        if count.withLock({ $0 += 1; return $0 }) == inFlight { allStarted.finish() }
                        // Ends early only if interrupted (task cancellation or the stop).
                        guard await stop.sleep(nanoseconds: 600_000_000_000), !Task.isCancelled else { throw CancellationError() }
                    }
                }
                return work
            },
            finish: { _ in }, commit: {}, missingWork: { _ in Failure() })
        #expect(Set(failed) == Set(names))
        #expect(skipped == ["after"])
    }

    @Test func oneAtATimeOnAWideFanNeverOverlaps() async throws {
        let names = (0..<8).map { "n\($0)" }
        let fan = DependencyGraph(nodes: names, edges: [:])
        let log = Log()
        let (failed, skipped) = try await GraphWalk<Void>(graph: fan, maxParallel: 1).run(
            start: { started in
                #expect(started.count == 1, "one node handed out at a time: \(started)")
                var work: [String: GraphWalk<Void>.Work] = [:]
                for name in started {
                    work[name] = {
                        log.begin(name)
                        for _ in 0..<5 { await Task.yield() }
                        log.end(name)
                    }
                }
                return work
            },
            finish: { _ in }, commit: {}, missingWork: { _ in Failure() })
        #expect(failed.isEmpty && skipped.isEmpty)
        #expect(log.most == 1)
        // Each node ends before the next starts, in template order.
        #expect(log.events == names.flatMap { ["start \($0)", "end \($0)"] })
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailureAmongNodesInFlightStartsNothingNew() async throws {
        // n0 fails while n1 is in flight; n1 is let go only once the walker has seen the failure.
        let names = (0..<6).map { "n\($0)" }
        let fan = DependencyGraph(nodes: names, edges: [:])
        let log = Log()
        let (release, released) = AsyncStream<Void>.makeStream()
        let (failed, skipped) = try await GraphWalk<Void>(graph: fan, maxParallel: 2).run(
            start: { started in
                var work: [String: GraphWalk<Void>.Work] = [:]
                for name in started {
                    work[name] = {
                        log.begin(name)
                        if name == "n1" { for await _ in release {} }
                        log.end(name)
                        if name == "n0" { throw Failure() }
                    }
                }
                return work
            },
            finish: { results in
                for case .failed("n0", _) in results { released.finish() }
            },
            commit: {}, missingWork: { _ in Failure() })
        #expect(failed == ["n0"])
        #expect(skipped == ["n2", "n3", "n4", "n5"])
        #expect(log.index("end n1") != nil)
        #expect(log.events.filter { $0.hasPrefix("start") }.sorted() == ["start n0", "start n1"])
    }

    @Test(.timeLimit(.minutes(1)))
    func aStopCancelsSleepingNodesInChildTasks() async throws {
        // Three nodes in child tasks sleep for ten minutes; only task cancellation ends them.
        let names = ["s0", "s1", "s2"]
        let graph = DependencyGraph(nodes: names + ["after", "other"], edges: ["after": names, "other": ["after"]])
        let stop = OperationStop()
        let (started, allStarted) = AsyncStream<Void>.makeStream()
        let count = Locked(0)
        let cancelled = Locked<[String]>([])
        Task {
            for await _ in started {}
            stop.request(.stopHere)
        }
        var errors: [String: any Error] = [:]
        let (failed, skipped) = try await GraphWalk<Void>(graph: graph, maxParallel: 8, stop: stop).run(
            start: { startingNow in
                #expect(Set(startingNow) == Set(names), "only the sleepers start: \(startingNow)")
                var work: [String: GraphWalk<Void>.Work] = [:]
                for name in startingNow {
                    work[name] = {
                        if count.withLock({ $0 += 1; return $0 }) == names.count { allStarted.finish() }
                        do {
                            try await Task.sleep(for: .seconds(600))
                        } catch {
                            cancelled.withLock { $0.append(name) }
                            throw error
                        }
                    }
                }
                return work
            },
            finish: { results in
                for case .failed(let node, let error) in results { errors[node] = error }
            },
            commit: {}, missingWork: { _ in Failure() })
        #expect(Set(failed) == Set(names))
        #expect(skipped == ["after", "other"])
        #expect(Set(cancelled.withLock { $0 }) == Set(names))
        #expect(errors.count == 3 && errors.values.allSatisfy { $0 is CancellationError })
    }

    @Test func aStopRequestedBeforeTheWalkRunsNothing() async throws {
        let stop = OperationStop()
        stop.request(.rollBack)
        let log = Log()
        let (failed, skipped) = try await GraphWalk<String>(graph: Self.diamond, maxParallel: 4, stop: stop).run(
            start: { _ in Issue.record("nothing should start"); return [:] },
            finish: { _ in }, commit: {}, missingWork: { _ in Failure() })
        #expect(failed.isEmpty)
        #expect(Set(skipped) == Set(Self.diamond.nodes))
        #expect(log.events.isEmpty)
    }
}
