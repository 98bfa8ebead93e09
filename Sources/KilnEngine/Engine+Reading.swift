import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// What the engine shows of stacks: records, resources and events with hidden values masked,
/// outputs, templates, nested stacks; and loading a stack's template to run it.
extension Engine {

    /// A live stack by name or id.
    public func stack(_ nameOrID: String, projectID: String = "default") async throws -> StackRecord {
        if let found = try await store.stack(named: nameOrID, projectID: projectID) { return found }
        if let found = try await store.stack(id: nameOrID), found.projectID == projectID { return found }
        throw EngineError.notFound("stack '\(nameOrID)' not found")
    }

    public func stacks(_ query: StackQuery = StackQuery()) async throws -> [StackRecord] { try await store.stacks(query) }

    public func resources(of stack: StackRecord) async throws -> [ResourceRecord] {
        let secrets = await self.secrets(of: stack)
        return try await store.resources(stackID: stack.id).map { record in
            guard !secrets.isEmpty else { return record }
            var shown = record
            shown.properties = record.properties.redacting(secrets)
            shown.attributes = record.attributes.redacting(secrets)
            shown.data = record.data.redacting(secrets)
            shown.metadata = record.metadata.redacting(secrets)
            shown.statusReason = Value.redact(record.statusReason, secrets)
            return shown
        }
    }

    public func events(of stack: StackRecord, resource: String? = nil, after: Int64? = nil, limit: Int? = nil) async throws -> [EventRecord] {
        let secrets = await self.secrets(of: stack)
        return try await store.events(stackID: stack.id, resourceName: resource, after: after, limit: limit).map { event in
            var shown = event
            shown.reason = Value.redact(event.reason, secrets)
            return shown
        }
    }

    /// The values of the stack's hidden parameters (see `LoadedTemplate.secrets`).
    func secrets(of stack: StackRecord) async -> [String] {
        (try? await load(stack))?.secrets ?? []
    }

    public func template(of stack: StackRecord) async throws -> TemplateRecord {
        guard let id = stack.templateID, let template = try await store.template(id: id) else {
            throw EngineError.notFound("stack '\(stack.name)' has no template")
        }
        return template
    }

    /// The stack's outputs, resolved against its resources as they are now.
    public func outputs(of stack: StackRecord) async throws -> [StackOutput] {
        let opened = try await open(stack)
        let secrets = opened.loaded.secrets
        return opened.outputs.map { output in
            var shown = output
            shown.value = output.value.redacting(secrets)
            shown.error = output.error.map { Value.redact($0, secrets) }
            return shown
        }
    }

    static func outputs(of loaded: LoadedTemplate, resources: [String: ResolvedResource]) -> [StackOutput] {
        outputs(of: loaded, scope: loaded.scope(resources: resources))
    }

    /// Each output evaluated in `scope`: one that cannot be computed carries its error and
    /// a null value, and fails nothing else.
    static func outputs(of loaded: LoadedTemplate, scope: EvaluationScope) -> [StackOutput] {
        loaded.template.outputs.map { output in
            let description = output.description ?? "No description given"
            if let condition = output.condition, (try? scope.condition(condition)) != true {
                return StackOutput(key: output.name, value: .null, description: description)
            }
            guard let expression = output.value else { return StackOutput(key: output.name, value: .null, description: description) }
            do {
                return StackOutput(key: output.name, value: try scope.value(of: expression), description: description)
            } catch let error as EvaluationError {
                return StackOutput(key: output.name, value: .null, description: description, error: error.message)
            } catch {
                return StackOutput(key: output.name, value: .null, description: description, error: "\(error)")
            }
        }
    }

    /// The stack's template made ready to run, validated once per stored template (see
    /// `LoadedTemplates`); `template` loads another one for it (a rollback's previous template).
    func load(_ stack: StackRecord, template: TemplateRecord? = nil) async throws -> LoadedTemplate {
        let facade = await facade(parentID: stack.parentID, parentResource: stack.parentResource)
        let record: TemplateRecord
        if let template {
            record = template
        } else {
            guard let id = stack.templateID else { throw EngineError.notFound("stack '\(stack.name)' has no template") }
            if let cached = loadedTemplates.get(stack: stack, templateID: id, facade: facade) { return cached }
            record = try await self.template(of: stack)
        }
        let loaded = try LoadedTemplate.load(
            record, parameters: stack.parameters, stackID: stack.id, stackName: stack.name, projectID: stack.projectID,
            plugins: plugins, limits: limits, readFromDisk: false, facade: facade)
        if let id = record.id { loadedTemplates.put(loaded, stack: stack, templateID: id) }
        return loaded
    }

    /// What `resource_facade` gives a nested stack: its owner resource's metadata,
    /// deletion_policy and update_policy, evaluated in the parent stack.
    func facade(parentID: String?, parentResource: String?) async -> [String: Value]? {
        guard let parentID, let name = parentResource, let parent = try? await store.stack(id: parentID),
              let loaded = try? await load(parent), let definition = loaded.template.resource(named: name)
        else { return nil }
        // Only a facade that reads other resources needs them read (a group's child stack
        // holds every member: reading them all for each member would be quadratic).
        let expressions = [definition.metadata, definition.deletionPolicy, definition.updatePolicy].compactMap { $0 }
        let scope: EvaluationScope
        if expressions.allSatisfy(\.isStatic) {
            scope = loaded.scope(resources: [:])
        } else {
            guard let opened = try? await open(parent) else { return nil }
            scope = opened.loaded.scope(resources: opened.resolved)
        }
        func evaluate(_ expression: KilnTemplate.Expression?, otherwise: Value) -> Value {
            expression.flatMap { try? scope.value(of: $0) } ?? otherwise
        }
        return [
            "metadata": evaluate(definition.metadata, otherwise: .map([:])),
            "deletion_policy": evaluate(definition.deletionPolicy, otherwise: "Delete"),
            "update_policy": evaluate(definition.updatePolicy, otherwise: .map([:])),
        ]
    }

    static func reason(for error: Error) -> String {
        switch error {
        case let attempt as AttemptFailure: return reason(for: attempt.underlying)
        case let failure as ResourceFailure: return failure.description
        case let failure as EvaluationError: return failure.message
        default: return "\(error)"
        }
    }

    /// The child stacks of a stack (group members' stacks, provider templates, OS::Heat::Stack).
    public func nestedStacks(of stack: StackRecord) async throws -> [StackRecord] {
        try await store.childStacks(of: stack.id)
    }

    /// A stack's events and, down to `depth` levels, those of its nested stacks, in the
    /// order they happened; nested events name their resource `child-stack/resource`.
    public func events(of stack: StackRecord, nestedDepth depth: Int, resource: String? = nil) async throws -> [EventRecord] {
        var all = try await events(of: stack, resource: resource)
        guard depth > 0 else { return all }
        for child in try await nestedStacks(of: stack) {
            for var event in try await events(of: child, nestedDepth: depth - 1, resource: resource) {
                // The child's own stack events already carry its name.
                if !(event.resourceType == "OS::Heat::Stack" && event.resourceName == child.name) {
                    event.resourceName = "\(child.name)/\(event.resourceName)"
                }
                all.append(event)
            }
        }
        return all.sorted { ($0.timestamp, $0.sequence ?? 0) < ($1.timestamp, $1.sequence ?? 0) }
    }
}
