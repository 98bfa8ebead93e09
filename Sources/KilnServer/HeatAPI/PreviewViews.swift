import Foundation
import KilnEngine
import KilnModel
import KilnStore

/// A create preview in Heat's shape (measured with heat-oracle): the stack with id `None`,
/// its outputs as far as they can be computed, and every resource with its identity, the
/// stack's identity, properties, attributes, metadata and dependents, INIT COMPLETE.
struct PreviewViews {
    let call: HeatRequest

    func stack(_ preview: StackPreview, request: StackRequest) -> Value {
        let views = StackViews.outputView
        let description = preview.view.description.isEmpty ? "No description" : preview.view.description
        return [
            "id": "None", "stack_name": .string(request.name),
            "links": [["href": .string("\(call.base)/stacks/\(request.name)/None"), "rel": "self"]],
            "description": .string(description), "template_description": .string(description),
            "parameters": .map(preview.view.parameters.mapValues(Value.string)),
            "disable_rollback": .bool(request.disableRollback), "timeout_mins": request.timeoutMinutes.map(Value.int) ?? .null,
            "creation_time": .string(HeatTime.iso(Date())), "updated_time": .null, "deletion_time": .null,
            "stack_owner": .string(call.token.userName), "parent": .null, "stack_user_project_id": .null,
            "tags": .list(request.tags.map(Value.string)), "capabilities": [], "notification_topics": [],
            "outputs": .list(preview.outputs.map { views($0, true) }),
            "resources": .list(preview.entries.map(entry)),
        ]
    }

    func entry(_ entry: PreviewEntry) -> Value {
        switch entry {
        case .nested(let entries): return .list(entries.map(self.entry))
        case .resource(let resource): return self.resource(resource)
        }
    }

    func resource(_ resource: PreviewResource) -> Value {
        func identity(path: String) -> Value {
            ["tenant": .string(call.projectID), "stack_name": .string(resource.stackName), "stack_id": "None", "path": .string(path)]
        }
        var out: [String: Value] = [
            "resource_name": .string(resource.name), "resource_type": .string(resource.type),
            "physical_resource_id": "", "resource_action": "INIT", "resource_status": "COMPLETE", "resource_status_reason": "",
            "creation_time": .null, "updated_time": .null,
            "resource_identity": identity(path: "/resources/\(resource.name)"), "stack_identity": identity(path: ""),
            "stack_name": .string(resource.stackName), "required_by": .list(resource.requiredBy.map(Value.string)),
            "description": .string(resource.description), "metadata": resource.metadata,
            "attributes": .map(resource.attributes), "properties": .map(resource.properties),
        ]
        if let parent = resource.parentResource { out["parent_resource"] = .string(parent) }
        return .map(out)
    }
}
