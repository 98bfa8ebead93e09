import Foundation
import KilnCloud

/// Gnocchi's archive policies as data: Gnocchi's own defaults (`bool`, `low`, `medium`,
/// `high`), Ceilometer's (`ceilometer-low`, `ceilometer-low-rate`, `ceilometer-high`,
/// `ceilometer-high-rate`), and `kiln-instance`, the one the emulated servers' metrics use.
///
/// `kiln-instance` is built from the sampling interval: the interval itself is the finest
/// level (an hour of points), then 60 s for a day, 300 s for 30 days and 3600 s for a year,
/// so templates written for Ceilometer's 60 or 300 s granularities work with a 1 s interval.
/// Measures are computed on read, so a granularity that is a whole multiple of the interval
/// is answered too (its retention is the timespan of the next defined level).
enum ArchivePolicies {
    static let defaultMethods = ["mean", "min", "max", "sum", "std", "count"]
    static let allMethods = ["mean", "min", "max", "sum", "std", "count", "last", "first", "median"]
    static let rateMethods = ["rate:mean", "rate:min", "rate:max", "rate:sum", "rate:last", "rate:first", "rate:count", "rate:std", "rate:median"]
    static let instancePolicyName = "kiln-instance"

    /// Every policy, by name order.
    static func all(interval: Double) -> [ArchivePolicy] {
        [
            ArchivePolicy(name: "bool", backWindow: 3600, definition: [ArchiveLevel(granularity: 1, points: 31_536_000)], aggregationMethods: ["last"]),
            ArchivePolicy(name: "ceilometer-high", definition: highCeilometer, aggregationMethods: ["mean"]),
            ArchivePolicy(name: "ceilometer-high-rate", definition: highCeilometer, aggregationMethods: ["mean", "rate:mean"]),
            ArchivePolicy(name: "ceilometer-low", definition: [ArchiveLevel(granularity: 300, points: 8640)], aggregationMethods: ["mean"]),
            ArchivePolicy(name: "ceilometer-low-rate", definition: [ArchiveLevel(granularity: 300, points: 8640)], aggregationMethods: ["mean", "rate:mean"]),
            ArchivePolicy(
                name: "high",
                definition: [ArchiveLevel(granularity: 1, points: 3600), ArchiveLevel(granularity: 60, points: 10080), ArchiveLevel(granularity: 3600, points: 8760)],
                aggregationMethods: defaultMethods),
            instance(interval: interval),
            ArchivePolicy(name: "low", definition: [ArchiveLevel(granularity: 300, points: 8640)], aggregationMethods: defaultMethods),
            ArchivePolicy(
                name: "medium", definition: [ArchiveLevel(granularity: 60, points: 10080), ArchiveLevel(granularity: 3600, points: 8760)],
                aggregationMethods: defaultMethods),
        ]
    }

    static let highCeilometer = [ArchiveLevel(granularity: 1, points: 3600), ArchiveLevel(granularity: 60, points: 1440), ArchiveLevel(granularity: 3600, points: 8760)]

    /// The policy of every emulated server's metrics.
    static func instance(interval: Double) -> ArchivePolicy {
        var levels = [ArchiveLevel(granularity: interval, points: max(1, Int((3600 / interval).rounded(.up))))]
        for level in [ArchiveLevel(granularity: 60, points: 1440), ArchiveLevel(granularity: 300, points: 8640), ArchiveLevel(granularity: 3600, points: 8760)]
        where level.granularity > interval {
            levels.append(level)
        }
        return ArchivePolicy(name: instancePolicyName, definition: levels, aggregationMethods: allMethods + rateMethods)
    }

    /// The level a granularity reads: a defined one, or a multiple of the interval kept as long
    /// as the next coarser defined level; nil (Gnocchi's 404) otherwise.
    static func level(_ granularity: Double, interval: Double) -> ArchiveLevel? {
        let levels = instance(interval: interval).definition
        if let level = levels.first(where: { $0.granularity == granularity }) { return level }
        let ratio = granularity / interval
        guard granularity > 0, ratio >= 1, abs(ratio - ratio.rounded()) < 1e-9 else { return nil }
        let timespan = (levels.first(where: { $0.granularity >= granularity }) ?? levels[levels.count - 1]).timespan
        return ArchiveLevel(granularity: granularity, points: max(1, Int((timespan / granularity).rounded(.up))))
    }

    static func known(_ method: String) -> Bool { allMethods.contains(method) || rateMethods.contains(method) }
}
