import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// Child stacks of one stack's resources (provider templates, groups, OS::Heat::Stack),
/// run by the same engine as their parent. A child is a stack of its own, stored with
/// `parentID`/`parentResource` (hidden from stack lists), named `<parent>-<resource>-<id>`
/// as Heat names them, and created, updated and deleted by the engine's own operations.
/// It inherits the parent's `resource_registry` and `parameter_defaults` and its files.
struct NestedStackRunner: NestedStacks {
    /// Heat's `max_nested_stack_depth`.
    static let maxDepth = 5

    let engine: Engine
    let parent: StackRecord
    let environments: [NamedText]
    let files: [String: String]
    /// The parent operation's stop: the child's operation stops with it.
    var stop: OperationStop? = nil

    func apply(owner resource: String, template: NestedTemplate, parameters: [String: Value]) async throws -> NestedStackResult {
        let depth = try await depth(of: parent) + 1
        guard depth <= Self.maxDepth else {
            throw ResourceFailure.failed("Recursion depth exceeds \(Self.maxDepth).")
        }
        var allFiles = files
        allFiles.merge(template.files) { _, own in own }
        let texts = Self.parameterTexts(parameters, template: template)
        let final: StackRecord
        do {
            final = try await OperationStop.$enclosing.withValue(stop) {
                if let child = try await child(of: resource) {
                    var request = UpdateRequest(
                        templateName: template.name, template: template.content, environments: inheritedEnvironments(owner: resource),
                        parameters: texts, files: allFiles, timeoutMinutes: parent.timeoutMinutes, disableRollback: true)
                    request.document = template.document
                    return try await engine.update(child.id, request, projectID: child.projectID)
                } else {
                    var request = StackRequest(
                        name: "\(parent.name)-\(resource)-\(NativeProperties.shortID())", templateName: template.name,
                        template: template.content, environments: inheritedEnvironments(owner: resource), parameters: texts,
                        files: allFiles, timeoutMinutes: parent.timeoutMinutes, disableRollback: true,
                        projectID: parent.projectID)
                    request.document = template.document
                    return try await engine.create(
                        request, parentID: parent.id, parentResource: resource, readFromDisk: false, observer: nil)
                }
            }
        } catch let error as EngineError {
            throw ResourceFailure.failed(error.description)
        }
        guard final.status == .complete else { throw ResourceFailure.failed(final.statusReason) }
        guard let result = try await result(of: final) else { throw ResourceFailure.failed("nested stack \(final.id) is gone") }
        return result
    }

    func delete(owner resource: String) async throws {
        guard let child = try await child(of: resource) else { return }
        // A replacement of the owner (e.g. of a failed group) carries on with the same child
        // stack; deleting the replaced resource must not take it away.
        if let owner = try await engine.store.resource(stackID: parent.id, name: resource), owner.action != .delete,
           owner.status == .complete, owner.physicalID == child.id {
            return
        }
        let final: StackRecord
        do {
            final = try await engine.delete(child.id, projectID: child.projectID)
        } catch EngineError.notFound {
            return
        } catch let error as EngineError {
            throw ResourceFailure.failed(error.description)
        }
        if final.status == .failed { throw ResourceFailure.failed(final.statusReason) }
    }

    func result(owner resource: String) async throws -> NestedStackResult? {
        guard let child = try await child(of: resource) else { return nil }
        return try await result(of: child)
    }

    /// Members (resources of the child) that are FAILED, themselves or inside their own child stack.
    func failedMembers(owner resource: String) async throws -> Set<String> {
        guard let child = try await child(of: resource) else { return [] }
        var failed: Set<String> = []
        let grandchildren = try await engine.store.childStacks(of: child.id)
        for record in try await engine.store.resources(stackID: child.id) {
            if record.status == .failed {
                failed.insert(record.name)
            } else if let inner = grandchildren.first(where: { $0.parentResource == record.name }),
                      try await engine.store.resources(stackID: inner.id).contains(where: { $0.status == .failed }) {
                failed.insert(record.name)
            }
        }
        return failed
    }

    func membersByAge(owner resource: String) async throws -> [String] {
        guard let child = try await child(of: resource) else { return [] }
        return try await engine.store.resources(stackID: child.id)
            .filter { $0.action != .delete && !$0.name.contains("~") }
            .sorted { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }
            .map(\.name)
    }

