import Foundation
import KilnModel
import KilnTemplate

/// A group that scaling policies resize: `OS::Heat::AutoScalingGroup` and
/// `AWS::AutoScaling::AutoScalingGroup`. The engine's scaling operation (`Engine+Scaling`)
/// reads its bounds and asks it to resize; the group itself never decides when to scale.
public protocol ScalingGroupPlugin: ResourcePlugin {
    /// The group's bounds and cooldown, as its properties say now.
    func limits(of resource: LiveResource) throws -> ScalingLimits
    /// Moves the group to `capacity` members: new members take the current definition,
    /// the oldest members go first.
    func resize(_ resource: inout LiveResource, to capacity: Int, _ context: ResourceContext) async throws
}

public struct ScalingLimits: Sendable, Equatable {
    public var minimum: Int
    public var maximum: Int
    /// Seconds after a scaling during which further scalings are ignored (nil: none).
    public var cooldown: Double?
}

/// The members of a scaling group, kept in the group's data in creation order (oldest
/// first: Heat removes the oldest on scale-in and replaces the oldest first on a rolling
/// update). Members live in a child stack, as `ResourceGroup`'s do, built by the same
/// `NestedMembers` template and batched by the same `GroupBatches` arithmetic; unlike a
/// ResourceGroup's "0", "1", ... they are named with Heat's random short ids.
enum ScalingGroup {
    /// A group's schema: every stack update reaches the group, so its child stack replaces
    /// members marked unhealthy (Heat's auto-healing: mark unhealthy, then update).
    static func alwaysUpdating(_ schema: ResourceTypeSchema) -> ResourceTypeSchema {
        var schema = schema
        schema.alwaysUpdates = true
        return schema
    }

    /// Member names, oldest first.
    static func members(_ resource: LiveResource) -> [String] {
        (resource.data["members"]?.listValue ?? []).compactMap(\.stringValue)
    }

    static func size(_ resource: LiveResource) -> Int { members(resource).count }

    /// Each member's definition as last applied.
    static func definitions(_ resource: LiveResource) -> [String: Value] {
        resource.data["member_defs"]?.mapValue ?? [:]
    }

    /// Brings the child stack to exactly these members (in creation order).
    static func apply(
        _ members: [(name: String, definition: Value)], to resource: inout LiveResource, _ context: ResourceContext
    ) async throws {
        let template = NestedMembers.template(named: "\(resource.name).yaml", members: members)
        let result = try await context.nested.apply(owner: resource.name, template: template, parameters: [:])
        NestedMembers.keep(result, in: &resource)
        resource.data["member_defs"] = .map(Dictionary(members.map { ($0.name, $0.definition) }, uniquingKeysWith: { a, _ in a }))
        resource.data["members"] = .list(members.map { .string($0.name) })
    }

    /// Starts a group's member list. A replacement of a group (e.g. of one left FAILED by a
    /// resize) carries on with the same child stack, so it adopts the members already there,
    /// oldest first, instead of starting empty.
    static func adopt(_ resource: inout LiveResource, definition: Value, _ context: ResourceContext) async throws {
        resource.data["members"] = .list([])
        guard let existing = try await context.nested.result(owner: resource.name), !existing.references.isEmpty else { return }
        let names = try await context.nested.membersByAge(owner: resource.name).filter { existing.references[$0] != nil }
        NestedMembers.keep(existing, in: &resource)
        resource.data["members"] = .list(names.map(Value.string))
        resource.data["member_defs"] = .map(Dictionary(uniqueKeysWithValues: names.map { ($0, definition) }))
    }

    /// The size a group is created at: `desired`, else `min_size`; a group that adopted members keeps their number.
    static func initialCapacity(desired: Int?, _ resource: LiveResource, limits: ScalingLimits) -> Int {
        let adopted = size(resource)
        return target(desired: desired ?? (adopted > 0 ? nil : limits.minimum), current: adopted, limits: limits)
    }

    /// The existing members, oldest first, with their applied definitions.
    static func existing(_ resource: LiveResource) -> [(name: String, definition: Value)] {
        let definitions = definitions(resource)
        return members(resource).map { ($0, definitions[$0] ?? .null) }
    }

