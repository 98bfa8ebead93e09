import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::AutoScalingGroup`: members made from one `resource` definition (any type, a
/// provider template included) in a child stack, between `min_size` and `max_size`,
/// resized by `OS::Heat::ScalingPolicy` signals (see `Engine+Scaling`). It starts at
/// `desired_capacity` (else `min_size`); an update keeps the current size unless
/// `desired_capacity` is given, within the new bounds. A changed `resource` moves the
/// members to it a batch at a time (`rolling_updates`: `max_batch_size`, `min_in_service`,
/// `pause_time`), oldest first. Scale-in removes the oldest members.
///
/// Attributes: `current_size`, `refs` and `refs_map` (member reference ids), `outputs` and
/// `outputs_list` (a member attribute selected with a path: `[group, outputs, attr]`),
/// `resource.N[.attr]` (the Nth member, oldest first).
public struct AutoScalingGroupResource: ScalingGroupPlugin {
    public static let typeName = "OS::Heat::AutoScalingGroup"

    public static let schema = ScalingGroup.alwaysUpdating(ResourceTypeSchema(
        type: typeName,
        properties: [
            "resource": PropertySchema(
                .map, required: true, updateAllowed: true, description: "Resource definition for the resources in the group, in HOT format."),
            "max_size": PropertySchema(.integer, required: true, updateAllowed: true, description: "Maximum number of resources in the group."),
            "min_size": PropertySchema(.integer, required: true, updateAllowed: true, description: "Minimum number of resources in the group."),
            "cooldown": PropertySchema(.integer, updateAllowed: true, description: "Cooldown period, in seconds."),
            "desired_capacity": PropertySchema(.integer, updateAllowed: true, description: "Desired initial number of resources."),
            "rolling_updates": PropertySchema(
                .map, updateAllowed: true,
                defaultValue: ["min_in_service": 0, "max_batch_size": 1, "pause_time": 0],
                fields: [
                    "min_in_service": PropertySchema(.integer, defaultValue: 0, description: "The minimum number of resources in service while rolling updates are being executed."),
                    "max_batch_size": PropertySchema(.integer, defaultValue: 1, description: "The maximum number of resources to replace at once."),
                    "pause_time": PropertySchema(.number, defaultValue: 0, description: "The number of seconds to wait between batches of updates."),
                ],
                description: "Policy for rolling updates for this scaling group."),
        ],
        attributes: [
            "outputs": AttributeSchema(description: "A map of resource names to the specified attribute of each individual resource.", type: "MAP"),
            "outputs_list": AttributeSchema(description: "A list of the specified attribute of each individual resource.", type: "LIST"),
            "current_size": AttributeSchema(description: "The current size of AutoscalingResourceGroup.", type: "INTEGER"),
            "refs": AttributeSchema(description: "A list of resource IDs for the resources in the group.", type: "LIST"),
            "refs_map": AttributeSchema(description: "A map of resource names to IDs for the resources in the group.", type: "MAP"),
        ]))

    public init() {}

    public func limits(of resource: LiveResource) throws -> ScalingLimits {
        ScalingLimits(
            minimum: NativeProperties.integer(resource[property: "min_size"]) ?? 0,
            maximum: NativeProperties.integer(resource[property: "max_size"]) ?? 0,
            cooldown: NativeProperties.number(resource[property: "cooldown"]))
    }

    static func desired(_ resource: LiveResource) -> Int? { NativeProperties.integer(resource[property: "desired_capacity"]) }

    static func definition(_ resource: LiveResource) -> Value {
        let definition = resource[property: "resource"].mapValue ?? [:]
        return .map(definition.filter { !$0.value.isNull })
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let limits = try limits(of: resource)
        try ScalingGroup.check(limits, desired: Self.desired(resource))
        try await ScalingGroup.adopt(&resource, definition: Self.definition(resource), context)
        let capacity = ScalingGroup.initialCapacity(desired: Self.desired(resource), resource, limits: limits)
        try await ScalingGroup.resize(&resource, to: capacity, definition: Self.definition(resource), context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        let limits = try limits(of: resource)
        try ScalingGroup.check(limits, desired: Self.desired(resource))
        let definition = Self.definition(resource)
        if previous["resource"] != resource[property: "resource"], ScalingGroup.size(resource) > 0 {
            let policy = resource[property: "rolling_updates"].mapValue ?? [:]
            try await ScalingGroup.rollingReplace(
                &resource, to: definition, capacity: ScalingGroup.size(resource),
                batchSize: NativeProperties.integer(policy["max_batch_size"] ?? 1) ?? 1,
                minInService: NativeProperties.integer(policy["min_in_service"] ?? 0) ?? 0,
                pause: NativeProperties.number(policy["pause_time"] ?? 0) ?? 0, context)
        }
        let capacity = ScalingGroup.target(desired: Self.desired(resource), current: ScalingGroup.size(resource), limits: limits)
        try await ScalingGroup.resize(&resource, to: capacity, definition: definition, context)
    }

    public func resize(_ resource: inout LiveResource, to capacity: Int, _ context: ResourceContext) async throws {
        try await ScalingGroup.resize(&resource, to: capacity, definition: Self.definition(resource), context)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        try await context.nested.delete(owner: resource.name)
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        let members = ScalingGroup.members(resource)
        switch name {
        case "current_size": return .int(members.count)
        case "refs": return .list(members.map { ScalingGroup.reference(of: $0, resource) })
        case "refs_map": return .map(Dictionary(uniqueKeysWithValues: members.map { ($0, ScalingGroup.reference(of: $0, resource)) }))
        case "outputs": return ScalingGroup.outputs(resource)
        case "outputs_list": return ScalingGroup.outputsList(resource)
        case "show":
            return .map(["current_size": .int(members.count), "refs": attribute("refs", of: resource) ?? .null,
                         "refs_map": attribute("refs_map", of: resource) ?? .null])
        default: return ScalingGroup.positionalAttribute(name, of: resource)
        }
    }
}
