import Foundation
import Hummingbird
import KilnEngine

/// `kiln serve`: Keystone v3's token subset under `/v3` and Heat's v1 API under
/// `/v1/{project_id}`, in one process over one engine, with `/metrics` and a request log.
public struct KilnServer: Sendable {
    public let engine: Engine
    public let identity: IdentityService
    public let metrics = ServerMetrics()
    /// The background operations this server started; `kiln serve` waits for them on shutdown.
    public let operations = OperationTracker()
    public var log: RequestLog

    public init(engine: Engine, identity: IdentityService, log: RequestLog = RequestLog()) {
        self.engine = engine
        self.identity = identity
        self.log = log
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        IdentityRoutes(identity: identity).register(on: router)
        HeatAPI(engine: engine, identity: identity).register(on: router)
        MetricsRoute(engine: engine, metrics: metrics, operations: operations).register(on: router)
        return router
    }

    /// The application, listening on `host:port` (port 0: any free port).
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        let responder = ObservedResponder(inner: router().buildResponder(), metrics: metrics, operations: operations, log: log)
        return Application(responder: responder, configuration: .init(address: .hostname(host, port: port), serverName: "kiln"))
    }
}