    /// Resizes to `capacity`: keeps the newest healthy members, adds new ones with
    /// `definition`. Members that failed or were marked unhealthy (in the child stack, or
    /// inside their own) are not kept: new members take their place, as Heat's auto-healing
    /// (mark unhealthy, then update the stack) has it.
    static func resize(
        _ resource: inout LiveResource, to capacity: Int, definition: Value, _ context: ResourceContext
    ) async throws {
        let failed = try await context.nested.failedMembers(owner: resource.name)
        let existing = existing(resource).filter { !failed.contains($0.name) }
        var fresh = (0..<max(0, capacity - existing.count)).map { _ in NativeProperties.shortID() }
        let members = GroupBatches.members(
            existing: existing, newDefinition: { _ in definition }, capacity: capacity,
            updates: max(0, capacity - existing.count), freshNames: &fresh)
        try await apply(members, to: &resource, context)
    }

    /// Moves every member to `definition` a batch at a time (Heat's rolling update), keeping
    /// `minInService` members working, with `pause` seconds between batches; the group ends
    /// at `capacity` members.
    static func rollingReplace(
        _ resource: inout LiveResource, to definition: Value, capacity: Int, batchSize: Int, minInService: Int,
        pause: Double, _ context: ResourceContext
    ) async throws {
        let steps = GroupBatches.steps(
            target: capacity, current: size(resource), batchSize: batchSize, minInService: minInService)
        for (index, step) in steps.enumerated() {
            let existing = existing(resource)
            var fresh = (0..<max(0, step.capacity - existing.count)).map { _ in NativeProperties.shortID() }
            let members = GroupBatches.members(
                existing: existing, newDefinition: { _ in definition }, capacity: step.capacity, updates: step.updates,
                freshNames: &fresh)
            try await apply(members, to: &resource, context)
            try await context.save(resource)
            if index < steps.count - 1, pause > 0 { try await context.sleep(seconds: pause) }
        }
    }

    /// The group's size after a create or update: `desired` (or the current size when not
    /// given) within `[minimum, maximum]`, as Heat's groups resize on update.
    static func target(desired: Int?, current: Int, limits: ScalingLimits) -> Int {
        min(max(desired ?? current, limits.minimum), limits.maximum)
    }

    /// Refuses bounds Heat refuses, in Heat's words (its OS:: group shares the AWS group's checks).
    static func check(_ limits: ScalingLimits, desired: Int?) throws {
        if limits.maximum < limits.minimum { throw ResourceFailure.failed("MinSize can not be greater than MaxSize") }
        if limits.minimum < 0 { throw ResourceFailure.failed("The size of AutoScalingGroup can not be less than zero") }
        if let desired, desired < limits.minimum || desired > limits.maximum {
            throw ResourceFailure.failed("DesiredCapacity must be between MinSize and MaxSize")
        }
    }

    // MARK: Attributes

    static func reference(of member: String, _ resource: LiveResource) -> Value {
        NestedMembers.references(resource)[member] ?? .null
    }

    /// `resource.N` and `resource.N.attr`, N being a position in the member list (oldest first).
    static func positionalAttribute(_ key: String, of resource: LiveResource) -> Value? {
        guard key.hasPrefix("resource.") else { return nil }
        let parts = key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let members = members(resource)
        guard parts.count >= 2, let index = Int(parts[1]), members.indices.contains(index) else { return .null }
        if parts.count == 2 { return reference(of: members[index], resource) }
        return NestedMembers.attribute(parts[2], ofMember: members[index], resource) ?? .null
    }

    /// `{attribute: {member: value}}`, selected with a path as `[group, outputs, attr]`.
    static func outputs(_ resource: LiveResource) -> Value {
        var byName: [String: [String: Value]] = [:]
        let all = resource.data["member_attributes"]?.mapValue ?? [:]
        for member in members(resource) {
            for (attribute, value) in all[member]?.mapValue ?? [:] { byName[attribute, default: [:]][member] = value }
        }
        return .map(byName.mapValues(Value.map))
    }

    /// `{attribute: [value of each member, oldest first]}`, selected as `[group, outputs_list, attr]`.
    static func outputsList(_ resource: LiveResource) -> Value {
        let members = members(resource)
        let all = resource.data["member_attributes"]?.mapValue ?? [:]
        var names: Set<String> = []
        for member in members { names.formUnion(all[member]?.mapValue?.keys ?? [:].keys) }
        var lists: [String: Value] = [:]
        for name in names {
            lists[name] = .list(members.map { all[$0]?.mapValue?[name] ?? .null })
        }
        return .map(lists)
    }
}
