import Foundation
import KilnCloud
import KilnModel

/// How one threshold rule of an alarm reads its series and judges it, as Aodh's evaluators
/// do: the last `evaluation_periods` complete periods, every point compared with the
/// threshold; all outside -> alarm, all inside -> ok, a mix -> no change.
struct ThresholdRule: Sendable {
    enum Source: Sendable, Hashable {
        case aggregate(metric: String, aggregation: String, resourceType: String, search: String?, metricIDs: [String]?)
        case resource(type: String, id: String, metric: String, aggregation: String)
    }

    var source: Source
    var granularity: Double
    var periods: Int
    var threshold: Double
    var comparison: String
    /// A legacy `threshold` rule over `cpu_util`: the CPU rate shown as a percent of one vCPU.
    var percentOfCPU = false

    /// Reads an Aodh rule object of a type; nil when it is not a threshold rule.
    init?(type: String, rule: Value) {
        let number = { (key: String) -> Double? in rule[key].numberValue ?? rule[key].stringValue.flatMap(Double.init) }
        granularity = number("granularity") ?? number("period") ?? 300
        periods = max(1, Int(number("evaluation_periods") ?? 1))
        threshold = number("threshold") ?? 0
        comparison = rule["comparison_operator"].stringValue ?? "eq"
        let aggregation = rule["aggregation_method"].stringValue ?? "mean"
        switch type {
        case "gnocchi_aggregation_by_resources_threshold":
            source = .aggregate(metric: rule["metric"].stringValue ?? "", aggregation: aggregation,
                                resourceType: rule["resource_type"].stringValue ?? "instance", search: rule["query"].stringValue, metricIDs: nil)
        case "gnocchi_aggregation_by_metrics_threshold":
            source = .aggregate(metric: "", aggregation: aggregation, resourceType: "generic", search: nil,
                                metricIDs: rule["metrics"].listValue?.compactMap(\.stringValue) ?? [])
        case "gnocchi_resources_threshold":
            source = .resource(type: rule["resource_type"].stringValue ?? "instance", id: rule["resource_id"].stringValue ?? "",
                               metric: rule["metric"].stringValue ?? "", aggregation: aggregation)
        case "threshold":
            var meter = rule["meter_name"].stringValue ?? ""
            let statistic = rule["statistic"].stringValue ?? "avg"
            var method = ["avg": "mean", "min": "min", "max": "max", "sum": "sum", "count": "count"][statistic] ?? "mean"
            if meter == "cpu_util" {
                meter = "cpu"
                method = "rate:" + method
                percentOfCPU = true
            }
            source = .aggregate(metric: meter, aggregation: method, resourceType: "instance",
                                search: Self.search(fromLegacyQuery: rule["query"]), metricIDs: nil)
        default:
            return nil
        }
    }

    /// A legacy query (`[{field: metadata.user_metadata.server_group, op: eq, value: X}]`) as
    /// a Gnocchi search on the instance's attributes.
    static func search(fromLegacyQuery query: Value) -> String? {
        var terms: [Value] = []
        for item in query.listValue ?? [] {
            guard var field = item["field"].stringValue, let value = item["value"].stringValue else { continue }
            for prefix in ["metadata.", "user_metadata.", "metering."] where field.hasPrefix(prefix) { field.removeFirst(prefix.count) }
            if field == "resource_id" || field == "instance_id" { field = "id" }
            let op = ["eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="][item["op"].stringValue ?? "eq"] ?? "="
            terms.append([op: [field: .string(value)]])
        }
        if terms.isEmpty { return nil }
        return (terms.count == 1 ? terms[0] : ["and": .list(terms)]).jsonText()
    }

    func breaches(_ value: Double) -> Bool {
        switch comparison {
        case "lt": value < threshold
        case "le": value <= threshold
        case "gt": value > threshold
        case "ge": value >= threshold
        case "ne": value != threshold
        default: value == threshold
        }
    }

    /// The window Aodh asks for: complete periods only (the one in progress would read low).
    func window(at now: Date) -> (start: Date, stop: Date) {
        let stop = (now.timeIntervalSince1970 / granularity).rounded(.down) * granularity
        return (Date(timeIntervalSince1970: stop - granularity * Double(periods + 1)), Date(timeIntervalSince1970: stop))
    }

    /// The rule's verdict on its points: a state (nil: a mix, keep the current one unless it
    /// is insufficient data, then the newest point decides) and Aodh's reason data.
    func judge(_ measures: [Measure], current: String) -> (state: String?, data: Value) {
        var values = measures.suffix(periods).map(\.value)
        if percentOfCPU { values = values.map { $0 / (granularity * 1e9) * 100 } }
        guard values.count == periods, let last = values.last else {
            return (AlarmState.insufficientData,
                    ["type": "threshold", "disposition": "unknown", "count": .int(periods - values.count), "most_recent": .null])
        }
        let outside = values.filter(breaches).count
        if outside == values.count || outside == 0 {
            return (outside == 0 ? AlarmState.ok : AlarmState.alarm,
                    ["type": "threshold", "disposition": outside == 0 ? "inside" : "outside", "count": .int(values.count),
                     "most_recent": .double(last)])
        }
        let state: String? = current == AlarmState.insufficientData ? (breaches(last) ? AlarmState.alarm : AlarmState.ok) : nil
        return (state, ["type": "threshold", "disposition": breaches(last) ? "outside" : "inside", "count": .int(outside),
                        "most_recent": .double(last)])
    }

    /// Aodh's wording for a verdict: "Transition to alarm due to 3 samples outside threshold,
    /// most recent: 12.5", "Remaining as ok due to ...", "2 datapoints are unknown".
    static func reason(_ data: Value, state: String, previous: String) -> String {
        let count = data["count"].numberValue.map { Int($0) } ?? 0
        guard data["disposition"].stringValue != "unknown" else { return "\(count) datapoints are unknown" }
        let verb = state == previous ? "Remaining as" : "Transition to"
        let recent = data["most_recent"].numberValue.map(number) ?? "None"
        return "\(verb) \(state) due to \(count) samples \(data["disposition"].stringValue ?? "") threshold, most recent: \(recent)"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) + ".0" : String(value)
    }
}
