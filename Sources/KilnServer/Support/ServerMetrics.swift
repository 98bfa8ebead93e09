import Foundation
import KilnEngine
import KilnStore
import Synchronization

/// Request counters and latency histograms by route, kept in memory and shown at `/metrics`
/// in Prometheus's text format 0.0.4.
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds (Prometheus's defaults).
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var durations: [String: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func record(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            var histogram = state.durations[route] ?? Histogram()
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.durations[route] = histogram
        }
    }

    /// The exposition: stacks by status (top-level stacks, from the store), requests, latencies, operations.
    func text(engine: Engine, operations: OperationTracker) async -> String {
        var lines: [String] = []
        lines += ["# HELP kiln_stacks Stacks (not nested ones) by status.", "# TYPE kiln_stacks gauge"]
        // Counted by the database (GROUP BY), not by reading every stack on each scrape.
        let counts = (try? await engine.store.stackCounts()) ?? [:]
        for (status, count) in counts.sorted(by: { $0.key < $1.key }) {
            lines.append("kiln_stacks\(labels(["status": status])) \(count)")
        }

        let (requests, durations) = state.withLock { ($0.requests, $0.durations) }
        lines += ["# HELP kiln_api_requests_total API requests by route, method and status.",
                  "# TYPE kiln_api_requests_total counter"]
        for (key, count) in requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            lines.append("kiln_api_requests_total\(labels(["route": key.route, "method": key.method, "status": String(key.status)])) \(count)")
        }

        lines += ["# HELP kiln_api_request_duration_seconds API request latency by route.",
                  "# TYPE kiln_api_request_duration_seconds histogram"]
        for (route, histogram) in durations.sorted(by: { $0.key < $1.key }) {
            let name = "kiln_api_request_duration_seconds"
            for (index, bound) in Self.buckets.enumerated() {
                lines.append("\(name)_bucket\(labels(["route": route, "le": Self.number(bound)])) \(histogram.counts[index])")
            }
            lines.append("\(name)_bucket\(labels(["route": route, "le": "+Inf"])) \(histogram.count)")
            lines.append("\(name)_sum\(labels(["route": route])) \(Self.number(histogram.sum))")
            lines.append("\(name)_count\(labels(["route": route])) \(histogram.count)")
        }

        lines += ["# HELP kiln_operations_total Finished background stack operations by action and result.",
                  "# TYPE kiln_operations_total counter"]
        for (outcome, count) in operations.finished.sorted(by: { ($0.key.action, $0.key.result) < ($1.key.action, $1.key.result) }) {
            lines.append("kiln_operations_total\(labels(["action": outcome.action, "result": outcome.result])) \(count)")
        }
        lines.append("# HELP kiln_operations_running Background stack operations running now.")
        lines.append("# TYPE kiln_operations_running gauge")
        lines.append("kiln_operations_running \(operations.running)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{a="x",b="y"}` in the order given, values escaped as the format requires.
    private func labels(_ pairs: KeyValuePairs<String, String>) -> String {
        let body = pairs.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }
        return "{" + body.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
