import Hummingbird
import KilnEngine
import KilnStore

/// `GET /metrics`: Prometheus's text format 0.0.4, without authentication (scrapers have no token).
struct MetricsRoute {
    let engine: Engine
    let metrics: ServerMetrics
    let operations: OperationTracker
    var membership: EngineMembership? = nil

    func register(on router: Router<KilnRequestContext>) {
        router.get("/metrics") { _, _ in
            let text = await metrics.text(engine: engine, operations: operations, membership: membership)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
