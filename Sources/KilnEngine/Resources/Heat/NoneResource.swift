import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::None`: takes any properties, does nothing; stands in for any type (Heat's
/// way of stubbing resources out through the registry).
public struct NoneResource: ResourcePlugin {
    public static let typeName = "OS::Heat::None"
    public static let schema = ResourceTypeSchema(type: typeName, acceptsAnyProperty: true)

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        resource.physicalID = UUID().uuidString.lowercased()
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {}

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {}
}
