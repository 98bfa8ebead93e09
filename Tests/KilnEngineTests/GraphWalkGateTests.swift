import KilnModel
import Foundation
import KilnTemplate
import Testing
@testable import KilnEngine

/// The walk's gates (hooks): a gated node waits in its own task while the rest of the graph
/// goes on, is asked again once its gate opens, and is left unstarted when the walk stops.
@Suite struct GraphWalkGateTests {
    final class Flags: Sendable {
        let open = Locked(false)
        let started = Locked<[String]>([])
        let asked = Locked<[String]>([])
    }

    func walk(_ graph: DependencyGraph, flags: Flags, gated: String, fail: Set<String> = []) async throws -> (failed: [String], skipped: [String]) {
        try await GraphWalk<String>(graph: graph, maxParallel: 4).run(
            start: { names in
                var work: [String: GraphWalk<String>.Work] = [:]
                for name in names {
                    work[name] = {
                        flags.started.withLock { $0.append(name) }
                        if fail.contains(name) { throw CancellationError() }
                        // Once everything else ran, open the gate.
                        if name == "free" { flags.open.withLock { $0 = true } }
                        return name
                    }
                }
                return work
            },
            finish: { _ in },
            commit: {},
            missingWork: { _ in CancellationError() },
            gate: { name in
                flags.asked.withLock { $0.append(name) }
                guard name == gated, !flags.open.withLock({ $0 }) else { return nil }
                return { abandoned in
                    while !flags.open.withLock({ $0 }) && !abandoned() { try await Task.sleep(nanoseconds: 1_000_000) }
                }
            })
    }

    @Test func aGatedNodeWaitsWhileOthersRunThenGoesOn() async throws {
        let flags = Flags()
        let graph = DependencyGraph(nodes: ["hooked", "after", "free"], edges: ["after": ["hooked"]])
        let result = try await walk(graph, flags: flags, gated: "hooked")
        #expect(result.failed.isEmpty && result.skipped.isEmpty)
        let started = flags.started.withLock { $0 }
        #expect(started == ["free", "hooked", "after"])
        // Asked once when ready, once more when its gate opened.
        #expect(flags.asked.withLock { $0 }.filter { $0 == "hooked" }.count == 2)
    }

    @Test func aFailureElsewhereAbandonsTheWait() async throws {
        let flags = Flags()
        let graph = DependencyGraph(nodes: ["hooked", "broken"], edges: [:])
        let result = try await walk(graph, flags: flags, gated: "hooked", fail: ["broken"])
        #expect(result.failed == ["broken"])
        #expect(result.skipped == ["hooked"])
        #expect(!flags.started.withLock { $0 }.contains("hooked"))
    }
}
