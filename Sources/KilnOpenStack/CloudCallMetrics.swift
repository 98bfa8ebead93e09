import Metrics

/// Calls to a real cloud's APIs through swift-metrics' global system (`kiln serve` bootstraps
/// it into `/metrics`): `kiln_cloud_requests_total{service, method, status}` (status `error`:
/// no answer) and `kiln_cloud_request_duration_seconds{service}`. Every attempt counts, retries
/// too: a cloud answering 503 shows up as such. Paths are never labels (they hold ids).
enum CloudCallMetrics {
    static func record(_ service: OpenStackService, method: String, status: Int?, since start: ContinuousClock.Instant) {
        let name = "\(service)"
        Counter(label: "kiln_cloud_requests_total",
                dimensions: [("service", name), ("method", method), ("status", status.map(String.init) ?? "error")])
            .increment()
        Metrics.Timer(label: "kiln_cloud_request_duration_seconds", dimensions: [("service", name)])
            .record(duration: start.duration(to: .now))
    }
}
