import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::ResourceGroup`: `count` identically defined members in a child stack, named
/// "0", "1", ... (names listed by `removal_policies` are removed and never reused). The
/// index variable in the members' properties becomes each member's name. Scaling down
/// removes the highest indexes. `update_policy` batches changes as Heat does:
/// `batch_create` creates members a batch at a time, `rolling_update` moves members to a
/// changed `resource_def` a batch at a time, keeping `min_in_service` of them working;
/// each batch is one update of the child stack, with `pause_time` seconds between batches.
///
/// Attributes: `refs`, `refs_map`, `removed_rsrc_list`, `resource.N` (member N's reference
/// id), `resource.N.attr`, `attributes` (each member attribute's values by member: select
/// one with a path, `[group, attributes, attr]`), and any other name: the list of that
/// attribute of every member. Member values are those of the last create or update.
public struct ResourceGroupResource: ResourcePlugin {
    public static let typeName = "OS::Heat::ResourceGroup"

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "count": PropertySchema(
                .integer, updateAllowed: true, defaultValue: 1, description: "The number of resources to create."),
            "index_var": PropertySchema(
                .string, defaultValue: "%index%",
                description: "A variable that this resource will use to replace with the current index of a given resource in the group."),
            "resource_def": PropertySchema(
                .map, required: true, updateAllowed: true,
                fields: [
                    "type": PropertySchema(.string, required: true, description: "The type of the resources in the group."),
                    "properties": PropertySchema(.map, description: "Property values for the resources in the group."),
                    "metadata": PropertySchema(.map, description: "Supplied metadata for the resources in the group."),
                ],
                description: "Resource definition for the resources in the group."),
            "removal_policies": PropertySchema(
                .list, updateAllowed: true, defaultValue: .list([]),
                items: PropertySchema(.map, fields: ["resource_list": PropertySchema(.list, defaultValue: .list([]))]),
                description: "Policies for removal of resources on update."),
            "removal_policies_mode": PropertySchema(
                .string, updateAllowed: true, defaultValue: "append", allowedValues: ["append", "update"],
                description: "How to handle changes to removal_policies on update."),
        ],
        attributes: [
            "refs": AttributeSchema(description: "A list of resource IDs for the resources in the group.", type: "LIST"),
            "refs_map": AttributeSchema(description: "A map of resource names to IDs for the resources in the group.", type: "MAP"),
            "attributes": AttributeSchema(
                description: "A map of resource names to the specified attribute of each individual resource.", type: "MAP"),
            "removed_rsrc_list": AttributeSchema(description: "A list of removed resource names.", type: "LIST"),
        ],
        updatePolicyKeys: ["rolling_update", "batch_create"])

    /// Heat's `max_resources_per_stack`: a group's members are one child stack's resources.
    static let maxMembers = 1000

    /// The `count` property, refused past what one stack may hold (as Heat refuses it), so a
    /// huge count is a failed resource, never an attempt to build that many.
    static func count(of resource: LiveResource) throws -> Int {
        let count = try NativeProperties.integer("count", of: resource, in: 0...Int.max)
        guard count <= maxMembers else {
            throw ResourceFailure.failed(
                "Maximum resources per stack exceeded: count \(count) is more than \(maxMembers).")
        }
        return count
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let count = try Self.count(of: resource)
        let skipped = Self.skipList(for: resource, current: [], created: false)
        resource.data["name_blacklist"] = .string(skipped.sorted().joined(separator: ","))
        if let batch = resource.updatePolicy.mapValue?["batch_create"]?.mapValue, count > 0 {
            try await applyInSteps(&resource, count: count, skipped: skipped, policy: batch, minInService: 0, context)
        } else {
            let names = Self.names(count: count, skipping: skipped)
            try await apply(names.map { ($0, Self.definition(for: $0, resource)) }, to: &resource, context)
        }
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        let count = try Self.count(of: resource)
        let skipped = Self.skipList(for: resource, current: Self.currentSkipList(resource), created: true)
        resource.data["name_blacklist"] = .string(skipped.sorted().joined(separator: ","))
        let definitionChanged = previous["resource_def"] != resource[property: "resource_def"]
        if definitionChanged, let rolling = resource.updatePolicy.mapValue?["rolling_update"]?.mapValue {
            let minInService = NativeProperties.integer(rolling["min_in_service"] ?? .int(0)) ?? 0
            try await applyInSteps(&resource, count: count, skipped: skipped, policy: rolling, minInService: minInService, context)
        } else {
            let names = Self.names(count: count, skipping: skipped)
            try await apply(names.map { ($0, Self.definition(for: $0, resource)) }, to: &resource, context)
        }
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        try await context.nested.delete(owner: resource.name)
    }

    // MARK: Members

    /// Names "0", "1", ... not removed by policy, `count` of them.
    static func names(count: Int, skipping skipped: Set<String>) -> [String] {
        var names: [String] = []
        var index = 0
        while names.count < count {
            if !skipped.contains(String(index)) { names.append(String(index)) }
            index += 1
        }
        return names
    }

    /// The member definition for `name`: `resource_def` with the index variable replaced in
    /// its properties and null properties left out (as Heat cleans them).
    static func definition(for name: String, _ resource: LiveResource) -> Value {
        var definition = resource[property: "resource_def"].mapValue ?? [:]
        let variable = resource[property: "index_var"].stringValue ?? "%index%"
        if let properties = definition["properties"]?.mapValue {
            definition["properties"] = replacing(variable, with: name, in: .map(properties.filter { !$0.value.isNull }))
        }
        return .map(definition)
    }

    /// `value` with every `variable` (the group's `index_var`) in its strings made `name`.
    public static func replacing(_ variable: String, with name: String, in value: Value) -> Value {
        switch value {
        case .string(let text): return .string(text.replacingOccurrences(of: variable, with: name))
        case .list(let items): return .list(items.map { replacing(variable, with: name, in: $0) })
        case .map(let entries): return .map(entries.mapValues { replacing(variable, with: name, in: $0) })
        default: return value
        }
    }

    /// Member definitions as last applied to the child stack.
    static func appliedMembers(_ resource: LiveResource) -> [String: Value] {
        resource.data["member_defs"]?.mapValue ?? [:]
    }

    private func apply(
        _ members: [(name: String, definition: Value)], to resource: inout LiveResource, _ context: ResourceContext
    ) async throws {
        let template = NestedMembers.template(named: "\(resource.name).yaml", members: members)
        let result = try await context.nested.apply(owner: resource.name, template: template, parameters: [:])
        NestedMembers.keep(result, in: &resource)
        resource.data["member_defs"] = .map(Dictionary(members.map { ($0.name, $0.definition) }, uniquingKeysWith: { a, _ in a }))
        resource.data["members"] = .list(NestedMembers.sortedNames(members.map(\.name)).map(Value.string))
    }

    /// Heat's batched path: one child stack update per batch, with a pause between batches.
    private func applyInSteps(
        _ resource: inout LiveResource, count: Int, skipped: Set<String>, policy: [String: Value], minInService: Int,
        _ context: ResourceContext
    ) async throws {
        let batchSize = NativeProperties.integer(policy["max_batch_size"] ?? .int(1)) ?? 1
        let pause = NativeProperties.number(policy["pause_time"] ?? .int(0)) ?? 0
        let current = Self.appliedMembers(resource).keys.filter { !skipped.contains($0) }.count
        let steps = GroupBatches.steps(target: count, current: current, batchSize: batchSize, minInService: minInService)
        for (index, step) in steps.enumerated() {
            let names = Self.names(count: step.capacity, skipping: skipped)
            let existing = Self.replacementOrder(Self.appliedMembers(resource), names: names, target: count, skipped: skipped)
            let existingNames = Set(existing.map(\.name))
            var fresh = names.filter { !existingNames.contains($0) }
            let members = GroupBatches.members(
                existing: existing, newDefinition: { Self.definition(for: $0, resource) },
                capacity: step.capacity, updates: step.updates, freshNames: &fresh)
            try await apply(members, to: &resource, context)
            try await context.save(resource)
            if index < steps.count - 1, pause > 0 { try await context.sleep(seconds: pause) }
        }
    }

    /// Existing members in the order Heat replaces or removes them: members to go first,
    /// then the highest indexes, members beyond the target size last.
    static func replacementOrder(
        _ applied: [String: Value], names: [String], target: Int, skipped: Set<String>
    ) -> [(name: String, definition: Value)] {
        let positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func priority(_ name: String) -> Int {
            guard let index = positions[name] else { return 0 }
            return index < target ? target - index : names.count
        }
        return NestedMembers.sortedNames(applied.keys.filter { !skipped.contains($0) })
            .map { ($0, applied[$0] ?? .null) }
            .enumerated()
            .sorted { a, b in
                let (pa, pb) = (priority(a.element.0), priority(b.element.0))
                return pa != pb ? pa < pb : a.offset < b.offset
            }
            .map(\.element)
    }

    // MARK: Removal policies

    static func currentSkipList(_ resource: LiveResource) -> Set<String> {
        let text = resource.data["name_blacklist"]?.stringValue ?? ""
        return Set(text.split(separator: ",").map(String.init))
    }

    /// Heat's name skip list: names given by `removal_policies` (member names, or member
    /// reference ids) added to the current list, or replacing it in `update` mode.
    static func skipList(for resource: LiveResource, current: Set<String>, created: Bool) -> Set<String> {
        var result = resource[property: "removal_policies_mode"].stringValue == "update" ? [] : current
        let members = Set(appliedMembers(resource).keys)
        let references = NestedMembers.references(resource)
        for policy in resource[property: "removal_policies"].listValue ?? [] {
            for entry in policy.mapValue?["resource_list"]?.listValue ?? [] {
                let name = entry.plainText
                if current.contains(name) || !created || members.contains(name) {
                    result.insert(name)
                } else if case .string(let reference) = entry,
                          let member = references.first(where: { $0.value == .string(reference) })?.key {
                    result.insert(member)
                }
            }
        }
        return result
    }

    // MARK: Attributes

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        let members = (resource.data["members"]?.listValue ?? []).compactMap(\.stringValue)
        let references = NestedMembers.references(resource)
        switch name {
        case "refs": return .list(members.map { references[$0] ?? .null })
        case "refs_map": return .map(Dictionary(uniqueKeysWithValues: members.map { ($0, references[$0] ?? .null) }))
        case "removed_rsrc_list": return .list(Self.currentSkipList(resource).sorted().map(Value.string))
        case "attributes": return Self.attributesByName(members, resource)
        case "show":
            return .map(["refs": attribute("refs", of: resource) ?? .null, "refs_map": attribute("refs_map", of: resource) ?? .null])
        default:
            if let member = NestedMembers.memberAttribute(name, of: resource) { return member }
            if name.hasPrefix("resource.") { return nil }
            return .list(members.map { NestedMembers.attribute(name, ofMember: $0, resource) ?? .null })
        }
    }

    /// `{attribute: {member: value}}`: `[group, attributes, attr]` selects one attribute.
    static func attributesByName(_ members: [String], _ resource: LiveResource) -> Value {
        let all = resource.data["member_attributes"]?.mapValue ?? [:]
        var byName: [String: [String: Value]] = [:]
        for member in members {
            for (attribute, value) in all[member]?.mapValue ?? [:] { byName[attribute, default: [:]][member] = value }
        }
        return .map(byName.mapValues(Value.map))
    }
}
