import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// Heat's v1 REST API over the engine: every route below `/v1/{project_id}`, token-checked,
/// each project seeing only its own stacks.
struct HeatAPI: Sendable {
    let engine: Engine
    let tokens: any TokenValidator
    /// The engines sharing the database, for the service list (nil: this one alone).
    var membership: EngineMembership? = nil

    /// Registers every route of the API on the router, below `/v1/{project_id}` behind
    /// `HeatAuthentication`: each route for the methods it answers, Heat's 405 for the others;
    /// name lookups (`/stacks/{name}[/...]`, answered 302); and Heat's 404 for any other path.
    func register(on router: Router<KilnRequestContext>) {
        _ = EngineService.startedAt  // the service list's created_at: when the API started
        let v1 = router.group("v1/:project").add(middleware: HeatAuthentication(tokens: tokens))
        for (template, allowed) in HeatRoutes.allowedMethods.sorted(by: { $0.key < $1.key }) {
            let path = RouterPath(String(template.dropFirst("/v1/:project".count)))
            for method in HeatRoutes.methods {
                if allowed.contains(method) {
                    v1.on(path, method: method) { request, context in await respond(request, context) }
                } else {
                    v1.on(path, method: method) { _, _ in HeatError.methodNotAllowed(allowed: allowed).response }
                }
            }
        }
        // `/stacks/{name or id}[/sub...]`: found by name or id, answered 302 to the canonical path.
        var lookups: [RouterPath] = ["stacks/:name"]
        for sub in Self.lookupSubpaths.sorted() {
            lookups += [RouterPath("stacks/:name/\(sub)"), RouterPath("stacks/:name/\(sub)/**")]
        }
        for path in lookups {
            for method in HeatRoutes.methods {
                v1.on(path, method: method) { request, context in await respond(request, context) }
            }
        }
        for method in HeatRoutes.methods {
            v1.on("**", method: method) { _, _ in
                HeatError.notFound("The resource could not be found.", type: "HTTPNotFound").response
            }
        }
    }

    /// One authenticated call, answered by the route file its path belongs to.
    func respond(_ request: Request, _ context: KilnRequestContext) async -> Response {
        guard let token = context.token else { return HeatError.unauthorized.response }
        let segments = request.uri.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        var query: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key), default: []].append(String(value)) }
        let call = HeatRequest(
            request: request, token: token, projectID: segments[1], path: Array(segments.dropFirst(2)), query: query)
        do {
            return try await route(call)
        } catch {
            return HeatError(error).response
        }
    }

    private func route(_ call: HeatRequest) async throws -> Response {
        let path = call.path
        switch (call.method, path.first) {
        case (_, "stacks"?): return try await stacks(call, Array(path.dropFirst()))
        case (.post, "validate"?) where path.count == 1: return try await validate(call)
        case (.get, "resource_types"?): return try resourceTypes(call, Array(path.dropFirst()))
        case (.get, "template_versions"?): return try templateVersions(call, Array(path.dropFirst()))
        case (_, "software_configs"?): return try await softwareConfigs(call, Array(path.dropFirst()))
        case (_, "software_deployments"?): return try await softwareDeployments(call, Array(path.dropFirst()))
        case (.get, "services"?) where path.count == 1: return await services(call)
        case (_, "notifications"?): return try await notifications(call, Array(path.dropFirst()))
        case (.get, "build_info"?) where path.count == 1:
            return .json(["api": ["revision": "kiln-0.1.0"], "engine": ["revision": "kiln-0.1.0"]])
        default: throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }

    /// Sub-paths that follow a stack name in a lookup (`/stacks/{name}/{sub}` → 302).
    static let lookupSubpaths: Set<String> = [
        "resources", "events", "template", "actions", "environment", "files", "outputs", "snapshots", "abandon",
        "export", "preview",
    ]

    private func stacks(_ call: HeatRequest, _ rest: [String]) async throws -> Response {
        switch (call.method, rest.count) {
        case (.get, 0), (.get, 1) where rest.first == "detail": return try await listStacks(call)
        case (.post, 0): return try await createStack(call)
        case (.post, 1) where rest[0] == "preview": return try await previewCreate(call)
        case (_, 1): return try await lookup(call, rest[0], rest: [])
        case (_, _) where rest.count >= 2 && Self.lookupSubpaths.contains(rest[1]): return try await lookup(call, rest[0], rest: Array(rest.dropFirst()))
        default:
            let stack = try await canonicalStack(call, name: rest[0], id: rest[1])
            return try await stackCall(call, stack: stack, rest: rest.dropFirst(2))
        }
    }

    /// `/stacks/{name or id}[/sub]` → 302 to the canonical `/stacks/{name}/{id}[/sub]`, the
    /// query string kept (clients drop theirs when they follow a redirect).
    private func lookup(_ call: HeatRequest, _ nameOrID: String, rest: [String]) async throws -> Response {
        let stack = try await findStack(call, nameOrID)
        var location = ([call.stackURL(stack)] + rest).joined(separator: "/")
        if let query = call.rawQuery { location += "?" + query }
        return .json(["location": .string(location)], status: .found, headers: [.location: location])
    }

    func findStack(_ call: HeatRequest, _ nameOrID: String) async throws -> StackRecord {
        do {
            return try await engine.stack(nameOrID, projectID: call.projectID)
        } catch EngineError.notFound {
            throw HeatError.stackNotFound(nameOrID)
        }
    }

    private func canonicalStack(_ call: HeatRequest, name: String, id: String) async throws -> StackRecord {
        let stack = try await findStack(call, id)
        guard stack.id == id, stack.name == name || name == id else { throw HeatError.stackNotFound(name) }
        return stack
    }

    private func stackCall(_ call: HeatRequest, stack: StackRecord, rest: ArraySlice<String>) async throws -> Response {
        switch (call.method, rest.first) {
        case (_, nil): return try await stackItself(call, stack)
        case (_, "resources"?): return try await resources(call, stack: stack, rest: rest.dropFirst())
        case (.get, "events"?) where rest.count == 1: return try await events(call, stack: stack)
        case (.get, "events"?) where rest.count == 2 && rest.last == "stream": return try await eventStream(call, stack: stack)
        case (.get, "outputs"?): return try await outputs(call, stack: stack, rest: rest.dropFirst())
        case (.get, "template"?) where rest.count == 1: return try await storedTemplate(call, stack)
        case (.get, "environment"?) where rest.count == 1: return try await storedEnvironment(call, stack)
        case (.get, "files"?) where rest.count == 1: return await .json(.map(try engine.template(of: stack).files.mapValues(Value.string)))
        case (.put, "preview"?), (.patch, "preview"?): return try await previewUpdate(call, stack)
        case (.post, "actions"?) where rest.count == 1: return try await action(call, stack)
        case (_, "snapshots"?): return try await snapshots(call, stack, rest: rest.dropFirst())
        case (.get, "export"?) where rest.count == 1:
            return await .json(try engine.export(stack.id, projectID: call.projectID))
        case (.delete, "abandon"?) where rest.count == 1:
            return .json(try await engine.abandon(stack.id, projectID: call.projectID))
        default: throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }
}
