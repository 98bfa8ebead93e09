import Foundation

/// How hard the dispatcher tries: attempts before a notification is dead-lettered, the
/// exponential backoff between attempts (with jitter, so receivers coming back are not hit by
/// every queue at once), how many queues of one sink are delivered at once, and how long one
/// delivery may take.
public struct DeliveryPolicy: Sendable {
    /// Attempts in all, the first included; then the notification joins the dead-letter list.
    public var maxAttempts: Int
    /// The wait after the first failure; doubled after each further one, up to `maxBackoff`.
    public var baseBackoff: Double
    public var maxBackoff: Double
    /// (sink, stack) queues of one sink delivered at once.
    public var concurrencyPerSink: Int
    /// Seconds one delivery may take before it counts as failed.
    public var timeout: Double
    /// Seconds between looks at the outbox when nothing rings (rows of other processes).
    public var pollInterval: Double

    public init(maxAttempts: Int = 10, baseBackoff: Double = 1, maxBackoff: Double = 300, concurrencyPerSink: Int = 4,
                timeout: Double = 10, pollInterval: Double = 1) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseBackoff = max(0, baseBackoff)
        self.maxBackoff = max(self.baseBackoff, maxBackoff)
        self.concurrencyPerSink = max(1, concurrencyPerSink)
        self.timeout = max(0.1, timeout)
        self.pollInterval = max(0.01, pollInterval)
    }

    /// Seconds to wait after the `attempts`-th failed attempt: base·2^(attempts-1), capped, and
    /// drawn from its upper half ("equal jitter").
    public func backoff(afterAttempts attempts: Int) -> Double {
        let exponent = Double(min(max(attempts - 1, 0), 30))
        let full = min(maxBackoff, baseBackoff * pow(2, exponent))
        return full / 2 + Double.random(in: 0...1) * full / 2
    }
}
