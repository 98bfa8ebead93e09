import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// The threshold fields every Gnocchi alarm has, as Aodh's rule object takes them.
enum GnocchiRule {
    static func base(_ resource: LiveResource) -> [String: Value] {
        var rule: [String: Value] = [
            "comparison_operator": resource[property: "comparison_operator"].stringValue.map(Value.string) ?? "eq",
            "evaluation_periods": .int(CloudPlugin.int(resource[property: "evaluation_periods"]) ?? 1),
            "granularity": .int(CloudPlugin.int(resource[property: "granularity"]) ?? 60),
            "aggregation_method": resource[property: "aggregation_method"].stringValue.map(Value.string) ?? "mean",
        ]
        if let threshold = resource[property: "threshold"].numberValue ?? resource[property: "threshold"].stringValue.flatMap(Double.init) {
            rule["threshold"] = .double(threshold)
        }
        return rule
    }
}

/// `OS::Aodh::GnocchiAggregationByResourcesAlarm`: a metric aggregated over the resources a
/// Gnocchi search matches (Heat's autoscaling alarm: `cpu` of the group's instances).
public struct GnocchiAggregationByResourcesAlarmResource: AodhAlarmPlugin {
    public static let typeName = "OS::Aodh::GnocchiAggregationByResourcesAlarm"
    static let alarmType = "gnocchi_aggregation_by_resources_threshold"
    public static let schema = AodhAlarm.schema(typeName)
    public init() {}

    func rule(_ resource: LiveResource) throws -> Value {
        var rule = GnocchiRule.base(resource)
        rule["metric"] = resource[property: "metric"]
        rule["resource_type"] = resource[property: "resource_type"]
        let query = resource[property: "query"]
        rule["query"] = query.stringValue.map(Value.string) ?? .string(query.jsonText())
        return .map(rule)
    }
}

/// `OS::Aodh::GnocchiResourcesAlarm`: one resource's metric.
public struct GnocchiResourcesAlarmResource: AodhAlarmPlugin {
    public static let typeName = "OS::Aodh::GnocchiResourcesAlarm"
    static let alarmType = "gnocchi_resources_threshold"
    public static let schema = AodhAlarm.schema(typeName)
    public init() {}

    func rule(_ resource: LiveResource) throws -> Value {
        var rule = GnocchiRule.base(resource)
        rule["metric"] = resource[property: "metric"]
        rule["resource_type"] = resource[property: "resource_type"]
        rule["resource_id"] = resource[property: "resource_id"]
        return .map(rule)
    }
}

/// `OS::Aodh::GnocchiAggregationByMetricsAlarm`: metrics named by id, aggregated together.
public struct GnocchiAggregationByMetricsAlarmResource: AodhAlarmPlugin {
    public static let typeName = "OS::Aodh::GnocchiAggregationByMetricsAlarm"
    static let alarmType = "gnocchi_aggregation_by_metrics_threshold"
    public static let schema = AodhAlarm.schema(typeName)
    public init() {}

    func rule(_ resource: LiveResource) throws -> Value {
        var rule = GnocchiRule.base(resource)
        rule["metrics"] = .list(CloudPlugin.strings(resource[property: "metrics"]).map(Value.string))
        return .map(rule)
    }
}