    // MARK: Finding children

    /// The live child stack a resource of the parent owns.
    /// The resource's child stack; one already deleted (DELETE_COMPLETE, kept as Heat keeps
    /// it) is not: deleting it again would repeat its events, and updating it would revive it.
    func child(of resource: String) async throws -> StackRecord? {
        try await engine.store.childStacks(of: parent.id).last {
            $0.parentResource == resource && !($0.action == .delete && $0.status == .complete)
        }
    }

    /// How deep a stack is nested (a top-level stack is 0).
    private func depth(of stack: StackRecord) async throws -> Int {
        var depth = 0
        var current = stack
        while let parentID = current.parentID, let next = try await engine.store.stack(id: parentID), depth <= Self.maxDepth {
            depth += 1
            current = next
        }
        return depth
    }

    /// Outputs, and each resource's reference id and attributes, of a child as it is now.
    private func result(of child: StackRecord) async throws -> NestedStackResult? {
        guard let opened = try? await engine.open(child) else { return nil }
        let resolved = opened.resolved
        var references: [String: Value] = [:]
        var attributes: [String: [String: Value]] = [:]
        for (name, resource) in resolved {
            let plugin = resource.plugin, live = resource.live
            references[name] = plugin.referenceID(live)
            var values: [String: Value] = [:]
            let names = Set(type(of: plugin).schema.attributes.keys).union(live.attributes.keys)
            for attribute in names { values[attribute] = plugin.attribute(attribute, of: live) ?? .null }
            attributes[name] = values
        }
        var outputs: [String: Value] = [:]
        var errors: [String: String] = [:]
        for output in Engine.outputs(of: opened.loaded, resources: resolved) {
            outputs[output.key] = output.value
            if let error = output.error { errors[output.key] = error }
        }
        var result = NestedStackResult(stackID: child.id, outputs: outputs, references: references, attributes: attributes,
                                       stackName: child.name)
        result.outputErrors = errors
        return result
    }

    // MARK: What a child inherits

    /// The parent's environment files without their `parameters` (those are the parent's
    /// own): children keep `resource_registry`, `parameter_defaults` and the rest, as Heat's.
    /// A registry's `resources:` entries reach the child only as the owner's nested entries
    /// (hooks on `nest/x` are the child's hooks on `x`), as Heat's child environments.
    func inheritedEnvironments(owner: String? = nil) -> [NamedText] { Self.inherited(environments, owner: owner) }

    /// What a child keeps of its parent's environment files: all but `parameters`, and of the
    /// registry's `resources:` only the owner's nested entries.
    static func inherited(_ environments: [NamedText], owner: String? = nil) -> [NamedText] {
        environments.compactMap { environment in
            guard var sections = (try? YAMLReader().read(environment.text, file: environment.name))?.value.mapValue,
                  sections.keys.contains(where: Environment.sections.contains) else { return nil }
            sections.removeValue(forKey: "parameters")
            if let owner, var registry = sections["resource_registry"]?.mapValue, let resources = registry["resources"]?.mapValue {
                let child = ResourceRegistry.childResources(resources, owner: owner)
                registry["resources"] = child.isEmpty ? nil : .map(child)
                sections["resource_registry"] = registry.isEmpty ? nil : .map(registry)
            }
            return sections.isEmpty ? nil : NamedText(name: environment.name, text: Value.map(sections).yamlText())
        }
    }

    /// Parameter values as the text a stack stores, written so the child's parameter type
    /// reads them back: lists comma-joined for `comma_delimited_list`, JSON for structures.
    static func parameterTexts(_ parameters: [String: Value], template: NestedTemplate) -> [String: String] {
        let declared = (try? YAMLReader().read(template.content, file: template.name))?.value.mapValue?["parameters"]?.mapValue
        var texts: [String: String] = [:]
        for (name, value) in parameters {
            let type = declared?[name]?.mapValue?["type"]?.stringValue
            switch value {
            case .null: continue
            case .string(let text): texts[name] = text
            case .int, .double, .bool: texts[name] = value.plainText
            case .list(let items) where type == "comma_delimited_list" && items.allSatisfy({ !$0.plainText.contains(",") }):
                texts[name] = items.map(\.plainText).joined(separator: ",")
            case .list, .map: texts[name] = value.jsonText()
            }
        }
        return texts
    }
}
