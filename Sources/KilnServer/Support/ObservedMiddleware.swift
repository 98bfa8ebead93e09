import Foundation
import Hummingbird
import KilnEngine

/// The first middleware of every route: gives each answer an `x-openstack-request-id`
/// (`req-<uuid>`, as Heat's), counts and times it by route, logs one line for it, answers
/// unknown paths with Heat's 404 body, and lets background operations started while
/// answering find the server's operation tracker.
struct ObservedMiddleware: RouterMiddleware {
    typealias Context = KilnRequestContext
    let metrics: ServerMetrics
    let operations: OperationTracker
    let log: RequestLog

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let id = "req-" + UUID().uuidString.lowercased()
        var response: Response
        do {
            // The request id reaches the engine's log lines of operations this request starts.
            response = try await Engine.$requestID.withValue(id) {
                try await OperationTracker.$current.withValue(operations) {
                    try await next(request, context)
                }
            }
        } catch let error as any HTTPResponseError {
            // Hummingbird's own errors (no such route, body too large) are answered here, so they get an id too.
            response = try error.response(from: request, context: context)
        }
        // No such route (any path, any method): Heat's 404 body rather than the router's empty one.
        if response.status == .notFound, response.headers[.contentType] == nil {
            response = HeatError.notFound("The resource could not be found.", type: "HTTPNotFound").response
        }
        response.headers[.openStackRequestID] = id
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.route
        let method = request.method.rawValue
        metrics.record(route: route, method: method, status: response.status.code, seconds: seconds)
        log.request(id: id, method: method, route: route, status: response.status.code, seconds: seconds,
                    project: route.hasPrefix("/v1/:project") ? Self.project(request.uri.path) : nil)
        return response
    }

    /// The `{project}` of `/v1/{project}/...`.
    static func project(_ path: String) -> String? {
        let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "v1" else { return nil }
        return String(parts[1]).removingPercentEncoding
    }
}

extension HTTPFields.Element.Name {
    static let openStackRequestID = HTTPFields.Element.Name("x-openstack-request-id")!
}
