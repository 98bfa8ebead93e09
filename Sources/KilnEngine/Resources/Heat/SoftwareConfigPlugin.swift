import Foundation
import KilnModel
import KilnTemplate

/// What the software config types share. Heat stores a config through its immutable
/// software_configs API, so every property change replaces the resource. Here the stored
/// config (id, name, group, config, options, inputs, outputs) is kept in `data["software_config"]`;
/// its id is the physical id and the reference id, and its `config` is the `config` attribute.
protocol SoftwareConfigPlugin: ResourcePlugin {
    /// The config text (or map) and group to store, worked out from the properties.
    func storedConfig(of resource: LiveResource, _ context: ResourceContext) async throws -> (config: Value, group: Value)
}

extension SoftwareConfigPlugin {
    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let (config, group) = try await storedConfig(of: resource, context)
        let id = NativeProperties.uuid()
        let document: [String: Value] = [
            "id": .string(id), "name": .string(NativeProperties.physicalName(for: resource)),
            "group": group, "config": config,
            "options": resource[property: "options"].isNull ? .map([:]) : resource[property: "options"],
            "inputs": resource[property: "inputs"].isNull ? .list([]) : resource[property: "inputs"],
            "outputs": resource[property: "outputs"].isNull ? .list([]) : resource[property: "outputs"],
        ]
        try await context.keepSoftwareConfig(document)
        resource.data["software_config"] = .map(document)
        resource.attributes["config"] = config
        resource.physicalID = id
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        if resource.properties != previous { throw ResourceFailure.replacementNeeded("software configs are immutable") }
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        if let id = resource.physicalID { try await context.forgetSoftwareConfig(id: id) }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        switch name {
        case "config": return resource.attributes["config"] ?? .null
        case "show": return resource.data["software_config"] ?? .null
        default: return nil
        }
    }
}

/// Property schemas shared by the software config types.
enum SoftwareConfigSchema {
    static let ioTypes: [Value] = ["String", "Number", "CommaDelimitedList", "Json", "Boolean"]

    static let group = PropertySchema(
        .string, defaultValue: "Heat::Ungrouped",
        description: "Namespace to group this software config by when delivered to a server. "
            + "This may imply what configuration tool is going to perform the configuration.")

    static let options = PropertySchema(
        .map, description: "Map containing options specific to the configuration management tool used by this resource.")

    static let inputs = PropertySchema(
        .list,
        items: PropertySchema(
            .map,
            fields: [
                "name": PropertySchema(.string, required: true, description: "Name of the input."),
                "description": PropertySchema(.string, description: "Description of the input."),
                "type": PropertySchema(
                    .string, defaultValue: "String", allowedValues: ioTypes, description: "Type of the value of the input."),
                "default": PropertySchema(.any, description: "Default value for the input if none is specified."),
                "replace_on_change": PropertySchema(
                    .boolean, defaultValue: false,
                    description: "Replace the deployment instead of updating it when the input value changes."),
            ]),
        description: "Schema representing the inputs that this software config is expecting.")

    static let outputs = PropertySchema(
        .list,
        items: PropertySchema(
            .map,
            fields: [
                "name": PropertySchema(.string, required: true, description: "Name of the output."),
                "description": PropertySchema(.string, description: "Description of the output."),
                "type": PropertySchema(
                    .string, defaultValue: "String", allowedValues: ioTypes, description: "Type of the value of the output."),
                "error_output": PropertySchema(
                    .boolean, defaultValue: false,
                    description: "Denotes that the deployment is in an error state if this output has a value."),
            ]),
        description: "Schema representing the outputs that this software config will produce.")

    static let configAttribute = AttributeSchema(description: "The config value of the software config.", type: "String")

    /// The full schema of a config type whose `config` property is `config`.
    static func schema(type: String, config: PropertySchema) -> ResourceTypeSchema {
        ResourceTypeSchema(
            type: type,
            properties: ["group": group, "config": config, "options": options, "inputs": inputs, "outputs": outputs],
            attributes: ["config": configAttribute])
    }
}
