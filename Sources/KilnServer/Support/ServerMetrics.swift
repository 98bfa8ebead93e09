import Foundation
import KilnEngine
import KilnStore
import Metrics
import Prometheus

/// The server's metrics through swift-metrics, kept in this server's own Prometheus registry
/// (not the process-wide one, so several servers in one process count apart) and shown at
/// `/metrics` in Prometheus's text format 0.0.4.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// For other subsystems of the server (the notification dispatcher) to count into `/metrics`.
    public var metricsFactory: any MetricsFactory { factory }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in (name, labels) }
        self.factory = factory
    }

    /// One answered request: `kiln_api_requests_total` by route, method and status, and its
    /// latency in `kiln_api_request_duration_seconds` by route.
    func record(route: String, method: String, status: Int, seconds: Double) {
        Counter(
            label: "kiln_api_requests_total",
            dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory
        ).increment()
        Metrics.Timer(label: "kiln_api_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// A background operation that finished: `kiln_operations_total` by action and result.
    func recordOperation(action: String, result: String) {
        Counter(label: "kiln_operations_total", dimensions: [("action", action), ("result", result)], factory: factory)
            .increment()
    }

    /// The exposition: what is counted so far, then two gauges read at the scrape (stacks by
    /// status, counted by the store with one GROUP BY; operations running), written as
    /// integers.
    func text(engine: Engine, operations: OperationTracker, membership: EngineMembership? = nil) async -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        var text = String(decoding: buffer, as: UTF8.self)
        let counts = (try? await engine.store.stackCounts()) ?? [:]
        text += "# HELP kiln_stacks Stacks (not nested ones) by status.\n# TYPE kiln_stacks gauge\n"
        for (status, count) in counts.sorted(by: { $0.key < $1.key }) {
            text += "kiln_stacks{status=\"\(status)\"} \(count)\n"
        }
        text += "# HELP kiln_operations_running Background stack operations running now.\n"
        text += "# TYPE kiln_operations_running gauge\nkiln_operations_running \(operations.running)\n"
        if let membership { text += await Self.engineLines(membership) }
        return text
    }

    /// Which engine answered (`kiln_engine_info`, its name and id as labels, so a scrape through
    /// a load balancer still says whose figures these are) and how many engines share the
    /// database, up and down, as the heartbeat table says at the scrape.
    static func engineLines(_ membership: EngineMembership) async -> String {
        let me = membership.engine
        var text = "# HELP kiln_engine_info The engine that answered this scrape.\n# TYPE kiln_engine_info gauge\n"
        text += "kiln_engine_info{engine=\"\(label(me.name))\",engine_id=\"\(label(me.id))\",version=\"\(label(me.version))\"} 1\n"
        guard let rows = try? await membership.store.engines() else { return text }
        let now = Date()
        let up = rows.filter { $0.isAlive(ttl: membership.ttl, now: now) }.count
        text += "# HELP kiln_engines Engines sharing the database, by heartbeat status.\n# TYPE kiln_engines gauge\n"
        text += "kiln_engines{status=\"down\"} \(rows.count - up)\nkiln_engines{status=\"up\"} \(up)\n"
        return text
    }

    /// A label value escaped as the text format asks (backslash, quote, newline).
    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
