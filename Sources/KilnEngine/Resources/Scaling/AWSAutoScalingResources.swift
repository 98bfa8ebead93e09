import Foundation
import KilnModel
import KilnTemplate

/// `AWS::AutoScaling::LaunchConfiguration`: what the members of an
/// `AWS::AutoScaling::AutoScalingGroup` are made of. It makes nothing itself; its reference id
/// is its physical name, which the group's `LaunchConfigurationName` names.
public struct LaunchConfigurationResource: ResourcePlugin {
    public static let typeName = "AWS::AutoScaling::LaunchConfiguration"

    /// The properties that become each member's `AWS::EC2::Instance` properties.
    static let instanceProperties = [
        "ImageId", "InstanceType", "KeyName", "SecurityGroups", "UserData", "BlockDeviceMappings", "KernelId", "RamDiskId",
        "NovaSchedulerHints",
    ]

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "ImageId": PropertySchema(.string, description: "Glance image ID or name."),
            "InstanceType": PropertySchema(.string, description: "Nova instance type (flavor)."),
            "KeyName": PropertySchema(.string, description: "Optional Nova keypair name."),
            "SecurityGroups": PropertySchema(.list, description: "Security group names to assign."),
            "UserData": PropertySchema(.string, description: "User data to pass to instance."),
            "BlockDeviceMappings": PropertySchema(.list, description: "Block device mappings to attach to instance."),
            "KernelId": PropertySchema(.string, description: "Not Implemented."),
            "RamDiskId": PropertySchema(.string, description: "Not Implemented."),
            "NovaSchedulerHints": PropertySchema(.list, description: "Scheduler hints to pass to Nova (Heat extension)."),
            "InstanceId": PropertySchema(.string, description: "The ID of an existing instance to use to create the launch configuration."),
        ])

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        if resource[property: "InstanceId"].isNull,
           resource[property: "ImageId"].isNull || resource[property: "InstanceType"].isNull {
            throw ResourceFailure.failed("If without InstanceId, ImageId and InstanceType are required.")
        }
        resource.physicalID = NativeProperties.physicalName(for: resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {}

    /// The member definition a group makes of this launch configuration.
    static func memberDefinition(_ configuration: LiveResource) -> Value {
        var properties: [String: Value] = [:]
        for name in instanceProperties {
            if let value = configuration.properties[name], !value.isNull { properties[name] = value }
        }
        return ["type": "AWS::EC2::Instance", "properties": .map(properties)]
    }
}

/// `AWS::AutoScaling::AutoScalingGroup`: `AWS::EC2::Instance` members made from the launch
/// configuration `LaunchConfigurationName` names, between `MinSize` and `MaxSize`, resized
/// by `AWS::AutoScaling::ScalingPolicy` signals. The same machinery as
/// `OS::Heat::AutoScalingGroup` (`ScalingGroup`). Its reference id is its child stack's id, as
/// in Heat; `InstanceList` is the members' `PublicIp`s, comma-separated.
public struct AWSAutoScalingGroupResource: ScalingGroupPlugin {
    public static let typeName = "AWS::AutoScaling::AutoScalingGroup"

    public static let schema = ScalingGroup.alwaysUpdating(ResourceTypeSchema(
        type: typeName,
        properties: [
            "AvailabilityZones": PropertySchema(.list, required: true, description: "Not Implemented."),
            "LaunchConfigurationName": PropertySchema(.string, updateAllowed: true, description: "The reference to a LaunchConfiguration resource."),
            "InstanceId": PropertySchema(.string, description: "The ID of an existing instance to use to create the Auto Scaling group."),
            "MaxSize": PropertySchema(.integer, required: true, updateAllowed: true, description: "Maximum number of instances in the group."),
            "MinSize": PropertySchema(.integer, required: true, updateAllowed: true, description: "Minimum number of instances in the group."),
            "Cooldown": PropertySchema(.integer, updateAllowed: true, description: "Cooldown period, in seconds."),
            "DesiredCapacity": PropertySchema(.integer, updateAllowed: true, description: "Desired initial number of instances."),
            "HealthCheckGracePeriod": PropertySchema(.integer, description: "Not Implemented."),
            "HealthCheckType": PropertySchema(.string, allowedValues: ["EC2", "ELB"], description: "Not Implemented."),
            "LoadBalancerNames": PropertySchema(.list, description: "List of LoadBalancer resources."),
            "VPCZoneIdentifier": PropertySchema(.list, description: "Use only with Neutron, to list the internal subnet to which the instance will be attached."),
            "Tags": PropertySchema(.list, description: "Tags to attach to this group."),
        ],
        attributes: ["InstanceList": AttributeSchema(description: "A comma-delimited list of server ip addresses. (Heat extension).", type: "STRING")],
        updatePolicyKeys: ["AutoScalingRollingUpdate"]))

