import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::StructuredConfig`: a software config whose `config` is a map, for tools that
/// take YAML or JSON; the map is stored and returned as data, not text.
public struct StructuredConfigResource: SoftwareConfigPlugin {
    public static let typeName = "OS::Heat::StructuredConfig"
    public static let schema = SoftwareConfigSchema.schema(
        type: typeName,
        config: PropertySchema(
            .map, description: "Map representing the configuration data structure which will be serialized to JSON format."))

    public init() {}

    func storedConfig(of resource: LiveResource, _ context: ResourceContext) async throws -> (config: Value, group: Value) {
        (resource[property: "config"], resource[property: "group"].isNull ? "Heat::Ungrouped" : resource[property: "group"])
    }
}
