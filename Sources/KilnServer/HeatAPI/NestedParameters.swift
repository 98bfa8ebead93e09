import Foundation
import KilnModel
import KilnTemplate
import KilnEngine

/// `NestedParameters` of `POST /validate?show_nested=true`, as Heat gives it (measured with
/// heat-oracle): for each resource that is a stack of its own (a provider template, by path
/// or through the registry, or a resource group's member), its `Type` as written,
/// `Description`, `Parameters` (the values its properties give shown as `Value`, where they
/// are known before anything exists), `ParameterGroups` when it has some, and its own
/// `NestedParameters`, recursively. A group shows its member "0" only, as Heat does.
struct NestedParameters {
    let validator: TemplateValidator
    let files: [String: String]
    let limits: ReaderLimits
    /// The environments every nested stack inherits (registry, parameter_defaults).
    let inherited: [(name: String, content: [UInt8])]
    let registry: ResourceRegistry

    /// What a nested stack keeps of the environments: all but their `parameters`.
    static func inherited(_ environments: [(name: String, content: [UInt8])]) -> [(name: String, content: [UInt8])] {
        environments.compactMap { environment in
            guard var sections = (try? YAMLReader().read(environment.content, file: environment.name))?.value.mapValue,
                  sections.keys.contains(where: Environment.sections.contains) else { return nil }
            sections.removeValue(forKey: "parameters")
            return sections.isEmpty ? nil : (environment.name, Array(Value.map(sections).yamlText().utf8))
        }
    }

    /// Heat's `max_nested_stack_depth`.
    static let maxDepth = 5

    /// The entries for `template`'s resources, given its parameters' values; nil when none nests.
    func of(_ template: Template, values: [String: Value], depth: Int = 0) -> Value? {
        guard depth < Self.maxDepth else { return nil }
        let scope = EvaluationScope(context: KnownValues(parameters: values, files: files), version: template.version)
        var out: [String: Value] = [:]
        for resource in template.resources {
            if let entry = entry(resource, scope: scope, depth: depth) { out[resource.name] = entry }
        }
        return out.isEmpty ? nil : .map(out)
    }

    private func entry(_ resource: ResourceDefinition, scope: EvaluationScope, depth: Int) -> Value? {
        let (properties, unknown) = Self.properties(resource.properties, scope: scope)
        if let path = templatePath(of: resource.type, resource: resource.name) {
            return nested(type: resource.type, path: path, properties: properties, unknown: unknown, depth: depth)
        }
        guard resolvedType(resource.type, resource: resource.name) == "OS::Heat::ResourceGroup",
              let definition = properties["resource_def"]?.mapValue, let memberType = definition["type"]?.stringValue else { return nil }
        var member: Value?
        if let path = templatePath(of: memberType, resource: "0") {
            let index = properties["index_var"]?.stringValue ?? "%index%"
            let given = ResourceGroupResource.replacing(index, with: "0", in: definition["properties"] ?? .map([:])).mapValue ?? [:]
            member = nested(type: memberType, path: path, properties: given, unknown: [], depth: depth + 1)
        }
        var group: [String: Value] = ["Type": .string(resource.type), "Description": "No description", "Parameters": .map([:])]
        if let member { group["NestedParameters"] = ["0": member] }
        return .map(group)
    }

    /// A provider template validated with the values its owner's properties give it; a
    /// parameter given a value not known yet (`unknown`) has none inside either.
    private func nested(type: String, path: String, properties: [String: Value], unknown: Set<String>, depth: Int) -> Value? {
        guard let text = files[path] else { return nil }
        let known = properties.filter { !$0.value.isNull }
        let request = ValidationRequest(
            templateName: path, template: Array(text.utf8), environments: inherited,
            parameters: known.mapValues { StackBody.parameterText($0) }, files: files, limits: limits, readFile: { _ in nil })
        let report = validator.validate(request)
        guard let template = report.template, var body = report.heatBody.mapValue else { return nil }
        body["Environment"] = nil
        body["Type"] = .string(type)
        if let inner = of(template, values: report.parameterValues.filter { !unknown.contains($0.key) }, depth: depth + 1) { body["NestedParameters"] = inner }
        return .map(body)
    }

    /// The provider template a type stands for, as a files-map key (nil: a plain type).
    private func templatePath(of type: String, resource: String) -> String? {
        var current = type
        var seen: Set<String> = []
        while seen.insert(current).inserted {
            if ResourceRegistry.isTemplatePath(current) { return files[current] == nil ? nil : current }
            switch registry.resolve(type: current, resourceName: resource) {
            case .type(let next)?: current = next
            case .template(let path)?: return files[path] == nil ? nil : path
            case .removed?, nil: return nil
            }
        }
        return nil
    }

    private func resolvedType(_ type: String, resource: String) -> String {
        if case .type(let next)? = registry.resolve(type: type, resourceName: resource) { return GlobalEnvironment.resolve(next) ?? next }
        return GlobalEnvironment.resolve(type) ?? type
    }

    /// The properties as written, each evaluated on its own: those known, and the names of
    /// those only known once resources exist.
    static func properties(_ expression: KilnTemplate.Expression?, scope: EvaluationScope) -> ([String: Value], Set<String>) {
        guard let expression else { return ([:], []) }
        if case .map(let entries, _) = expression {
            var out: [String: Value] = [:]
            var unknown: Set<String> = []
            for entry in entries {
                if let value = try? scope.value(of: entry.value) { out[entry.key] = value } else { unknown.insert(entry.key) }
            }
            return (out, unknown)
        }
        return ((try? scope.value(of: expression))?.mapValue ?? [:], [])
    }
}

/// Parameters and files only: what a template's values can read before any resource exists.
private struct KnownValues: EvaluationContext {
    let parameters: [String: Value]
    let files: [String: String]

    func parameter(_ name: String) -> Value? { parameters[name] }
    func file(_ key: String) -> String? { files[key] }
}
