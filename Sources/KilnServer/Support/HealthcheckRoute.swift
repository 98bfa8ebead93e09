import Hummingbird
import KilnEngine

/// `GET /healthcheck` (and HEAD), as oslo.middleware's healthcheck answers it in front of Heat:
/// `200 OK` while this engine can read its database, `503` with the cause when it cannot, so
/// a load balancer in front of several engines sends requests only to those that can serve
/// them. No authentication: health checkers have no token, and nothing private is shown.
struct HealthcheckRoute {
    let engine: Engine

    func register(on router: Router<KilnRequestContext>) {
        router.get("/healthcheck") { _, _ in await check(head: false) }
        router.head("/healthcheck") { _, _ in await check(head: true) }
    }

    private func check(head: Bool) async -> Response {
        let status: HTTPResponse.Status
        let text: String
        do {
            // The cheapest read there is: one indexed lookup that finds nothing.
            _ = try await engine.store.stack(id: "healthcheck")
            (status, text) = (.ok, "OK")
        } catch {
            (status, text) = (.serviceUnavailable, "database unavailable: \(error)")
        }
        return Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
