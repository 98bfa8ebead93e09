import Foundation

/// Gnocchi's aggregation, on plain arrays: raw samples grouped into granularity periods and
/// reduced by a method, and series combined across resources as `POST /v1/aggregates` does.
public enum GnocchiAggregation {
    /// Reduces one period's values. `std` is the sample deviation (n - 1) and needs two
    /// values, as Gnocchi's; nil: no point for this period.
    public static func reduce(_ method: String, _ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        switch method {
        case "mean": return values.reduce(0, +) / Double(values.count)
        case "sum": return values.reduce(0, +)
        case "min": return values.min()
        case "max": return values.max()
        case "count": return Double(values.count)
        case "first": return values.first
        case "last": return values.last
        case "median": return median(values)
        case "std":
            guard values.count > 1 else { return nil }
            let mean = values.reduce(0, +) / Double(values.count)
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            return (squares / Double(values.count - 1)).squareRoot()
        default: return nil
        }
    }

    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Raw samples (time in seconds since 1970, value; oldest first) to the points of one
    /// granularity. A `rate:` method first replaces each sample by its difference from the
    /// one before (the first sample has none), then reduces each period. Periods start at
    /// multiples of the granularity; only those at or after `from` are kept.
    public static func points(_ samples: [(time: Double, value: Double)], method: String, granularity: Double, from: Double) -> [Measure] {
        var input = samples
        var reducer = method
        if method.hasPrefix("rate:") {
            reducer = String(method.dropFirst(5))
            input = []
            input.reserveCapacity(max(0, samples.count - 1))
            for index in samples.indices.dropFirst() {
                input.append((samples[index].time, samples[index].value - samples[index - 1].value))
            }
        }
        var result: [Measure] = []
        var bucket: [Double] = []
        var bucketStart = -Double.infinity
        func flush() {
            if bucketStart >= from, let value = reduce(reducer, bucket) {
                result.append(Measure(timestamp: Date(timeIntervalSince1970: bucketStart), granularity: granularity, value: value))
            }
            bucket.removeAll(keepingCapacity: true)
        }
        for sample in input {
            let start = (sample.time / granularity).rounded(.down) * granularity
            if start != bucketStart {
                if !bucket.isEmpty { flush() }
                bucketStart = start
            }
            bucket.append(sample.value)
        }
        if !bucket.isEmpty { flush() }
        return result
    }

    /// The methods the aggregates API's `aggregate` operation knows (numpy's nan-aware ones;
    /// `std` across series is the population deviation, as numpy.nanstd's).
    public static let acrossMethods: Set<String> = ["mean", "median", "std", "min", "max", "sum", "count", "var"]

    /// `(aggregate METHOD SERIES...)`: the series on one time grid (a missing point is NaN),
    /// `rate:` differences taken along each series first, then each time's values reduced,
    /// NaNs ignored. `neededOverlap` (percent): with no bound given, the grid is cut to the
    /// times every series has, and too little overlap is an error, as Gnocchi's.
    public static func across(_ series: [[Measure]], method: String, granularity: Double, neededOverlap: Double = 0,
                       bounded: (start: Bool, stop: Bool) = (false, false)) throws -> [Measure] {
        var reducer = method
        let rate = method.hasPrefix("rate:")
        if rate { reducer = String(method.dropFirst(5)) }
        guard acrossMethods.contains(reducer) else {
            throw CloudError(.badRequest, "Aggregation method '\(method)' is not supported by the aggregate operation")
        }
        let nonEmpty = series.filter { !$0.isEmpty }
        guard !nonEmpty.isEmpty else { return [] }
        var times = Array(Set(nonEmpty.flatMap { $0.map(\.timestamp.timeIntervalSince1970) })).sorted()
        let index = Dictionary(uniqueKeysWithValues: times.enumerated().map { ($1, $0) })
        var grid = [[Double]](repeating: [Double](repeating: .nan, count: times.count), count: nonEmpty.count)
        for (row, measures) in nonEmpty.enumerated() {
            for measure in measures { grid[row][index[measure.timestamp.timeIntervalSince1970]!] = measure.value }
        }
        if neededOverlap > 0 || !bounded.start || !bounded.stop {
            let full = times.indices.filter { column in grid.allSatisfy { !$0[column].isNaN } }
            if full.isEmpty, neededOverlap > 0 {
                throw CloudError(.badRequest, "No overlap")
            }
            if let first = full.first, let last = full.last {
                let lower = bounded.start ? 0 : first, upper = bounded.stop ? times.count - 1 : last
                times = Array(times[lower...upper])
                grid = grid.map { Array($0[lower...upper]) }
                let overlap = Double(full.filter { $0 >= lower && $0 <= upper }.count) * 100 / Double(max(1, times.count))
                if overlap < neededOverlap {
                    throw CloudError(
                        .badRequest,
                        "Less than \(String(format: "%f", neededOverlap))% of datapoints overlap in this timespan (\(String(format: "%.2f", overlap))%)")
                }
            }
        }
        if rate {
            grid = grid.map { row in row.count < 2 ? [] : (1..<row.count).map { row[$0] - row[$0 - 1] } }
            times = Array(times.dropFirst())
        }
        var result: [Measure] = []
        for column in times.indices {
            let values = grid.compactMap { $0.indices.contains(column) && !$0[column].isNaN ? $0[column] : nil }
            let value: Double?
            switch reducer {
            case "count": value = Double(values.count)
            case "std", "var":
                if values.isEmpty { value = nil } else {
                    let mean = values.reduce(0, +) / Double(values.count)
                    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                    value = reducer == "std" ? variance.squareRoot() : variance
                }
            default: value = reduce(reducer, values)
            }
            if let value, !value.isNaN {
                result.append(Measure(timestamp: Date(timeIntervalSince1970: times[column]), granularity: granularity, value: value))
            }
        }
        return result
    }
}
