import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// One authenticated call to the Heat API: the path below `/v1/{project_id}`, the query and
/// the caller's token.
struct HeatRequest: Sendable {
    let request: Request
    let token: IssuedToken
    let projectID: String
    /// Path segments after `/v1/{project_id}`, percent-decoded.
    let path: [String]
    /// Query parameters; a repeated key keeps every value.
    let query: [String: [String]]

    var method: HTTPRequest.Method { request.method }
    /// `http://host:port/v1/{project_id}`: links and redirects are absolute.
    var base: String { "\(request.baseURL)/v1/\(projectID)" }

    func stackURL(_ stack: StackRecord) -> String { "\(base)/stacks/\(stack.name)/\(stack.id)" }

    func first(_ key: String) -> String? { query[key]?.first }

    /// A query flag as Heat reads them: true/yes/1/on.
    func flag(_ key: String, default value: Bool = false) -> Bool {
        guard let text = first(key)?.lowercased() else { return value }
        return ["true", "yes", "1", "on", "t", "y"].contains(text)
    }

    func integer(_ key: String) throws -> Int? {
        guard let text = first(key) else { return nil }
        guard let number = Int(text), number >= 0 else {
            throw HeatError.badRequest("Invalid value '\(text)' for \(key): expected a non-negative integer")
        }
        return number
    }

    func body() async throws -> Value {
        let value = try await request.jsonBody()
        guard value.mapValue != nil else { throw HeatError.badRequest("The request body must be a JSON object.") }
        return value
    }

    /// Heat's 405 for a known route asked with a method it does not answer (HEAD goes with GET),
    /// or nil: the route answers the method, or it is not one with a fixed set of methods.
    var methodNotAllowed: HeatError? {
        guard let allowed = Self.allowedMethods[RouteTemplate.of(path: request.uri.path)] else { return nil }
        if allowed.contains(method) || (method == .head && allowed.contains(.get)) { return nil }
        return .methodNotAllowed(allowed: allowed)
    }

    /// The methods of each route of the v1 API, by route template.
    static let allowedMethods: [String: [HTTPRequest.Method]] = {
        let stack = "/v1/:project/stacks/:name/:id"
        let resource = stack + "/resources/:resource"
        return [
            "/v1/:project/stacks": [.get, .post], "/v1/:project/stacks/detail": [.get],
            "/v1/:project/stacks/preview": [.post], "/v1/:project/validate": [.post],
            "/v1/:project/resource_types": [.get], "/v1/:project/resource_types/:type": [.get],
            "/v1/:project/resource_types/:type/template": [.get], "/v1/:project/template_versions": [.get],
            "/v1/:project/template_versions/:version/functions": [.get], "/v1/:project/build_info": [.get],
            stack: [.get, .put, .patch, .delete], stack + "/preview": [.put, .patch], stack + "/abandon": [.delete],
            stack + "/export": [.get], stack + "/template": [.get], stack + "/environment": [.get], stack + "/files": [.get],
            stack + "/actions": [.post], stack + "/events": [.get], stack + "/outputs": [.get],
            stack + "/outputs/:output": [.get], stack + "/snapshots": [.get, .post],
            stack + "/snapshots/:snapshot": [.get, .delete], stack + "/snapshots/:snapshot/restore": [.post],
            stack + "/resources": [.get], resource: [.get, .patch], resource + "/metadata": [.get],
            resource + "/signal": [.post], resource + "/events": [.get], resource + "/events/:event": [.get],
            "/v1/:project/software_configs": [.get, .post], "/v1/:project/software_configs/:config": [.get, .delete],
            "/v1/:project/software_deployments": [.get, .post],
            "/v1/:project/software_deployments/:deployment": [.get, .put, .delete],
            "/v1/:project/software_deployments/metadata/:server": [.get], "/v1/:project/services": [.get],
        ]
    }()

    /// The original query string, for redirects: clients drop their own params when they follow one.
    var rawQuery: String? { request.uri.query.flatMap { $0.isEmpty ? nil : $0 } }
}
