import Hummingbird

/// Names the scheme `https` on every request of a server behind TLS. Hummingbird's HTTP/1 codec
/// always says `http`, even inside TLS, and the links, catalog and signal URLs the server
/// returns are built from the request (`Request.baseURL`): without this they would send
/// clients back to plain HTTP.
struct HTTPSSchemeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var head = request.head
        head.scheme = "https"
        return try await next(Request(head: head, body: request.body), context)
    }
}
