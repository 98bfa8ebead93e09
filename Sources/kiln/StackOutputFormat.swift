import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// Prints data in the chosen format: JSON and YAML bodies for scripts, tables for people.
func emit(_ body: Value, _ format: ReportFormat, table: () -> String) {
    switch format {
    case .json: print(body.prettyJSON())
    case .yaml: print(body.yamlText(), terminator: "")
    case .table: print(table(), terminator: "")
    }
}

/// After an operation, the stack as `stack show` prints it (as openstack does).
func showFinished(_ stack: StackRecord, service: any StackService, format: ReportFormat) async {
    let body = await service.show(stack)
    emit(body, format) { StackFormat.fieldTable(body) }
}

/// The bodies Kiln prints for stacks, with Heat's (and openstack's) field names.
enum StackFormat {
    static func time(_ date: Date?) -> Value { date.map { .string(HeatTime.iso($0)) } ?? .null }

    /// A value in one table cell: text as is, anything else as JSON with maps in their own
    /// order (openstack prints Heat's dicts unsorted: a yaql or template map in Heat's order).
    static func cell(_ value: Value?) -> String {
        guard let value, value != .null else { return "" }
        return value.stringValue ?? value.jsonText(sortKeys: false)
    }

    /// openstack's Field/Value table of one object.
    static func fieldTable(_ body: Value) -> String {
        let map = body.mapValue ?? [:]
        return TemplateOutput.table(["Field", "Value"], map.keys.sorted().map { [$0, cell(map[$0])] })
    }

    /// A table whose columns are the keys of each row object, in the given order.
    static func rowsTable(_ columns: [String], _ rows: [Value]) -> String {
        TemplateOutput.table(columns, rows.map { row in columns.map { cell(row.mapValue?[$0]) } })
    }

    // MARK: Stacks

    /// `stack show`: Heat's stack body, from the one view the engine and servers share.
    static func show(_ view: StackView) -> Value {
        let stack = view.stack
        let body: [String: Value] = [
            "id": .string(stack.id),
            "stack_name": .string(stack.name),
            "description": .string(view.description),
            "creation_time": time(stack.createdAt),
            "updated_time": time(stack.updatedAt),
            "stack_status": .string(stack.statusText),
            "stack_status_reason": .string(stack.statusReason),
            "parameters": .map(view.parameters.mapValues(Value.string)),
            "outputs": .list((view.outputs ?? []).map(outputSummary(_:))),
            "tags": stack.tags.isEmpty ? .null : .list(stack.tags.map(Value.string)),
            "timeout_mins": stack.timeoutMinutes.map(Value.int) ?? .null,
            "disable_rollback": .bool(stack.disableRollback),
            "project": .string(stack.projectID),
            "parent": stack.parentID.map(Value.string) ?? .null,
        ]
        return .map(body)
    }

    static func outputSummary(_ output: StackOutput) -> Value {
        var body: [String: Value] = [
            "output_key": .string(output.key), "output_value": output.value, "description": .string(output.description),
        ]
        if let error = output.error { body["output_error"] = .string(error) }
        return .map(body)
    }

    static let listColumns = ["ID", "Stack Name", "Stack Status", "Creation Time", "Updated Time"]

    static func listRow(_ stack: StackRecord) -> Value {
        ["ID": .string(stack.id), "Stack Name": .string(stack.name), "Stack Status": .string(stack.statusText),
         "Creation Time": time(stack.createdAt), "Updated Time": time(stack.updatedAt)]
    }

    // MARK: Resources and events

    static let resourceColumns = ["resource_name", "physical_resource_id", "resource_type", "resource_status", "updated_time"]

    static func resource(_ record: ResourceRecord, all: [ResourceRecord] = []) -> Value {
        let requiredBy = all.filter { $0.requires.contains(record.name) }.map(\.name).sorted()
        return [
            "resource_name": .string(record.name), "logical_resource_id": .string(record.name),
            "physical_resource_id": .string(record.physicalID ?? ""), "resource_type": .string(record.type),
            "resource_status": .string(record.statusText), "resource_status_reason": .string(record.statusReason),
            "creation_time": time(record.createdAt), "updated_time": time(record.updatedAt ?? record.createdAt),
            "attributes": record.attributes, "metadata": record.metadata,
            "required_by": .list(requiredBy.map(Value.string)),
        ]
    }

    static func event(_ event: EventRecord) -> Value {
        ["id": .string(event.id), "resource_name": .string(event.resourceName),
         "logical_resource_id": .string(event.resourceName), "physical_resource_id": .string(event.physicalResourceID),
         "resource_type": .string(event.resourceType), "resource_status": .string(event.statusText),
         "resource_status_reason": .string(event.reason), "event_time": time(event.timestamp)]
    }

    // MARK: Snapshots

    static let snapshotColumns = ["id", "name", "status", "status_reason", "creation_time"]

    static func snapshot(_ snapshot: SnapshotRecord) -> Value {
        ["id": .string(snapshot.id), "name": .string(snapshot.name), "stack_id": .string(snapshot.stackID),
         "status": .string(snapshot.status.rawValue), "status_reason": .string(snapshot.statusReason),
         "creation_time": time(snapshot.createdAt)]
    }
}
