import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Aodh::CompositeAlarm`: `composite_rule: {operator: and|or, rules: [...]}` as Heat
/// takes it, nested rules allowed; Aodh's form is `{"or": [rule, {"and": [...]}]}`.
public struct CompositeAlarmResource: AodhAlarmPlugin {
    public static let typeName = "OS::Aodh::CompositeAlarm"
    static let alarmType = "composite"
    public static let schema = AodhAlarm.schema(typeName)
    public init() {}

    func rule(_ resource: LiveResource) throws -> Value {
        try Self.aodhForm(resource[property: "composite_rule"], resource: resource.name)
    }

    static func aodhForm(_ rule: Value, resource: String) throws -> Value {
        guard let rules = rule["rules"].listValue, !rules.isEmpty else {
            if rule["type"] != .null { return rule }
            throw ResourceFailure.failed("Property error: resources.\(resource).properties.composite_rule: rules must be a non-empty list")
        }
        let op = rule["operator"].stringValue ?? "and"
        guard op == "and" || op == "or" else {
            throw ResourceFailure.failed("Property error: resources.\(resource).properties.composite_rule.operator: \"\(op)\" is not an allowed value [and, or]")
        }
        return [op: .list(try rules.map { try aodhForm($0, resource: resource) })]
    }
}

/// `OS::Aodh::EventAlarm`: goes to alarm when an event of `event_type` (wildcards allowed)
/// whose traits match `query` arrives; Kiln feeds it its own stack and resource events.
public struct EventAlarmResource: AodhAlarmPlugin {
    public static let typeName = "OS::Aodh::EventAlarm"
    static let alarmType = "event"
    public static let schema = AodhAlarm.schema(typeName) { schema in
        schema.properties["event_type"]?.defaultValue = "*"
    }
    public init() {}

    func rule(_ resource: LiveResource) throws -> Value {
        ["event_type": resource[property: "event_type"], "query": .list(resource[property: "query"].listValue ?? [])]
    }
}