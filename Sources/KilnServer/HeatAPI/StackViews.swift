import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// Stacks as Heat's API shows them.
struct StackViews {
    let engine: Engine
    let call: HeatRequest

    func links(_ stack: StackRecord) -> Value { [["href": .string(call.stackURL(stack)), "rel": "self"]] }

    /// The list entry (`GET /stacks`).
    func summary(_ stack: StackRecord, description: String = "") -> Value {
        var out: [String: Value] = [
            "id": .string(stack.id), "stack_name": .string(stack.name), "description": .string(description),
            "creation_time": .string(Timestamps.heat(stack.createdAt)),
            "updated_time": Timestamps.heat(stack.updatedAt).map(Value.string) ?? .null,
            "deletion_time": .null,
            "stack_status": .string(stack.statusText), "stack_status_reason": .string(stack.statusReason),
            "stack_owner": .string(call.token.userName), "parent": stack.parentID.map(Value.string) ?? .null,
            "stack_user_project_id": .string(stack.projectID),
            "tags": stack.tags.isEmpty ? .null : .list(stack.tags.map(Value.string)),
            "links": links(stack),
        ]
        if call.flag("global_tenant") { out["project"] = .string(stack.projectID) }
        return .map(out)
    }

    /// The full stack (`GET S`): parameters with defaults, outputs unless `resolve_outputs=False`.
    func detail(_ stack: StackRecord, resolveOutputs: Bool) async throws -> Value {
        let template = try? await engine.template(of: stack)
        let shape = template.map(TemplateShape.init) ?? TemplateShape()
        var out = summary(stack, description: shape.description).mapValue ?? [:]
        out["template_description"] = .string(shape.description)
        out["parameters"] = .map(shape.parameterValues(of: stack))
        out["capabilities"] = []
        out["notification_topics"] = []
        out["disable_rollback"] = .bool(stack.disableRollback)
        out["timeout_mins"] = stack.timeoutMinutes.map(Value.int) ?? .null
        if resolveOutputs {
            out["outputs"] = .list(try await engine.outputs(of: stack).map { output(view: $0, withValue: true) })
        }
        return .map(out)
    }

    func output(view output: StackOutput, withValue: Bool) -> Value {
        var out: [String: Value] = ["output_key": .string(output.key), "description": .string(output.description)]
        if withValue { out["output_value"] = output.value }
        if let error = output.error { out["output_error"] = .string(error) }
        return .map(out)
    }
}

/// What the show view needs from a stored template: its description and parameter values
/// (user values over environment values over defaults; hidden ones masked).
struct TemplateShape {
    var description = ""
    var defaults: [String: Value] = [:]
    var hidden: Set<String> = []
    var declared: Set<String> = []
    var environmentValues: [String: Value] = [:]

    init() {}

    init(_ record: TemplateRecord) {
        guard let root = try? YAMLReader().read(record.content, file: record.name) else { return }
        description = root["description"]?.string ?? root["Description"]?.string ?? ""
        for entry in (root["parameters"] ?? root["Parameters"])?.mapping ?? [] {
            declared.insert(entry.key)
            if let value = (entry.value["default"] ?? entry.value["Default"])?.value { defaults[entry.key] = value }
            let hiddenFlag = (entry.value["hidden"] ?? entry.value["NoEcho"])?.value
            if hiddenFlag == .bool(true) || hiddenFlag?.stringValue?.lowercased() == "true" { hidden.insert(entry.key) }
        }
        for environment in record.environments {
            guard let env = try? YAMLReader().read(environment.text, file: environment.name) else { continue }
            for key in ["parameter_defaults", "parameters"] {
                for entry in env[key]?.mapping ?? [] { environmentValues[entry.key] = entry.value.value }
            }
        }
    }

    func parameterValues(of stack: StackRecord) -> [String: Value] {
        var values: [String: Value] = [:]
        for (name, value) in defaults { values[name] = .string(StackBody.parameterText(value)) }
        for (name, value) in environmentValues where declared.contains(name) {
            values[name] = .string(StackBody.parameterText(value))
        }
        for (name, value) in stack.parameters { values[name] = .string(value) }
        for name in hidden where values[name] != nil { values[name] = "******" }
        values["OS::stack_id"] = .string(stack.id)
        values["OS::stack_name"] = .string(stack.name)
        values["OS::project_id"] = .string(stack.projectID)
        return values
    }
}
