import Foundation
import KilnModel
import KilnTemplate

/// A resource whose type is a template file (`type: server.yaml`, or a type the
/// environment's `resource_registry` maps to one): Heat's TemplateResource. It runs the
/// template as a child stack: its properties are the child's parameters, the child's
/// outputs are its attributes, and an `OS::stack_id` output, if any, is its reference id
/// (else the child stack's id).
///
/// It is not registered by name: the engine's type resolution makes one, carrying the
/// template it runs, for each resource whose type resolves to a template (see
/// `TypeResolver`). Deleting needs no template, only the child stack the resource owns.
public struct TemplateResource: ChildStackResource {
    public static let typeName = "Kiln::TemplateResource"
    /// Properties are checked against the template's parameters at validation.
    public static let schema = ResourceTypeSchema(type: typeName, acceptsAnyProperty: true)

    /// The provider template; nil only for an instance made by `init()`.
    public let template: NestedTemplate?

    public init() { template = nil }
    public init(template: NestedTemplate) { self.template = template }

    public func applyChild(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let template else { throw ResourceFailure.failed("the provider template of \(resource.type) is not available") }
        let result = try await context.nested.apply(owner: resource.name, template: template, parameters: resource.properties)
        NestedMembers.keep(result, in: &resource)
    }

    public func referenceID(_ resource: LiveResource) -> Value {
        if let id = resource.attributes["OS::stack_id"], !id.isNull { return id }
        return resource.physicalID.map(Value.string) ?? .string(resource.name)
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        if name == "show" { return .map(resource.attributes) }
        if let output = resource.attributes[name] { return output }
        return NestedMembers.memberAttribute(name, of: resource)
    }

    /// A failed child output ("Error in RES output NAME: ..."), or an attribute the provider
    /// template has no output for once its child exists: Heat's validate accepts any name, and
    /// reading it fails with "The Referenced Attribute (RES NAME) is incorrect." (both measured
    /// with heat-oracle), so only what reads it fails (an output carries it as output_error).
    public func attributeError(_ name: String, of resource: LiveResource) -> String? {
        if let failed = NestedMembers.outputError(name, of: resource) { return failed }
        guard resource.physicalID != nil, name != "show", name != "OS::stack_id", !name.hasPrefix("resource."),
              resource.attributes[name] == nil else { return nil }
        return "The Referenced Attribute (\(resource.name) \(name)) is incorrect."
    }
}
