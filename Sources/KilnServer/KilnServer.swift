import Foundation
import Hummingbird
import KilnEngine

/// `kiln serve`: Keystone v3's token subset under `/v3` and Heat's v1 API under
/// `/v1/{project_id}`, in one process over one engine.
public struct KilnServer: Sendable {
    public let engine: Engine
    public let identity: IdentityService

    public init(engine: Engine, identity: IdentityService) {
        self.engine = engine
        self.identity = identity
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        IdentityRoutes(identity: identity).register(on: router)
        HeatAPI(engine: engine, identity: identity).register(on: router)
        return router
    }

    /// The application, listening on `host:port` (port 0: any free port).
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "kiln"))
    }
}
