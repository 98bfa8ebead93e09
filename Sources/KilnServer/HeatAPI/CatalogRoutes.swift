import Hummingbird
import KilnEngine
import KilnModel
import KilnTemplate

/// `/resource_types[/{type}[/template]]` and `/template_versions[/{version}/functions]`.
extension HeatAPI {
    func resourceTypes(_ call: HeatRequest, _ rest: [String]) throws -> Response {
        let catalog = engine.plugins
        switch rest.count {
        case 0:
            var names = catalog.typeNames
            if let pattern = call.first("name") { names = names.filter { $0.contains(pattern) || $0 == pattern } }
            if let status = call.first("support_status") {
                names = names.filter { catalog.schema(for: $0)?.supportStatus.rawValue == status.uppercased() }
            }
            if call.flag("with_description") {
                return .json(["resource_types": .list(names.map {
                    ["resource_type": .string($0), "description": .string(catalog.schema(for: $0)?.description ?? "")]
                })])
            }
            return .json(["resource_types": .list(names.map(Value.string))])
        case 1, 2:
            guard let schema = catalog.schema(for: rest[0]) else {
                throw HeatError.notFound("The Resource Type (\(rest[0])) could not be found.", type: "EntityNotFound")
            }
            if rest.count == 2 {
                guard rest[1] == "template" else { break }
                return .json(typeTemplate(schema, hot: call.first("template_type")?.lowercased() != "cfn"))
            }
            return .json(typeView(schema))
        default: break
        }
        throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
    }

    private func typeView(_ schema: ResourceTypeSchema) -> Value {
        [
            "resource_type": .string(schema.type), "description": .string(schema.description),
            "properties": .map(schema.properties.mapValues(propertyView)),
            "attributes": .map(schema.attributes.mapValues { attribute in
                var out: [String: Value] = ["description": .string(attribute.description)]
                if let type = attribute.type { out["type"] = .string(type) }
                return .map(out)
            }),
            "support_status": ["status": .string(schema.supportStatus.rawValue), "message": .null, "version": .null,
                               "previous_status": .null],
        ]
    }

    private func propertyView(_ property: PropertySchema) -> Value {
        var out: [String: Value] = [
            "type": .string(property.kind.rawValue), "description": .string(property.description),
            "required": .bool(property.required), "update_allowed": .bool(property.updateAllowed),
            "immutable": .bool(property.immutable),
        ]
        if let value = property.defaultValue { out["default"] = value }
        if let allowed = property.allowedValues { out["constraints"] = [["allowed_values": .list(allowed)]] }
        if let fields = property.fields { out["schema"] = .map(fields.mapValues(propertyView)) }
        if let items = property.items { out["schema"] = ["*": propertyView(items.value)] }
        return .map(out)
    }

    /// A template exposing the type: one parameter per property, one output per attribute.
    private func typeTemplate(_ schema: ResourceTypeSchema, hot: Bool) -> Value {
        let name = schema.type.split(separator: ":").last.map(String.init) ?? schema.type
        let parameterTypes: [PropertySchema.Kind: String] = [
            .string: "string", .integer: "number", .number: "number", .boolean: "boolean", .list: "comma_delimited_list",
            .map: "json", .any: "json",
        ]
        var parameters: [String: Value] = [:]
        var properties: [String: Value] = [:]
        for (key, property) in schema.properties {
            var parameter: [String: Value] = ["type": .string(parameterTypes[property.kind] ?? "string"),
                                              "description": .string(property.description)]
            if let value = property.defaultValue { parameter["default"] = value }
            parameters[key] = .map(parameter)
            properties[key] = ["get_param": .string(key)]
        }
        var outputs: [String: Value] = [:]
        for (key, attribute) in schema.attributes {
            outputs[key] = ["description": .string(attribute.description), "value": ["get_attr": [.string(name), .string(key)]]]
        }
        return [
            "heat_template_version": hot ? "2016-10-14" : .null,
            "description": .string("Initial template of \(name)"),
            "parameters": .map(parameters),
            "resources": .map([name: ["type": .string(schema.type), "properties": .map(properties)]]),
            "outputs": .map(outputs),
        ]
    }

    func templateVersions(_ call: HeatRequest, _ rest: [String]) throws -> Response {
        switch rest.count {
        case 0:
            return .json(["template_versions": .list(TemplateVersion.all.map {
                ["version": .string("\($0.key).\($0.date)"), "type": .string($0.format.rawValue),
                 "aliases": .list($0.aliases.map(Value.string))]
            })])
        case 2 where rest[1] == "functions":
            guard let version = TemplateVersion.all.first(where: {
                "\($0.key).\($0.date)" == rest[0] || $0.date == rest[0] || $0.aliases.contains(rest[0])
            }) else {
                throw HeatError.notFound("The template version (\(rest[0])) could not be found.", type: "NotFound")
            }
            let table = FunctionTable.of(version)
            let names = Set(table.functions.keys).subtracting(table.removed).union(call.flag("with_condition_func") ? table.conditionFunctions : []).sorted()
            return .json(["template_functions": .list(names.map {
                ["functions": .string($0), "description": .string(Self.functionDescriptions[$0] ?? "")]
            })])
        default:
            throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }

    /// Heat's own descriptions where clients compare them (the tempest gabbits check get_file's).
    static let functionDescriptions: [String: String] = [
        "get_file": "A function for including a file inline.",
        "get_param": "A function for resolving parameter references.",
        "get_resource": "A function for resolving resource references.",
        "get_attr": "A function for resolving resource attributes.",
        "str_replace": "A function for performing string substitutions.",
        "list_join": "A function for joining strings.",
    ]
}
