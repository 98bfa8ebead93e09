import KilnModel
@testable import KilnTemplate

/// A small catalog for tests: a few types with real Heat schemas.
let testCatalog = SchemaCatalog([
    ResourceTypeSchema(type: "OS::Heat::None", acceptsAnyProperty: true),
    ResourceTypeSchema(
        type: "OS::Heat::RandomString",
        properties: [
            "length": PropertySchema(.integer, defaultValue: 32),
            "sequence": PropertySchema(.string),
            "character_classes": PropertySchema(.list),
            "character_sequences": PropertySchema(.list),
            "salt": PropertySchema(.string, updateAllowed: true),
        ],
        attributes: ["value": AttributeSchema()]),
    ResourceTypeSchema(
        type: "OS::Heat::Value",
        properties: [
            "value": PropertySchema(.any, required: true, updateAllowed: true),
            "type": PropertySchema(.string, updateAllowed: true,
                                   allowedValues: ["string", "number", "comma_delimited_list", "json", "boolean"]),
        ],
        attributes: ["value": AttributeSchema()]),
    ResourceTypeSchema(
        type: "OS::Heat::ResourceGroup",
        properties: [
            "count": PropertySchema(.integer, updateAllowed: true, defaultValue: 1),
            "resource_def": PropertySchema(.map, required: true, updateAllowed: true),
            "index_var": PropertySchema(.string),
            "removal_policies": PropertySchema(.list, updateAllowed: true),
            "removal_policies_mode": PropertySchema(.string, updateAllowed: true),
        ],
        attributes: ["refs": AttributeSchema(), "attributes": AttributeSchema(), "refs_map": AttributeSchema(),
                     "removed_rsrc_list": AttributeSchema()],
        updatePolicyKeys: ["rolling_update", "batch_create"]),
])

/// Validates template text (and environments) against the test catalog.
func validate(
    _ text: String, environments: [(String, String)] = [], parameters: [String: String] = [:],
    files: [String: String] = [:], purpose: ValidationRequest.Purpose = .validate
) -> ValidationReport {
    var request = ValidationRequest(
        templateName: "t.yaml", template: Array(text.utf8),
        environments: environments.map { (name: $0.0, content: Array($0.1.utf8)) },
        parameters: parameters, files: files, readFile: { _ in nil })
    request.purpose = purpose
    return TemplateValidator(catalog: testCatalog).validate(request)
}

extension ValidationReport {
    /// `LINE:COLUMN message` of each error, for compact assertions.
    var errorLines: [String] {
        errors.map { "\($0.location.line):\($0.location.column) \($0.text)" }
    }

    /// `LINE:COLUMN message` of each warning.
    var warningLines: [String] {
        warnings.map { "\($0.location.line):\($0.location.column) \($0.text)" }
    }
}
