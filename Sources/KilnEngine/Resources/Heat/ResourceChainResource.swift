import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::ResourceChain`: one member per type in `resources`, named "0", "1", ... in a
/// child stack, each given `resource_properties`; unless `concurrent`, each member depends
/// on the one before it, so they are created in order (and deleted in reverse).
///
/// Attributes: `refs`, `attributes` (each member attribute's values by member: select one
/// with a path), `resource.N`, `resource.N.attr`, and any other name: the list of that
/// attribute of every member, as Heat's chain answers.
public struct ResourceChainResource: ChildStackResource {
    public static let typeName = "OS::Heat::ResourceChain"

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "resources": PropertySchema(
                .list, required: true, updateAllowed: true, items: PropertySchema(.string),
                description: "The list of resource types to create. This list may contain type names or aliases defined in the resource registry."),
            "concurrent": PropertySchema(
                .boolean, defaultValue: false,
                description: "If true, the resources in the chain will be created concurrently."),
            "resource_properties": PropertySchema(
                .map, updateAllowed: true, defaultValue: .map([:]),
                description: "Properties to pass to each resource being created in the chain."),
        ],
        attributes: [
            "refs": AttributeSchema(description: "A list of resource IDs for the resources in the chain.", type: "LIST"),
            "attributes": AttributeSchema(
                description: "A map of resource names to the specified attribute of each individual resource.", type: "MAP"),
        ])

    public init() {}

    public func applyChild(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let types = resource[property: "resources"].listValue ?? []
        var members: [(name: String, definition: Value)] = []
        for (index, type) in types.enumerated() {
            guard let type = type.stringValue, !type.isEmpty else {
                throw ResourceFailure.failed("Property error: resources[\(index)]: Value must be a string")
            }
            var definition: [String: Value] = ["type": .string(type)]
            if let properties = resource[property: "resource_properties"].mapValue, !properties.isEmpty {
                definition["properties"] = .map(properties)
            }
            members.append((String(index), .map(definition)))
        }
        let concurrent = NativeProperties.boolean(resource[property: "concurrent"]) ?? false
        let template = NestedMembers.template(named: "\(resource.name).yaml", members: members, chained: !concurrent)
        let result = try await context.nested.apply(owner: resource.name, template: template, parameters: [:])
        NestedMembers.keep(result, in: &resource)
        resource.data["members"] = .list(members.map { .string($0.name) })
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        let members = (resource.data["members"]?.listValue ?? []).compactMap(\.stringValue)
        let references = NestedMembers.references(resource)
        switch name {
        case "refs": return .list(members.map { references[$0] ?? .null })
        case "attributes": return ResourceGroupResource.attributesByName(members, resource)
        case "show": return .map(["refs": .list(members.map { references[$0] ?? .null })])
        default:
            if let member = NestedMembers.memberAttribute(name, of: resource) { return member }
            if name.hasPrefix("resource.") { return nil }
            return .list(members.map { NestedMembers.attribute(name, ofMember: $0, resource) ?? .null })
        }
    }
}
