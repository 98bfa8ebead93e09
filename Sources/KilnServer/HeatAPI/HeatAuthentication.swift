import Hummingbird

/// The Heat API's gate, on every route below `/v1/{project_id}`: a valid token (else 401),
/// for that project (else 403), whose roles the route's policy allows (else 403). Routes
/// asked with a method they do not answer get their 405 whatever the roles, as Heat's do.
struct HeatAuthentication: RouterMiddleware {
    typealias Context = KilnRequestContext
    let tokens: any TokenValidator

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let tokenID = request.headers[.authToken], let token = await tokens.validate(tokenID) else {
            return HeatError.unauthorized.response
        }
        // A token is good for its own project only (an admin may also look at others' lists).
        guard token.projectID == context.parameters.get("project") else {
            return HeatError(status: .forbidden, type: "Forbidden", message: "You are not authorized to use this project.").response
        }
        let route = context.route
        let refusedMethod = HeatRoutes.allowedMethods[route].map { !$0.contains(request.method) } ?? false
        if !refusedMethod {
            let globalTenant = HeatRequest.flag(request.uri.queryParameters.get("global_tenant"))
            if let denied = HeatPolicy.denial(method: request.method, route: route, globalTenant: globalTenant, roles: token.roles) {
                return denied.response
            }
        }
        var context = context
        context.token = token
        return try await next(request, context)
    }
}
