import Hummingbird
import KilnEngine

/// `GET /metrics`: Prometheus's text format 0.0.4, without authentication (scrapers have no token).
struct MetricsRoute {
    let engine: Engine
    let metrics: ServerMetrics
    let operations: OperationTracker

    func register(on router: Router<KilnRequestContext>) {
        router.get("/metrics") { _, _ in
            let text = await metrics.text(engine: engine, operations: operations)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
