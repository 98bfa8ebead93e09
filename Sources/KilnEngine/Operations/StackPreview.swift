import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// One entry of a create preview: a resource, or a nested stack's entries in its place
/// (Heat's preview lists a provider template's or a group's resources as a list inside the
/// list, where the owning resource would be; measured with heat-oracle).
public indirect enum PreviewEntry: Sendable {
    case resource(PreviewResource)
    case nested([PreviewEntry])
}

/// A resource as a create preview shows it: nothing made, its values worked out as far as
/// they can be before anything exists.
public struct PreviewResource: Sendable {
    public var name: String
    public var type: String
    /// The stack it would be in (`parent-resource` for a nested one, as Heat names it in a preview).
    public var stackName: String
    /// The resource of the parent stack that owns this one's stack (nil at the top).
    public var parentResource: String?
    /// Every property of the type's schema, defaults filled in, null where a value is only
    /// known once other resources exist.
    public var properties: [String: Value]
    public var metadata: Value
    /// The type's attributes (but `show`), as far as the properties tell them.
    public var attributes: [String: Value]
    /// The resources that depend on this one.
    public var requiredBy: [String]
    public var description: String
}

/// The whole of a create preview: the stack as shown, its outputs and its resources.
public struct StackPreview: Sendable {
    public var view: StackView
    public var outputs: [StackOutput]
    public var entries: [PreviewEntry]
}

extension Engine {
    /// What creating the request would make, resource by resource and into nested stacks,
    /// with the values a preview can know (Heat's: `get_resource` is the resource's name,
    /// `get_attr` null). Nothing is stored.
    public func previewCreateStack(_ request: StackRequest) throws -> StackPreview {
        let (_, view) = try previewCreateView(request)
        let loaded = try LoadedTemplate.load(
            TemplateRecord(name: request.templateName, content: request.template, environments: request.environments, files: request.files),
            parameters: request.parameters, stackID: "None", stackName: request.name, projectID: request.projectID,
            plugins: plugins, limits: limits, readFromDisk: true)
        let scope = PreviewContext.scope(loaded)
        let outputs = Self.outputs(of: loaded, scope: scope)
        let entries = previewEntries(loaded, stackName: request.name, parentResource: nil, projectID: request.projectID, depth: 0)
        return StackPreview(view: view, outputs: outputs, entries: entries)
    }

    private func previewEntries(
        _ loaded: LoadedTemplate, stackName: String, parentResource: String?, projectID: String, depth: Int
    ) -> [PreviewEntry] {
        let scope = PreviewContext.scope(loaded)
        let types = TypeResolver(plugins: plugins, loaded: loaded)
        let enabled = loaded.enabledResources
        var requiredBy: [String: [String]] = [:]
        for definition in enabled {
            for required in loaded.graph.edges[definition.name] ?? [] { requiredBy[required, default: []].append(definition.name) }
        }
        return enabled.map { definition in
            let plugin = types.plugin(type: definition.type, resource: definition.name)
            let schema = plugin.map { type(of: $0).schema }
            let given = Self.previewProperties(definition, scope: scope)
            if let plugin, depth < NestedStackRunner.maxDepth,
               let child = previewChild(plugin, definition: definition, given: given, parent: loaded, stackName: stackName, projectID: projectID) {
                return .nested(previewEntries(child, stackName: "\(stackName)-\(definition.name)", parentResource: definition.name,
                                              projectID: projectID, depth: depth + 1))
            }
            var properties: [String: Value] = [:]
            for (name, property) in schema?.properties ?? [:] {
                properties[name] = given[name].flatMap { $0.isNull ? nil : $0 } ?? property.defaultValue ?? .null
            }
            var attributes: [String: Value] = [:]
            if let plugin, let schema {
                var live = LiveResource(name: definition.name, type: definition.type, stackID: "None", stackName: stackName,
                                        properties: properties)
                // A value's attribute is its property, known before it is made (Heat shows it so).
                if plugin is ValueResource { live.attributes["value"] = try? ValueResource.typedValue(of: live) }
                for name in schema.attributes.keys where name != "show" {
                    attributes[name] = plugin.attribute(name, of: live) ?? .null
                }
            }
            let metadata = definition.metadata.flatMap { try? scope.value(of: $0) } ?? .map([:])
            return .resource(PreviewResource(
                name: definition.name, type: definition.type, stackName: stackName, parentResource: parentResource,
                properties: properties, metadata: metadata, attributes: attributes,
                requiredBy: requiredBy[definition.name] ?? [], description: definition.description ?? ""))
        }
    }

