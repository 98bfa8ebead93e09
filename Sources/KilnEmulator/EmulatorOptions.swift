import Foundation
import KilnCloud

/// How slow the emulated cloud is, per kind of object: a server takes `server` seconds to go
/// from BUILD to ACTIVE, a volume `volume` seconds to become available, a load balancer
/// `loadbalancer` seconds to become ACTIVE; any other change (a network, a port, a member)
/// takes its kind's time, or `others`, before the call returns.
public struct CloudLatency: Sendable, Equatable {
    public var seconds: [String: Double]
    public var others: Double

    public init(seconds: [String: Double] = [:], others: Double = 0) {
        self.seconds = seconds
        self.others = others
    }

    public static let none = CloudLatency()

    public func of(_ kind: String) -> Double { seconds[kind] ?? others }

    /// The same latencies divided by `factor` (tests run a real-cloud model faster).
    public func scaled(by factor: Double) -> CloudLatency {
        CloudLatency(seconds: seconds.mapValues { $0 / factor }, others: others / factor)
    }

    /// Parses `server=20s,volume=5s,others=1s` (units ms, s, m; bare numbers are seconds).
    public init(parsing text: String) throws {
        self.init()
        for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw CloudError(.badRequest, "cloud latency '\(item)': expected KIND=DURATION, e.g. server=20s")
            }
            guard let seconds = Self.duration(parts[1]) else {
                throw CloudError(.badRequest, "cloud latency '\(item)': '\(parts[1])' is not a duration such as 500ms, 5s or 1m")
            }
            let kind = parts[0].lowercased()
            guard kind == "others" || kind == "*" || EmulatedKind.latencyKinds.contains(kind) else {
                throw CloudError(
                    .badRequest,
                    "cloud latency '\(item)': unknown kind '\(parts[0])' (one of \(EmulatedKind.latencyKinds.sorted().joined(separator: ", ")), others)")
            }
            if kind == "others" || kind == "*" { others = seconds } else { self.seconds[kind] = seconds }
        }
    }

    static func duration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0, number.isFinite else { return nil }
            return number * scale
        }
        guard let number = Double(text), number >= 0, number.isFinite else { return nil }
        return number
    }
}

/// Injected failures: an operation (`server.create`, `volume.create`, `port.create`,
/// `loadbalancer.create`, `server.delete`, ...) fails its first N calls, or each call with
/// probability p. A failing create of a server, volume or load balancer is accepted and
/// the object goes to ERROR, as a real cloud's scheduler failures do; other calls are
/// refused with a 500.
public struct CloudFaults: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var operation: String
        public var times: Int?
        public var probability: Double?
        public init(operation: String, times: Int? = nil, probability: Double? = nil) {
            self.operation = operation
            self.times = times
            self.probability = probability
        }
    }

    public var rules: [Rule]
    public init(rules: [Rule] = []) { self.rules = rules }

    /// Parses `server.create=2,volume.create=p0.25`.
    public init(parsing text: String) throws {
        self.init()
        for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].split(separator: ".").count == 2 else {
                throw CloudError(.badRequest, "cloud fault '\(item)': expected KIND.OPERATION=N or KIND.OPERATION=pPROBABILITY, e.g. server.create=2")
            }
            let kind = String(parts[0].split(separator: ".")[0]).lowercased()
            guard EmulatedKind.latencyKinds.contains(kind) else {
                throw CloudError(.badRequest, "cloud fault '\(item)': unknown kind '\(kind)' (one of \(EmulatedKind.latencyKinds.sorted().joined(separator: ", ")))")
            }
            if parts[1].hasPrefix("p"), let probability = Double(parts[1].dropFirst()), probability >= 0, probability <= 1 {
                rules.append(Rule(operation: parts[0].lowercased(), probability: probability))
            } else if let times = Int(parts[1]), times >= 0 {
                rules.append(Rule(operation: parts[0].lowercased(), times: times))
            } else {
                throw CloudError(.badRequest, "cloud fault '\(item)': '\(parts[1])' is neither a count (2) nor a probability (p0.25)")
            }
        }
    }
}

/// What the emulated cloud is told at start.
public struct EmulatorOptions: Sendable {
    public var latency: CloudLatency
    public var faults: CloudFaults
    /// Every project's limits unless set for it (`kiln cloud quota set`).
    public var quotas: Quotas
    /// Seconds between two telemetry samples of a server (Ceilometer's polling interval): the
    /// finest granularity of its metrics. Whole seconds, at least 1. Stored in the home when
    /// given; nil: the stored one, else 10.
    public var telemetryInterval: Double?

    public init(latency: CloudLatency = .none, faults: CloudFaults = CloudFaults(), quotas: Quotas = .defaults) {
        self.latency = latency
        self.faults = faults
        self.quotas = quotas
    }
}
