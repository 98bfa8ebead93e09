import Foundation
import KilnModel
import KilnTemplate

/// A resource whose signals resize a scaling group: `OS::Heat::ScalingPolicy` and
/// `AWS::AutoScaling::ScalingPolicy`. The engine's scaling operation (`Engine+Scaling`)
/// reads what the policy asks for and does the resizing under the stack's lease.
public protocol ScalingPolicyPlugin: ResourcePlugin {
    func settings(of resource: LiveResource) throws -> ScalingPolicySettings
}

public struct ScalingPolicySettings: Sendable, Equatable {
    /// The group's reference id (`get_resource` / `Ref` value).
    public var groupReference: String
    public var adjustment: Double
    public var type: AdjustmentType
    public var minAdjustmentStep: Int?
    /// Overrides the group's cooldown when given.
    public var cooldown: Double?
}

/// `OS::Heat::ScalingPolicy`: `scaling_adjustment` of `adjustment_type` applied to the
/// group `auto_scaling_group_id` on each signal (an Aodh alarm's POST). Attributes:
/// `alarm_url` (pre-signed, no token needed) and `signal_url` (native, token needed); see
/// `SignalURLs`.
public struct ScalingPolicyResource: ScalingPolicyPlugin {
    public static let typeName = "OS::Heat::ScalingPolicy"

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "auto_scaling_group_id": PropertySchema(.string, required: true, description: "AutoScaling group ID to apply policy to."),
            "scaling_adjustment": PropertySchema(.number, required: true, updateAllowed: true, description: "Size of adjustment."),
            "adjustment_type": PropertySchema(
                .string, required: true, updateAllowed: true, allowedValues: AdjustmentType.allCases.map { .string($0.rawValue) },
                description: "Type of adjustment (absolute or percentage)."),
            "cooldown": PropertySchema(.number, updateAllowed: true, description: "Cooldown period, in seconds."),
            "min_adjustment_step": PropertySchema(
                .integer, updateAllowed: true,
                description: "Minimum number of resources that are added or removed when the AutoScaling group scales up or down. "
                    + "This can be used only when specifying percent_change_in_capacity for the adjustment_type property."),
        ],
        attributes: [
            "alarm_url": AttributeSchema(description: "A signed url to handle the alarm.", type: "STRING"),
            "signal_url": AttributeSchema(description: "A url to handle the alarm using native API.", type: "STRING"),
        ])

    public init() {}

    public func settings(of resource: LiveResource) throws -> ScalingPolicySettings {
        try Self.settings(
            group: resource[property: "auto_scaling_group_id"], adjustment: resource[property: "scaling_adjustment"],
            type: resource[property: "adjustment_type"], step: resource[property: "min_adjustment_step"],
            cooldown: resource[property: "cooldown"], names: ("min_adjustment_step", "adjustment_type", "percent_change_in_capacity"))
    }

    /// Reads a policy's settings (native or CloudFormation property names), refusing a
    /// minimum step without a percent adjustment, as Heat does.
    static func settings(
        group: Value, adjustment: Value, type: Value, step: Value, cooldown: Value, names: (String, String, String)
    ) throws -> ScalingPolicySettings {
        guard let reference = NativeProperties.string(group), !reference.isEmpty else {
            throw ResourceFailure.failed("the scaling group is not known")
        }
        guard let kind = type.stringValue.flatMap(AdjustmentType.init(heat:)) else {
            throw ResourceFailure.failed("unknown adjustment type \(type.plainText)")
        }
        let minimumStep = NativeProperties.integer(step)
        if minimumStep != nil, kind != .percentChangeInCapacity {
            throw ResourceFailure.failed("\(names.0) property should only be specified for \(names.1) with value \(names.2).")
        }
        return ScalingPolicySettings(
            groupReference: reference, adjustment: NativeProperties.number(adjustment) ?? 0, type: kind,
            minAdjustmentStep: minimumStep, cooldown: NativeProperties.number(cooldown))
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        _ = try settings(of: resource)
        resource.physicalID = NativeProperties.uuid()
        SignalURLs.issue(&resource, projectID: context.projectID)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        _ = try settings(of: resource)
    }

    /// Deleting the policy deletes its key: its alarm URL is refused from then on.
    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {}

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        switch name {
        case "alarm_url": return SignalURLs.alarmURL(resource).map(Value.string) ?? .null
        case "signal_url": return resource.data["signal_url"] ?? .null
        case "show": return .map(["alarm_url": attribute("alarm_url", of: resource) ?? .null,
                                  "signal_url": attribute("signal_url", of: resource) ?? .null])
        default: return nil
        }
    }
}