    /// The properties as written, each evaluated on its own (one that cannot be worked out
    /// yet is null, the others keep their values).
    static func previewProperties(_ definition: ResourceDefinition, scope: EvaluationScope) -> [String: Value] {
        guard let expression = definition.properties else { return [:] }
        if case .map(let entries, _) = expression {
            var out: [String: Value] = [:]
            for entry in entries { out[entry.key] = (try? scope.value(of: entry.value)) ?? .null }
            return out
        }
        return (try? scope.value(of: expression))?.mapValue ?? [:]
    }

    /// The stack a provider template or a resource group would make, loaded as it would be
    /// (nil: not a nested stack, or one that cannot be worked out before the parent exists).
    private func previewChild(
        _ plugin: any ResourcePlugin, definition: ResourceDefinition, given: [String: Value], parent: LoadedTemplate,
        stackName: String, projectID: String
    ) -> LoadedTemplate? {
        let template: NestedTemplate
        var parameters: [String: Value] = [:]
        if let provider = plugin as? TemplateResource, let nested = provider.template {
            template = nested
            parameters = given
            // A value not known yet reads as an empty string where text is expected (Heat's
            // preview shows "" there; measured with heat-oracle); others stay without one.
            let declared = (try? YAMLReader().read(nested.content, file: nested.name))?.value.mapValue?["parameters"]?.mapValue ?? [:]
            for (name, value) in given where value.isNull && declared[name]?.mapValue?["type"]?.stringValue == "string" {
                parameters[name] = ""
            }
        } else if plugin is ResourceGroupResource {
            var properties = given
            for (name, property) in ResourceGroupResource.schema.properties where (properties[name] ?? .null).isNull {
                properties[name] = property.defaultValue
            }
            let live = LiveResource(name: definition.name, type: definition.type, stackID: "None", stackName: stackName,
                                    properties: properties)
            guard let count = try? ResourceGroupResource.count(of: live) else { return nil }
            let members = ResourceGroupResource.names(count: count, skipping: [])
                .map { ($0, ResourceGroupResource.definition(for: $0, live)) }
            template = NestedMembers.template(named: "\(definition.name).yaml", members: members)
        } else {
            return nil
        }
        var files = parent.files
        files.merge(template.files) { _, own in own }
        return try? LoadedTemplate.load(
            TemplateRecord(name: template.name, content: template.content,
                           environments: NestedStackRunner.inherited(parent.environments), files: files),
            parameters: NestedStackRunner.parameterTexts(parameters, template: template), stackID: "None",
            stackName: "\(stackName)-\(definition.name)", projectID: projectID, plugins: plugins, limits: limits,
            readFromDisk: false, document: template.document, allowingMissingParameters: true)
    }
}

/// Evaluation before anything exists, as Heat's preview evaluates: a resource's reference is
/// its name, its attributes are null; parameters, conditions, files and mappings as loaded.
struct PreviewContext: EvaluationContext {
    let inner: LiveContext

    static func scope(_ loaded: LoadedTemplate) -> EvaluationScope {
        let live = LiveContext(parameters: loaded.parameters, conditions: loaded.conditions, files: loaded.files,
                               mappings: loaded.template.mappings, resources: [:], facade: loaded.facade)
        return EvaluationScope(context: PreviewContext(inner: live), version: loaded.template.version)
    }

    func parameter(_ name: String) -> Value? { inner.parameter(name) }
    func file(_ key: String) -> String? { inner.file(key) }
    func mapping(_ name: String) -> Value? { inner.mapping(name) }
    func condition(_ name: String) throws -> Bool { try inner.condition(name) }
    func resourceFacade(_ section: String) throws -> Value { try inner.resourceFacade(section) }
    func availabilityZones() -> [String] { inner.availabilityZones() }
    func resourceReference(_ name: String) throws -> Value { .string(name) }
    func resourceAttribute(_ name: String, _ attribute: String) throws -> Value { .null }
    func resourceAttributes(_ name: String) throws -> Value { .map([:]) }
}
