import Metrics

/// Operation leases through swift-metrics' global system (`kiln serve` bootstraps it into
/// `/metrics`): how engines sharing a database contend. `kiln_lease_claims_total{result}`
/// (`taken` or `busy`: a live operation holds the stack), `kiln_lease_renewals_total{result}`
/// (`renewed` or `lost`: another engine took the stack) and `kiln_lease_takeovers_total`
/// (interrupted operations this engine resumed).
enum LeaseMetrics {
    static func claim(taken: Bool) {
        Counter(label: "kiln_lease_claims_total", dimensions: [("result", taken ? "taken" : "busy")]).increment()
    }

    static func renewal(kept: Bool) {
        Counter(label: "kiln_lease_renewals_total", dimensions: [("result", kept ? "renewed" : "lost")]).increment()
    }

    static func takeover() {
        Counter(label: "kiln_lease_takeovers_total").increment()
    }
}
