import KilnModel
/// The body of Heat's `POST /validate` answer (and of `kiln template validate`):
/// Description, Parameters in CFN-style keys, ParameterGroups, Environment.
enum HeatValidateBody {
    static let mask: Value = "******"

    static func make(template: Template, environment: Environment, userValues: [String: Value]) -> Value {
        var parameters: [String: Value] = [:]
        for parameter in template.parameters {
            parameters[parameter.name] = describe(
                parameter, userValue: userValues[parameter.name], environmentDefault: environment.parameterDefaults[parameter.name])
        }
        var body: [String: Value] = [
            "Description": .string(template.description ?? "No description"),
            "Parameters": .map(parameters),
        ]
        if !template.parameterGroups.isEmpty {
            body["ParameterGroups"] = .list(template.parameterGroups.map { group in
                var entry: [String: Value] = ["parameters": .list(group.parameters.map(Value.string))]
                if let label = group.label { entry["label"] = .string(label) }
                if let description = group.description { entry["description"] = .string(description) }
                return .map(entry)
            })
        }
        let hidden = Set(template.parameters.filter(\.hidden).map(\.name))
        func masked(_ values: [String: Value]) -> Value {
            .map(Dictionary(uniqueKeysWithValues: values.map { ($0.key, hidden.contains($0.key) ? mask : $0.value) }))
        }
        body["Environment"] = .map([
            "parameters": masked(environment.parameters),
            "parameter_defaults": masked(environment.parameterDefaults),
            "resource_registry": registryShown(environment.registry, template: template),
            "event_sinks": EventSink.masked(.list(environment.eventSinks)),
        ])
        return .map(body)
    }

    /// The registry as Heat echoes it: as given, plus an entry naming itself for each
    /// provider template the template uses directly as a type (measured with heat-oracle).
    static func registryShown(_ registry: ResourceRegistry, template: Template) -> Value {
        var shown = registry.asValue.mapValue ?? [:]
        for resource in template.resources where ResourceRegistry.isTemplatePath(resource.type) && shown[resource.type] == nil {
            shown[resource.type] = .string(resource.type)
        }
        return .map(shown)
    }

    /// A parameter in Heat's CFN-style keys; a `parameter_defaults` value stands as its
    /// `Default`, a user's value is its `Value` (measured with heat-oracle).
    static func describe(_ parameter: ParameterDefinition, userValue: Value?, environmentDefault: Value? = nil) -> Value {
        var out: [String: Value] = [
            "Type": .string(parameter.type.validateName),
            "Description": .string(parameter.description ?? ""),
            "NoEcho": .string(parameter.hidden ? "true" : "false"),
            "Label": .string(parameter.label ?? parameter.name),
        ]
        if let value = environmentDefault ?? parameter.defaultValue { out["Default"] = parameter.hidden ? mask : value }
        if let value = userValue { out["Value"] = parameter.hidden ? mask : value }
        if !parameter.tags.isEmpty { out["Tags"] = .list(parameter.tags.map(Value.string)) }
        var descriptions: [String] = []
        for constraint in parameter.constraints {
            switch constraint {
            case .length(let min, let max, let d):
                if let min { out["MinLength"] = .int(min) }
                if let max { out["MaxLength"] = .int(max) }
                descriptions.append(d ?? "")
            case .range(let min, let max, let d):
                if let min { out["MinValue"] = number(min) }
                if let max { out["MaxValue"] = number(max) }
                descriptions.append(d ?? "")
            case .modulo(let step, let offset, let d):
                out["Step"] = .int(step)
                out["Offset"] = .int(offset)
                descriptions.append(d ?? "")
            case .allowedValues(let values, let d):
                out["AllowedValues"] = .list(values)
                descriptions.append(d ?? "")
            case .allowedPattern(let pattern, let d):
                out["AllowedPattern"] = .string(pattern)
                descriptions.append(d ?? "")
            case .customConstraint(let name, let d):
                out["CustomConstraint"] = .string(name)
                descriptions.append(d ?? "")
            }
        }
        let joined = descriptions.filter { !$0.isEmpty }
        if !joined.isEmpty { out["ConstraintDescription"] = .string(joined.joined(separator: " ")) }
        return .map(out)
    }

    private static func number(_ d: Double) -> Value {
        if d == d.rounded(), abs(d) < 1e15 { return .int(Int(d)) }
        return .double(d)
    }
}
