import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `S/resources[/{name}[/metadata|signal|events]]`.
extension HeatAPI {
    func resources(_ call: HeatRequest, stack: StackRecord, rest: ArraySlice<String>) async throws -> Response {
        let parts = Array(rest)
        if parts.isEmpty, call.method == .get {
            return await .json(["resources": .list(try resourceList(call, stack: stack))])
        }
        let name = parts.first ?? ""
        switch (call.method, parts.count, parts.count > 1 ? parts[1] : nil) {
        case (.get, 1, nil):
            let (record, all) = try await resource(stack, name)
            return await .json(["resource": resourceView(call, stack: stack, record, all: all, detail: true)])
        case (.get, 2, "metadata"?):
            let (record, _) = try await resource(stack, name)
            return .json(["metadata": record.metadata])
        case (.post, 2, "signal"?):
            _ = try await resource(stack, name)
            let body = try await call.request.jsonBody()
            do {
                let engine = self.engine, projectID = call.projectID
                try await SignalDelivery.run { try await engine.signal(stack.id, resource: name, data: body, projectID: projectID) }
                // A cleared hook of an operation whose server stopped while it was paused: it
                // resumes in the background (the running operation, if any, goes on by itself).
                if case .map(let fields) = body, fields["unset_hook"] != nil {
                    Task { await engine.resumeAfterHookCleared() }
                }
            } catch EngineError.unsupported {
                // Heat's answer for a type without a signal handler.
                throw HeatError.badRequest("signal is not supported for resource.", type: "ResourceActionNotSupported")
            }
            return .empty(.ok)
        case (.get, 2, "events"?):
            return try await events(call, stack: stack, resource: name)
        case (.get, 3, "events"?):
            return try await event(call, stack: stack, resource: name, id: parts[2])
        case (.patch, 1, nil):
            return try await markUnhealthy(call, stack: stack, resource: name)
        default:
            throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }

    /// `PATCH S/resources/{name or physical id}` with `{"mark_unhealthy": bool, "resource_status_reason": text}`:
    /// checked as Heat checks it, answered 200 with a null body as Heat does.
    private func markUnhealthy(_ call: HeatRequest, stack: StackRecord, resource name: String) async throws -> Response {
        let body = try await call.body().mapValue ?? [:]
        let invalid = Set(body.keys).subtracting(["mark_unhealthy", "resource_status_reason"]).sorted()
        if !invalid.isEmpty {
            let keys = invalid.map { "'\($0)'" }.joined(separator: ", ")
            throw HeatError.badRequest("Invalid keys in resource mark unhealthy {\(keys)}")
        }
        guard let flag = body["mark_unhealthy"] else {
            throw HeatError.badRequest("Missing mandatory (mark_unhealthy) key from mark unhealthy request")
        }
        let unhealthy: Bool
        switch flag {
        case .bool(let value): unhealthy = value
        case .string(let text) where ["true", "false"].contains(text.lowercased()): unhealthy = text.lowercased() == "true"
        default:
            let shown = flag == .null ? "None" : flag.plainText
            throw HeatError.badRequest(
                "Unrecognized value \"\(shown)\" for \"mark_unhealthy\", acceptable values are: true, false.")
        }
        let reason: String?
        switch body["resource_status_reason"] {
        case nil, .null?: reason = nil
        case .string(let text)?: reason = text
        case let other?: reason = other.plainText
        }
        try await engine.markUnhealthy(stack.id, resource: name, unhealthy: unhealthy, reason: reason, projectID: call.projectID)
        return .json(.null)
    }

    func resource(_ stack: StackRecord, _ name: String) async throws -> (ResourceRecord, [ResourceRecord]) {
        let all = try await engine.resources(of: stack)
        guard let record = all.first(where: { $0.name == name }) else {
            // Heat's words and type (measured with heat-oracle); a stack's own name is no resource.
            throw HeatError.notFound("The Resource (\(name)) could not be found in Stack \(stack.name).", type: "ResourceNotFound")
        }
        return (record, all)
    }

    /// The list, filtered as `type=`, `name=`, `status=`, `action=` and `id=` ask; nested stacks'
    /// resources down to `nested_depth`.
    func resourceList(_ call: HeatRequest, stack: StackRecord) async throws -> [Value] {
        let depth = try call.integer("nested_depth") ?? 0
        let detail = call.flag("with_detail")
        var out: [Value] = []
        func add(_ stack: StackRecord, depth: Int, parent: String?) async throws {
            let all = try await engine.resources(of: stack)
            for record in all where matches(record, call) {
                var view = await resourceView(call, stack: stack, record, all: all, detail: detail)
                if let parent, case .map(var map) = view {
                    map["parent_resource"] = .string(parent)
                    view = .map(map)
                }
                out.append(view)
            }
            guard depth > 0 else { return }
            for child in try await engine.nestedStacks(of: stack) {
                try await add(child, depth: depth - 1, parent: child.parentResource)
            }
        }
        try await add(stack, depth: depth, parent: nil)
        return out
    }

    private func matches(_ record: ResourceRecord, _ call: HeatRequest) -> Bool {
        func allows(_ key: String, _ value: String) -> Bool { call.query[key].map { $0.contains(value) } ?? true }
        let statusOK = call.query["status"].map { $0.contains(record.status.rawValue) || $0.contains(record.statusText) } ?? true
        return allows("type", record.type) && allows("name", record.name) && statusOK
            && allows("action", record.action.rawValue) && allows("id", record.physicalID ?? "")
    }

    func resourceView(_ call: HeatRequest, stack: StackRecord, _ record: ResourceRecord, all: [ResourceRecord], detail: Bool) async -> Value {
        let stackURL = call.stackURL(stack)
        var links: [Value] = [
            ["href": .string("\(stackURL)/resources/\(record.name)"), "rel": "self"],
            ["href": .string(stackURL), "rel": "stack"],
        ]
        var physicalID = record.physicalID ?? ""
        if let child = try? await engine.nestedStacks(of: stack).first(where: { $0.parentResource == record.name }) {
            links.append(["href": .string(call.stackURL(child)), "rel": "nested"])
            // Heat's stack resources carry their child's id from the moment it exists, while
            // the child is still being made: `stack hook clear nest/x` follows it then.
            if physicalID.isEmpty { physicalID = child.id }
        }
        var out: [String: Value] = [
            "resource_name": .string(record.name), "logical_resource_id": .string(record.name),
            "physical_resource_id": .string(physicalID), "resource_type": .string(record.type),
            "resource_status": .string(record.statusText), "resource_status_reason": .string(record.statusReason),
            "creation_time": .string(HeatTime.iso(record.createdAt)),
            "updated_time": .string(HeatTime.iso(record.updatedAt ?? record.createdAt)),
            "required_by": .list(all.filter { $0.requires.contains(record.name) }.map { .string($0.name) }),
            "links": .list(links), "stack_name": .string(stack.name), "stack_identity": .string(stack.id),
        ]
        if detail {
            out["attributes"] = .map(attributeValues(stack, record))
            out["metadata"] = record.metadata
            out["description"] = ""
            out["properties"] = record.properties
            if let parent = stack.parentResource { out["parent_resource"] = .string(parent) }
        }
        return .map(out)
    }

    /// Every attribute of the type's schema, read now from the resource's state as Heat's show
    /// does (plugins compute most attributes from their data; few are stored). A type the
    /// registry does not know (a template resource) shows what was stored.
    private func attributeValues(_ stack: StackRecord, _ record: ResourceRecord) -> [String: Value] {
        var values = record.attributes.mapValue ?? [:]
        guard let plugin = engine.plugins.plugin(for: record.type), record.physicalID != nil else { return values }
        var live = LiveResource(record, stackName: stack.name)
        live.attributes = values
        for name in type(of: plugin).schema.attributes.keys where name != "show" {
            values[name] = plugin.attribute(name, of: live) ?? values[name] ?? .null
        }
        return values
    }
}
