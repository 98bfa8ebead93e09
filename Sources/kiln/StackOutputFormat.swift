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
    static func time(_ date: Date?) -> Value { date.map { .string(Timestamp.iso($0)) } ?? .null }

    /// A value in one table cell: text as is, anything else as JSON.
    static func cell(_ value: Value?) -> String {
        guard let value, value != .null else { return "" }
        return value.stringValue ?? value.jsonText()
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

    /// `stack show`: Heat's stack body.
    static func show(_ stack: StackRecord, engine: Engine) async -> Value {
        let template = try? await engine.template(of: stack)
        let report = template.map { parameterReport(stack, template: $0, engine: engine) }
        let outputs = (try? await engine.outputs(of: stack)) ?? []
        let body: [String: Value] = [
            "id": .string(stack.id),
            "stack_name": .string(stack.name),
            "description": .string(report?.template?.description ?? ""),
            "creation_time": time(stack.createdAt),
            "updated_time": time(stack.updatedAt),
            "stack_status": .string(stack.statusText),
            "stack_status_reason": .string(stack.statusReason),
            "parameters": .map(report.map { displayedParameters(stack, $0) } ?? [:]),
            "outputs": .list(outputs.map(outputSummary(_:))),
            "tags": stack.tags.isEmpty ? .null : .list(stack.tags.map(Value.string)),
            "timeout_mins": stack.timeoutMinutes.map(Value.int) ?? .null,
            "disable_rollback": .bool(stack.disableRollback),
            "project": .string(stack.projectID),
            "parent": stack.parentID.map(Value.string) ?? .null,
        ]
        return .map(body)
    }

    /// The stored template validated again with the stack's parameters: the values in
    /// force, defaults included, and which are hidden.
    private static func parameterReport(_ stack: StackRecord, template: TemplateRecord, engine: Engine) -> ValidationReport {
        TemplateValidator(catalog: engine.plugins).validate(ValidationRequest(
            templateName: template.name, template: Array(template.content.utf8),
            environments: template.environments.map { (name: $0.name, content: Array($0.text.utf8)) },
            parameters: stack.parameters, files: template.files, readFile: { _ in nil }))
    }

    /// Heat shows every parameter as text, hidden ones as `******`, plus the pseudo parameters.
    private static func displayedParameters(_ stack: StackRecord, _ report: ValidationReport) -> [String: Value] {
        var shown: [String: Value] = [
            "OS::stack_id": .string(stack.id), "OS::stack_name": .string(stack.name),
            "OS::project_id": .string(stack.projectID),
        ]
        for parameter in report.template?.parameters ?? [] {
            let value = report.parameterValues[parameter.name] ?? stack.parameters[parameter.name].map(Value.string) ?? .null
            shown[parameter.name] = .string(parameter.hidden ? "******" : value.plainText)
        }
        return shown
    }

    static func outputSummary(_ output: KilnEngine.StackOutput) -> Value {
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