    public init() {}

    public func limits(of resource: LiveResource) throws -> ScalingLimits {
        ScalingLimits(
            minimum: NativeProperties.integer(resource[property: "MinSize"]) ?? 0,
            maximum: NativeProperties.integer(resource[property: "MaxSize"]) ?? 0,
            cooldown: NativeProperties.number(resource[property: "Cooldown"]))
    }

    /// The launch configuration by reference id (its physical name), else by resource name.
    static func launchConfiguration(_ name: String, _ context: ResourceContext) async throws -> LiveResource? {
        if let found = try await context.resource(referencedBy: name) { return found }
        return try await context.resource(named: name)
    }

    /// Reads the launch configuration into the member definition kept in the group's data.
    private func readDefinition(_ resource: inout LiveResource, _ context: ResourceContext) async throws -> Value {
        guard let name = NativeProperties.string(resource[property: "LaunchConfigurationName"]),
              let configuration = try await Self.launchConfiguration(name, context) else {
            throw ResourceFailure.failed("LaunchConfigurationName is required and must name a LaunchConfiguration of this stack")
        }
        var definition = LaunchConfigurationResource.memberDefinition(configuration)
        // As Heat: members go on the first subnet of VPCZoneIdentifier.
        if let subnet = resource[property: "VPCZoneIdentifier"].listValue?.first, !subnet.isNull,
           var properties = definition.mapValue?["properties"]?.mapValue {
            properties["SubnetId"] = subnet
            definition = ["type": "AWS::EC2::Instance", "properties": .map(properties)]
        }
        resource.data["launch_definition"] = definition
        return definition
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let limits = try limits(of: resource)
        let desired = NativeProperties.integer(resource[property: "DesiredCapacity"])
        try ScalingGroup.check(limits, desired: desired)
        let definition = try await readDefinition(&resource, context)
        try await ScalingGroup.adopt(&resource, definition: definition, context)
        let capacity = ScalingGroup.initialCapacity(desired: desired, resource, limits: limits)
        try await ScalingGroup.resize(&resource, to: capacity, definition: definition, context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        let limits = try limits(of: resource)
        let desired = NativeProperties.integer(resource[property: "DesiredCapacity"])
        try ScalingGroup.check(limits, desired: desired)
        let old = resource.data["launch_definition"]
        let definition = try await readDefinition(&resource, context)
        if old != definition, ScalingGroup.size(resource) > 0 {
            let policy = resource.updatePolicy.mapValue?["AutoScalingRollingUpdate"]?.mapValue ?? [:]
            try await ScalingGroup.rollingReplace(
                &resource, to: definition, capacity: ScalingGroup.size(resource),
                batchSize: NativeProperties.integer(policy["MaxBatchSize"] ?? 1) ?? 1,
                minInService: NativeProperties.integer(policy["MinInstancesInService"] ?? 0) ?? 0,
                pause: Self.seconds(policy["PauseTime"]), context)
        }
        let capacity = ScalingGroup.target(desired: desired, current: ScalingGroup.size(resource), limits: limits)
        try await ScalingGroup.resize(&resource, to: capacity, definition: definition, context)
    }

    /// CloudFormation's ISO 8601 durations (`PT1M30S`) in seconds; plain numbers too.
    static func seconds(_ value: Value?) -> Double {
        guard let value else { return 0 }
        if let number = NativeProperties.number(value) { return number }
        guard var text = value.stringValue?.uppercased(), text.hasPrefix("PT") else { return 0 }
        text.removeFirst(2)
        var total = 0.0, digits = ""
        for character in text {
            if character.isNumber || character == "." { digits.append(character); continue }
            let amount = Double(digits) ?? 0
            digits = ""
            switch character {
            case "H": total += amount * 3600
            case "M": total += amount * 60
            case "S": total += amount
            default: break
            }
        }
        return total
    }

    public func resize(_ resource: inout LiveResource, to capacity: Int, _ context: ResourceContext) async throws {
        var definition = resource.data["launch_definition"] ?? .null
        if definition.isNull { definition = try await readDefinition(&resource, context) }
        try await ScalingGroup.resize(&resource, to: capacity, definition: definition, context)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        try await context.nested.delete(owner: resource.name)
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        switch name {
        case "InstanceList":
            let addresses = ScalingGroup.members(resource).compactMap {
                NestedMembers.attribute("PublicIp", ofMember: $0, resource).flatMap { $0.isNull ? nil : $0.plainText }
            }
            return .string(addresses.joined(separator: ","))
        case "show": return .map(["InstanceList": attribute("InstanceList", of: resource) ?? .null])
        default: return nil
        }
    }
}

/// `AWS::AutoScaling::ScalingPolicy`: `ScalingAdjustment` of `AdjustmentType`
/// (`ChangeInCapacity`, `ExactCapacity`, `PercentChangeInCapacity`) applied to the group
/// `AutoScalingGroupName` on each signal. Its reference id and `AlarmUrl` are its
/// pre-signed URL, as Heat's are (see `SignalURLs`).
public struct AWSScalingPolicyResource: ScalingPolicyPlugin {
    public static let typeName = "AWS::AutoScaling::ScalingPolicy"

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "AutoScalingGroupName": PropertySchema(.string, required: true, description: "AutoScaling group name to apply policy to."),
            "ScalingAdjustment": PropertySchema(.integer, required: true, updateAllowed: true, description: "Size of adjustment."),
            "AdjustmentType": PropertySchema(
                .string, required: true, updateAllowed: true,
                allowedValues: ["ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"], description: "Type of adjustment (absolute or percentage)."),
            "Cooldown": PropertySchema(.integer, updateAllowed: true, description: "Cooldown period, in seconds."),
            "MinAdjustmentStep": PropertySchema(
                .integer, updateAllowed: true,
                description: "Minimum number of resources that are added or removed when the AutoScaling group scales up or down. "
                    + "This can be used only when specifying PercentChangeInCapacity for the AdjustmentType property."),
        ],
        attributes: ["AlarmUrl": AttributeSchema(description: "A signed url to handle the alarm. (Heat extension).", type: "STRING")])

    public init() {}

    public func settings(of resource: LiveResource) throws -> ScalingPolicySettings {
        try ScalingPolicyResource.settings(
            group: resource[property: "AutoScalingGroupName"], adjustment: resource[property: "ScalingAdjustment"],
            type: resource[property: "AdjustmentType"], step: resource[property: "MinAdjustmentStep"],
            cooldown: resource[property: "Cooldown"], names: ("MinAdjustmentStep", "AdjustmentType", "PercentChangeInCapacity"))
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        _ = try settings(of: resource)
        resource.physicalID = NativeProperties.uuid()
        SignalURLs.issue(&resource, projectID: context.projectID)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        _ = try settings(of: resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {}

    public func referenceID(_ resource: LiveResource) -> Value {
        SignalURLs.alarmURL(resource).map(Value.string) ?? .string(resource.name)
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        switch name {
        case "AlarmUrl": return SignalURLs.alarmURL(resource).map(Value.string) ?? .null
        case "show": return .map(["AlarmUrl": attribute("AlarmUrl", of: resource) ?? .null])
        default: return nil
        }
    }
}
