import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `/stacks` (list, create, preview) and `S` itself (show, update, delete).
extension HeatAPI {
    func listStacks(_ call: HeatRequest) async throws -> Response {
        let global = call.flag("global_tenant") && call.token.isAdmin
        let sortKeys: [String: String] = [
            "stack_name": "name", "name": "name", "creation_time": "created_at", "created_at": "created_at",
            "updated_time": "updated_at", "updated_at": "updated_at", "stack_status": "status", "status": "status",
        ]
        let key = call.first("sort_keys").flatMap { sortKeys[$0] } ?? "created_at"
        func list(_ name: String) -> [String]? {
            call.query[name].map { $0.flatMap { $0.split(separator: ",").map(String.init) } }
        }
        let query = StackQuery(
            projectID: global ? nil : call.projectID, names: call.query["name"] ?? call.query["stack_name"],
            statuses: call.query["status"] ?? call.query["stack_status"], tags: list("tags"), tagsAny: list("tags_any"),
            notTags: list("not_tags"), notTagsAny: list("not_tags_any"), showNested: call.flag("show_nested"),
            showDeleted: call.flag("show_deleted"),
            sortKey: key, ascending: call.first("sort_dir")?.lowercased() == "asc", limit: try call.integer("limit"),
            marker: call.first("marker"))
        let views = StackViews(engine: engine, call: call)
        return .json(["stacks": .list(try await engine.stacks(query).map { views.summary($0) })])
    }

    /// 201 once the stack is stored and its create is under way; the create runs on.
    func createStack(_ call: HeatRequest) async throws -> Response {
        let given = StackBody(try await templateBody(call))
        let adopt = try given.adoptData()
        let body = adopt.map(given.adopting) ?? given
        let request = try body.createRequest(projectID: call.projectID)
        if await (try? engine.stack(request.name, projectID: call.projectID)) != nil {
            throw HeatError(status: .conflict, type: "StackExists", message: "The Stack (\(request.name)) already exists.")
        }
        let engine = self.engine
        guard let id = try await BackgroundOperation.start({ observer in
            if let adopt { return try await engine.adopt(request, data: adopt, observer: observer) }
            return try await engine.create(request, observer: observer)
        }) else { throw HeatError.stackNotFound(request.name) }
        let url = "\(call.base)/stacks/\(request.name)/\(id)"
        return .json(["stack": ["id": .string(id), "links": [["href": .string(url), "rel": "self"]]]],
                     status: .created, headers: [.location: url])
    }

    /// `POST /stacks/preview`: the stack as Heat previews it, each resource in Heat's full
    /// shape and a nested stack as a list of its resources in place of its owner (measured
    /// with heat-oracle; see `PreviewViews`).
    func previewCreate(_ call: HeatRequest) async throws -> Response {
        let request = try StackBody(try await templateBody(call)).createRequest(projectID: call.projectID)
        let preview = try engine.previewCreateStack(request)
        return .json(["stack": PreviewViews(call: call).stack(preview, request: request)])
    }

    func stackItself(_ call: HeatRequest, _ stack: StackRecord) async throws -> Response {
        let engine = self.engine, projectID = call.projectID
        switch call.method {
        case .get:
            let views = StackViews(engine: engine, call: call)
            return await .json(["stack": try views.detail(stack, resolveOutputs: call.flag("resolve_outputs", default: true))])
        case .put, .patch:
            let update = try StackBody(try await templateBody(call)).updateRequest(existing: call.method == .patch)
            _ = try await BackgroundOperation.start { observer in
                try await engine.update(stack.id, update, projectID: projectID, observer: observer)
            }
            return .json(.map([:]), status: .accepted)
        case .delete:
            _ = try await BackgroundOperation.start { observer in
                try await engine.delete(stack.id, projectID: projectID, observer: observer)
            }
            return .empty(.noContent)
        default:
            throw HeatError(status: .methodNotAllowed, type: "HTTPMethodNotAllowed", message: "The method is not allowed here.")
        }
    }

    /// `PUT|PATCH S/preview`: what an update would do, by resource.
    func previewUpdate(_ call: HeatRequest, _ stack: StackRecord) async throws -> Response {
        let update = try StackBody(try await templateBody(call)).updateRequest(existing: call.method == .patch)
        let plan = try await engine.previewUpdate(stack.id, update, projectID: call.projectID)
        let all = try await engine.resources(of: stack)
        var groups: [String: [Value]] = ["added": [], "deleted": [], "replaced": [], "unchanged": [], "updated": []]
        for change in plan {
            let view: Value
            if let record = all.first(where: { $0.name == change.name }) {
                view = await resourceView(call, stack: stack, record, all: all, detail: false)
            } else {
                view = ["resource_name": .string(change.name), "resource_type": .string(change.type),
                        "resource_action": "INIT", "resource_status": "COMPLETE"]
            }
            groups[change.change.kind, default: []].append(view)
        }
        return .json(["resource_changes": .map(groups.mapValues(Value.list))])
    }

    /// The template as submitted, as JSON.
    func storedTemplate(_ call: HeatRequest, _ stack: StackRecord) async throws -> Response {
        let record = try await engine.template(of: stack)
        do {
            return .json(try YAMLReader().read(record.content, file: record.name).value)
        } catch {
            throw HeatError.badRequest("The stored template cannot be read: \(error)")
        }
    }

    /// The environments merged as given (later files win per key), in Heat's shape.
    func storedEnvironment(_ call: HeatRequest, _ stack: StackRecord) async throws -> Response {
        var merged: [String: Value] = [
            "parameters": .map([:]), "parameter_defaults": .map([:]), "resource_registry": .map([:]),
            "encrypted_param_names": [], "event_sinks": [],
        ]
        for environment in try await engine.template(of: stack).environments {
            guard let env = try? YAMLReader().read(environment.text, file: environment.name).value.mapValue else { continue }
            for (key, value) in env {
                if case .map(let old)? = merged[key], case .map(let new) = value {
                    merged[key] = .map(old.merging(new) { _, b in b })
                } else {
                    merged[key] = value
                }
            }
        }
        if let sinks = merged["event_sinks"] { merged["event_sinks"] = EventSink.masked(sinks) }
        return .json(.map(merged))
    }
}
