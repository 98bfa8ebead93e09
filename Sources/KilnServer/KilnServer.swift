import Foundation
import Hummingbird
import HummingbirdTLS
import KilnEngine
import KilnStore

/// `kiln serve`: Keystone v3's token subset under `/v3` and Heat's v1 API under
/// `/v1/{project_id}`, in one process over one engine, with `/metrics` and a request log.
public struct KilnServer: Sendable {
    public let engine: Engine
    /// The built-in Keystone subset; nil when tokens come from an external Keystone.
    public let identity: IdentityService?
    /// Who checks the tokens the Heat API receives.
    public let tokens: any TokenValidator
    public let metrics = ServerMetrics()
    /// The background operations this server started; `kiln serve` waits for them on shutdown.
    public let operations: OperationTracker
    public var log: RequestLog
    /// This engine among those sharing the database (`kiln serve` sets it): the service list
    /// shows them all, and `/metrics` names this one. Nil: a lone engine.
    public var membership: EngineMembership?

    /// Serves its own identity (`/v3`) and accepts the tokens it issues.
    public init(engine: Engine, identity: IdentityService, log: RequestLog = RequestLog()) {
        self.engine = engine
        self.identity = identity
        self.tokens = identity
        self.log = log
        self.operations = OperationTracker(metrics: metrics)
    }

    /// Serves the Heat API only; tokens are checked by `tokens` (an external Keystone).
    public init(engine: Engine, tokens: any TokenValidator, log: RequestLog = RequestLog()) {
        self.engine = engine
        self.identity = nil
        self.tokens = tokens
        self.log = log
        self.operations = OperationTracker(metrics: metrics)
    }

    /// `secure`: the server is behind TLS, so the URLs it returns say https.
    public func router(secure: Bool = false) -> Router<KilnRequestContext> {
        let router = Router(context: KilnRequestContext.self)
        if secure { router.add(middleware: HTTPSSchemeMiddleware()) }
        // First, so it wraps every route (Hummingbird applies middleware as routes are added).
        router.add(middleware: ObservedMiddleware(metrics: metrics, operations: operations, log: log))
        if let identity { IdentityRoutes(identity: identity, servesCloud: engine.cloud != nil).register(on: router) }
        // Pre-signed alarm URLs: no token, the signature is the credential.
        SignedSignalRoutes(engine: engine).register(on: router)
        HeatAPI(engine: engine, tokens: tokens, membership: membership).register(on: router)
        // The cloud's own APIs, so the stock clients see it as a real cloud.
        if let cloud = engine.cloud { CloudAPI(cloud: cloud, tokens: tokens).register(on: router) }
        MetricsRoute(engine: engine, metrics: metrics, operations: operations, membership: membership).register(on: router)
        HealthcheckRoute(engine: engine).register(on: router)
        return router
    }

    /// The application, listening on `host:port` (port 0: any free port, told to `onListening`).
    public func application(
        host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        return Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "kiln"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) })
    }

    /// The same over HTTPS (`kiln serve --tls-cert --tls-key`), through Hummingbird's TLS
    /// module (swift-nio-ssl); the URLs it returns say https.
    public func application(
        host: String, port: Int, tls: ServerTLS, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        return Application(
            router: router(secure: true), server: try .tls(.http1(), tlsConfiguration: tls.configuration),
            configuration: .init(address: .hostname(host, port: port), serverName: "kiln"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) })
    }
}
