import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::SoftwareConfig`: a stored, immutable configuration script or manifest, for
/// servers' user_data, software deployments and multipart MIME parts.
public struct SoftwareConfigResource: SoftwareConfigPlugin {
    public static let typeName = "OS::Heat::SoftwareConfig"
    public static let schema = SoftwareConfigSchema.schema(
        type: typeName,
        config: PropertySchema(
            .string, description: "Configuration script or manifest which specifies what actual configuration is performed."))

    public init() {}

    func storedConfig(of resource: LiveResource, _ context: ResourceContext) async throws -> (config: Value, group: Value) {
        (resource[property: "config"], resource[property: "group"].isNull ? "Heat::Ungrouped" : resource[property: "group"])
    }
}
