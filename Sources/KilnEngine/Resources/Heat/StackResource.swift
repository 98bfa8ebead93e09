import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::Stack`: a stack made from the `template` text with `parameters`. Heat makes it
/// in another region or cloud (`context`); here it is a child stack of the same engine, and
/// `context` is accepted but not acted on, nor is `timeout` (children run within their
/// parent's timeout). Attributes: `stack_name`, `outputs` (select one with a path).
public struct StackResource: ChildStackResource {
    public static let typeName = "OS::Heat::Stack"

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "context": PropertySchema(
                .map,
                fields: [
                    "region_name": PropertySchema(.string, description: "Region name in which this stack will be created."),
                    "credential_secret_id": PropertySchema(.string, description: "A Barbican secret id with credentials."),
                    "ca_cert": PropertySchema(.string, description: "CA Cert for SSL."),
                    "insecure": PropertySchema(.boolean, defaultValue: false, description: "Skip SSL verification."),
                ],
                description: "Context for this stack."),
            "template": PropertySchema(
                .string, required: true, updateAllowed: true, description: "Template that specifies the stack to be created as a resource."),
            "timeout": PropertySchema(.integer, updateAllowed: true, description: "Number of minutes to wait for this stack creation."),
            "parameters": PropertySchema(
                .map, updateAllowed: true, defaultValue: .map([:]), description: "Set of parameters passed to this stack."),
        ],
        attributes: [
            "stack_name": AttributeSchema(description: "Name of the stack.", type: "STRING"),
            "outputs": AttributeSchema(description: "A dict of key-value pairs output from the stack.", type: "MAP"),
        ])

    public init() {}

    public func applyChild(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let text = NativeProperties.string(resource[property: "template"]) else {
            throw ResourceFailure.failed("Property error: template: Value must be a string")
        }
        let template = NestedTemplate(name: "\(resource.name).yaml", content: text)
        let parameters = resource[property: "parameters"].mapValue ?? [:]
        let result = try await context.nested.apply(owner: resource.name, template: template, parameters: parameters)
        NestedMembers.keep(result, in: &resource)
        resource.data["stack_name"] = .string(result.stackName ?? "")
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        switch name {
        case "outputs": return .map(resource.attributes)
        case "stack_name": return resource.data["stack_name"] ?? .null
        case "show": return .map(["outputs": .map(resource.attributes), "stack_name": resource.data["stack_name"] ?? .null])
        default: return nil
        }
    }
}
