import KilnModel
import KilnTemplate

/// A resource whose whole state is one child stack (provider templates, ResourceChain,
/// OS::Heat::Stack): create and update both bring the child to what the properties say,
/// and delete deletes it.
public protocol ChildStackResource: ResourcePlugin {
    /// Creates or updates the child stack from the resource's properties.
    func applyChild(_ resource: inout LiveResource, _ context: ResourceContext) async throws
}

extension ChildStackResource {
    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await applyChild(&resource, context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        try await applyChild(&resource, context)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        try await context.nested.delete(owner: resource.name)
    }
}
