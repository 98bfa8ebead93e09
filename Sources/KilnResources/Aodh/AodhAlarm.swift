import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// What the OS::Aodh::* types share: the common properties (actions, severity, enabled,
/// repeat_actions, time_constraints, description) and the lifecycle over `AlarmService`.
/// Each type says only its Aodh type and how its properties make the rule. Every property
/// Heat marks (U) updates the alarm in place; suspend and resume disable and enable it.
protocol AodhAlarmPlugin: ResourcePlugin {
    /// Aodh's alarm type (`gnocchi_aggregation_by_resources_threshold`, ...).
    static var alarmType: String { get }
    /// The rule object (Aodh's `<type>_rule`) from the resource's properties.
    func rule(_ resource: LiveResource) throws -> Value
}

enum AodhAlarm {
    /// Heat's defaults for the common properties.
    static func schema(_ type: String, _ edit: (inout ResourceTypeSchema) -> Void = { _ in }) -> ResourceTypeSchema {
        CloudPlugin.schema(type) { schema in
            schema.properties["enabled"]?.defaultValue = true
            schema.properties["repeat_actions"]?.defaultValue = true
            schema.properties["severity"]?.defaultValue = "low"
            schema.properties["severity"]?.allowedValues = ["low", "moderate", "critical"]
            for name in ["alarm_actions", "ok_actions", "insufficient_data_actions"] { schema.properties[name]?.defaultValue = .list([]) }
            if schema.properties["comparison_operator"] != nil {
                schema.properties["comparison_operator"]?.allowedValues = ["ge", "gt", "eq", "ne", "lt", "le"]
            }
            if schema.properties["evaluation_periods"] != nil { schema.properties["evaluation_periods"]?.defaultValue = 1 }
            schema.attributes["show"] = AttributeSchema(description: "The alarm as Aodh shows it.")
            edit(&schema)
        }
    }

    static func request(_ plugin: some AodhAlarmPlugin, _ resource: inout LiveResource) throws -> AlarmRequest {
        let name = CloudPlugin.name(&resource)
        let properties = resource
        func urls(_ key: String) -> [String] {
            (properties[property: key].listValue ?? []).compactMap { $0.stringValue ?? ($0 == .null ? nil : $0.plainText) }
        }
        return AlarmRequest(
            name: name, type: type(of: plugin).alarmType, description: resource[property: "description"].stringValue ?? resource[property: "AlarmDescription"].stringValue ?? "",
            enabled: CloudPlugin.bool(resource[property: "enabled"], default: true),
            severity: resource[property: "severity"].stringValue ?? "low", rule: try plugin.rule(resource),
            alarmActions: urls("alarm_actions") + urls("AlarmActions"), okActions: urls("ok_actions") + urls("OKActions"),
            insufficientDataActions: urls("insufficient_data_actions") + urls("InsufficientDataActions"),
            repeatActions: CloudPlugin.bool(resource[property: "repeat_actions"], default: true),
            timeConstraints: timeConstraints(resource[property: "time_constraints"]))
    }

    /// Heat's time constraint fields, as Aodh takes them.
    static func timeConstraints(_ value: Value) -> Value {
        .list((value.listValue ?? []).map { item in
            var entry = item.mapValue ?? [:]
            entry["duration"] = entry["duration"].map { $0.numberValue.map { .int(Int($0)) } ?? $0 }
            return .map(entry)
        })
    }

    static func alarms(_ context: ResourceContext, _ resource: LiveResource) throws -> any AlarmService {
        guard let alarms = try context.cloud().alarms else {
            throw ResourceFailure.failed("resources.\(resource.name): the cloud has no alarming service (Aodh)")
        }
        return alarms
    }
}

extension AodhAlarmPlugin {
    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let alarms = try AodhAlarm.alarms(context, resource)
        let token = try await CloudPlugin.clientToken(&resource, context)
        var request = try AodhAlarm.request(self, &resource)
        request.clientToken = token
        let snapshot = resource, made = request
        let id = try await CloudPlugin.call(snapshot) { try await alarms.createAlarm(made) }
        resource.physicalID = id
        resource.attributes["show"] = try await CloudPlugin.call(snapshot) { try await alarms.alarm(id: id) } ?? .null
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let alarms = try AodhAlarm.alarms(context, resource)
        let request = try AodhAlarm.request(self, &resource)
        let snapshot = resource
        try await CloudPlugin.call(snapshot) { try await alarms.updateAlarm(id: id, request) }
        resource.attributes["show"] = try await CloudPlugin.call(snapshot) { try await alarms.alarm(id: id) } ?? .null
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let alarms = try AodhAlarm.alarms(context, resource)
        try await CloudPlugin.deleting(resource) { try await alarms.deleteAlarm(id: id) }
    }

    public func suspend(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await setEnabled(false, &resource, context)
    }

    public func resume(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await setEnabled(CloudPlugin.bool(resource[property: "enabled"], default: true), &resource, context)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let alarms = try AodhAlarm.alarms(context, resource)
        guard try await CloudPlugin.call(resource, { try await alarms.alarm(id: id) }) != nil else {
            throw ResourceFailure.failed("NotFound: resources.\(resource.name): Alarm \(id) not found")
        }
    }

    func setEnabled(_ enabled: Bool, _ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let alarms = try AodhAlarm.alarms(context, resource)
        var request = try AodhAlarm.request(self, &resource)
        request.enabled = enabled
        let snapshot = resource, changed = request
        try await CloudPlugin.call(snapshot) { try await alarms.updateAlarm(id: id, changed) }
    }

    /// `show` is read when asked (the alarm's state changes without the stack).
    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
