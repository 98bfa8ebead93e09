import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::CloudConfig`: cloud-init cloud-config given as a map and stored as
/// `#cloud-config` YAML text, always in the `Heat::Ungrouped` group.
public struct CloudConfigResource: SoftwareConfigPlugin {
    public static let typeName = "OS::Heat::CloudConfig"
    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "cloud_config": PropertySchema(
                .map, description: "Map representing the cloud-config data structure which will be formatted as YAML.")
        ],
        attributes: ["config": SoftwareConfigSchema.configAttribute])

    public init() {}

    func storedConfig(of resource: LiveResource, _ context: ResourceContext) async throws -> (config: Value, group: Value) {
        (.string(Self.text(of: resource[property: "cloud_config"])), "Heat::Ungrouped")
    }

    /// Heat dumps the map (an unset one is YAML `null`) after the `#cloud-config` line.
    static func text(of cloudConfig: Value) -> String {
        "#cloud-config\n" + cloudConfig.yamlText()
    }
}
