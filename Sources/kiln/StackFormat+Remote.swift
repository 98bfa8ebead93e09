import Foundation
import KilnModel
import KilnStore
import KilnTemplate

extension StackFormat {
    /// `stack show` from a server's stack body: the embedded engine's keys, with the server's
    /// values (times in the same form, parameters and outputs as it resolved them).
    static func show(remote stack: StackRecord, body: [String: Value]) -> Value {
        let outputs = (body["outputs"]?.listValue ?? []).map { output -> Value in
            let map = output.mapValue ?? [:]
            var summary: [String: Value] = [
                "output_key": map["output_key"] ?? "", "output_value": map["output_value"] ?? .null,
                "description": map["description"] ?? "",
            ]
            if let error = map["output_error"], error != .null { summary["output_error"] = error }
            return .map(summary)
        }
        let parameters = (body["parameters"]?.mapValue ?? [:]).mapValues { Value.string($0.stringValue ?? $0.plainText) }
        return .map([
            "id": .string(stack.id),
            "stack_name": .string(stack.name),
            "description": .string(body["description"]?.stringValue ?? ""),
            "creation_time": time(stack.createdAt),
            "updated_time": time(stack.updatedAt),
            "stack_status": .string(stack.statusText),
            "stack_status_reason": .string(stack.statusReason),
            "parameters": .map(parameters),
            "outputs": .list(outputs),
            "tags": stack.tags.isEmpty ? .null : .list(stack.tags.map(Value.string)),
            "timeout_mins": stack.timeoutMinutes.map(Value.int) ?? .null,
            "disable_rollback": .bool(stack.disableRollback),
            "project": .string(stack.projectID),
            "parent": stack.parentID.map(Value.string) ?? .null,
        ])
    }
}
