import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Aodh::Alarm` (deprecated in Heat): a meter's statistic over a period, the resources
/// chosen by `matching_metadata` (`{metering.server_group: X}`) or a query. `cpu_util`
/// (gone from current Ceilometer) is read as the CPU rate in percent of one vCPU.
public struct ThresholdAlarmResource: AodhAlarmPlugin {
    public static let typeName = "OS::Aodh::Alarm"
    static let alarmType = "threshold"
    public static let schema = AodhAlarm.schema(typeName) { schema in
        schema.properties["period"]?.defaultValue = 60
        schema.properties["statistic"]?.defaultValue = "avg"
        schema.properties["statistic"]?.allowedValues = ["count", "avg", "sum", "min", "max"]
    }
    public init() {}

    func rule(_ resource: LiveResource) throws -> Value {
        var query = resource[property: "query"].listValue ?? []
        for (key, value) in (resource[property: "matching_metadata"].mapValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let field = key.hasPrefix("metadata.") ? key : "metadata.metering.\(key)"
            query.append(["field": .string(field), "op": "eq", "value": .string(value.stringValue ?? value.plainText)])
        }
        return [
            "meter_name": resource[property: "meter_name"], "statistic": resource[property: "statistic"],
            "period": .int(CloudPlugin.int(resource[property: "period"]) ?? 60),
            "evaluation_periods": .int(CloudPlugin.int(resource[property: "evaluation_periods"]) ?? 1),
            "threshold": .double(resource[property: "threshold"].numberValue ?? 0),
            "comparison_operator": resource[property: "comparison_operator"].stringValue.map(Value.string) ?? "eq",
            "query": .list(query),
        ]
    }
}

/// `AWS::CloudWatch::Alarm`: CloudFormation's alarm, an Aodh threshold alarm as Heat makes
/// it (MetricName, Statistic, Period, EvaluationPeriods, Threshold, ComparisonOperator,
/// Dimensions as the query, the three action lists).
public struct CloudWatchAlarmResource: AodhAlarmPlugin {
    public static let typeName = "AWS::CloudWatch::Alarm"
    static let alarmType = "threshold"
    /// Heat registers this type as a provider template over OS::Aodh::Alarm, so its
    /// properties are written out here (every one updatable, as the template's are).
    public static let schema: ResourceTypeSchema = {
        let text = { (description: String) in PropertySchema(.string, updateAllowed: true, description: description) }
        let list = { (description: String) in PropertySchema(.list, updateAllowed: true, defaultValue: .list([]), description: description) }
        return ResourceTypeSchema(
            type: typeName,
            properties: [
                "AlarmActions": list("URLs posted when the alarm fires."), "OKActions": list("URLs posted when it returns to OK."),
                "InsufficientDataActions": list("URLs posted when data is missing."),
                "AlarmDescription": text("What the alarm is for."), "MetricName": PropertySchema(.string, required: true, description: "The metric."),
                "Namespace": text("The metric's namespace (ignored)."), "Units": text("The metric's unit (ignored)."),
                "ActionsEnabled": text("Whether actions fire (ignored: they always do)."),
                "Statistic": PropertySchema(.string, updateAllowed: true, defaultValue: "Average",
                                            allowedValues: ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
                "ComparisonOperator": PropertySchema(.string, required: true, updateAllowed: true, allowedValues: [
                    "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
                ]),
                "Period": text("Seconds per period."), "EvaluationPeriods": text("Periods compared."),
                "Threshold": PropertySchema(.string, required: true, updateAllowed: true, description: "The threshold."),
                "Dimensions": PropertySchema(.list, updateAllowed: true, defaultValue: .list([]),
                                             description: "Name/Value pairs choosing the resources (AutoScalingGroupName: the group)."),
            ],
            attributes: ["show": AttributeSchema(description: "The alarm as Aodh shows it.")],
            description: "An AWS CloudWatch alarm, made as an Aodh threshold alarm.")
    }()
    public init() {}

    static let operators = [
        "GreaterThanOrEqualToThreshold": "ge", "GreaterThanThreshold": "gt", "LessThanThreshold": "lt", "LessThanOrEqualToThreshold": "le",
    ]
    static let statistics = ["SampleCount": "count", "Average": "avg", "Sum": "sum", "Minimum": "min", "Maximum": "max"]

    func rule(_ resource: LiveResource) throws -> Value {
        let query: [Value] = (resource[property: "Dimensions"].listValue ?? []).compactMap { dimension in
            guard let name = dimension["Name"].stringValue else { return nil }
            let field = name == "AutoScalingGroupName" ? "metadata.metering.server_group" : "metadata.metering.\(name)"
            return ["field": .string(field), "op": "eq", "value": dimension["Value"]]
        }
        let number = { (key: String) in resource[property: key].numberValue ?? resource[property: key].stringValue.flatMap(Double.init) }
        return [
            "meter_name": resource[property: "MetricName"],
            "statistic": .string(Self.statistics[resource[property: "Statistic"].stringValue ?? ""] ?? "avg"),
            "period": .int(Int(number("Period") ?? 60)), "evaluation_periods": .int(Int(number("EvaluationPeriods") ?? 1)),
            "threshold": .double(number("Threshold") ?? 0),
            "comparison_operator": .string(Self.operators[resource[property: "ComparisonOperator"].stringValue ?? ""] ?? "eq"),
            "query": .list(query),
        ]
    }
}
