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
            "creation_time": .string(HeatTime.iso(stack.createdAt)),
            "updated_time": HeatTime.iso(stack.updatedAt).map(Value.string) ?? .null,
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

    /// The full stack (`GET S`): the engine's stack view (the one `kiln stack show` prints),
    /// outputs unless `resolve_outputs=False`.
    func detail(_ stack: StackRecord, resolveOutputs: Bool) async throws -> Value {
        let view = await engine.view(of: stack, resolveOutputs: resolveOutputs)
        // A template without one says so in the stack (the list says ""; measured with heat-oracle).
        let description = view.description.isEmpty ? "No description" : view.description
        var out = summary(stack, description: description).mapValue ?? [:]
        out["template_description"] = .string(description)
        out["parameters"] = .map(view.parameters.mapValues(Value.string))
        out["capabilities"] = []
        out["notification_topics"] = []
        out["disable_rollback"] = .bool(stack.disableRollback)
        out["timeout_mins"] = stack.timeoutMinutes.map(Value.int) ?? .null
        // The list says null for no tags, the stack itself [] (measured with heat-oracle).
        out["tags"] = .list(stack.tags.map(Value.string))
        if let outputs = view.outputs {
            out["outputs"] = .list(outputs.map { output(view: $0, withValue: true) })
        }
        return .map(out)
    }

    /// An output as Heat shows it: key and description in a list, with `output_value` (null
    /// when it cannot be computed) and then `output_error` once resolved; an output that fails
    /// fails nothing else (measured with heat-oracle).
    func output(view output: StackOutput, withValue: Bool) -> Value { Self.outputView(output, withValue) }

    static func outputView(_ output: StackOutput, _ withValue: Bool) -> Value {
        // In Heat's order (its API answers `output_key`, `description`, `output_value`).
        var out = ValueMap(orderedPairs: [("output_key", .string(output.key)), ("description", .string(output.description))])
        guard withValue else { return .map(out) }
        out["output_value"] = output.value
        if let error = output.error { out["output_error"] = .string(error) }
        return .map(out)
    }
}
