import Foundation
import KilnClient
import KilnCloud
import KilnModel

/// The cloud protocols over a real OpenStack's REST APIs: signs in with Keystone v3 (password,
/// token or application credential, as clouds.yaml says), finds each service in the catalog by
/// type, region and interface, sends Nova's microversion, signs in again once when a token is
/// refused (or is about to expire), waits by polling, and maps errors to `CloudError`s with
/// the service's message. The requests and JSON helpers are in OpenStackRequests.swift, one
/// file per service beside it.
public final class OpenStackCloud: Cloud {
    public let config: CloudConfig
    let transport: HTTPTransport
    /// Seconds between status polls while waiting for ACTIVE/available (Heat polls every 1-2 s;
    /// tests pass a few hundredths).
    let pollInterval: Double
    /// How often a read the cloud answered 429/502/503/504 is tried again.
    let readRetries: Int
    /// The token in use, and the sign-in under way if one is (every caller waits for that one).
    private let signing = Locked<(current: Keystone.SignedIn?, renewal: Task<Keystone.SignedIn, any Error>?)>((nil, nil))

    public init(config: CloudConfig, transport: HTTPTransport? = nil, pollInterval: Double = 2, readRetries: Int = 3) {
        self.config = config
        self.transport = transport ?? HTTPTransport(config: config)
        self.pollInterval = pollInterval
        self.readRetries = readRetries
    }

    public var displayName: String { "cloud '\(config.name ?? config.authURL ?? "")'" }

    /// The services as the credentials' project sees them (`projectID` is the stack's, which a
    /// real cloud's token decides).
    public func session(projectID: String) -> CloudSession {
        let services = OpenStackServices(api: OpenStackAPI(cloud: self))
        return CloudSession(
            projectID: projectID, compute: services, images: services, network: services, blockStorage: services,
            loadBalancer: services, alarms: services, messaging: mayHaveMessaging() ? services : nil)
    }

    /// Whether the catalog lists Zaqar (type `messaging`). A session is made before anyone
    /// signs in, so until a token's catalog is known the service is offered, and a call to a
    /// cloud without it fails with the catalog's "no endpoint" error.
    func mayHaveMessaging() -> Bool {
        guard let signedIn = signing.withLock({ $0.current }) else { return true }
        return (try? OpenStackAPI.endpoint(.messaging, catalog: signedIn.body, region: config.regionName, interface: config.interface)) != nil
    }

    /// The project the token is scoped to (signing in if needed).
    public func projectID() async throws -> String { try await token().projectID }

    /// The current token, signing in when there is none, when it expires within a minute, or
    /// when it is the one a service just refused (a token another call already renewed is
    /// used as is, so a burst of 401s signs in once, not once per call).
    func token(refused: String? = nil) async throws -> Keystone.SignedIn {
        enum Next { case use(Keystone.SignedIn), wait(Task<Keystone.SignedIn, any Error>) }
        let next: Next = signing.withLock { state in
            if let current = state.current, current.token != refused, !Self.expiresSoon(current) { return .use(current) }
            if let renewal = state.renewal { return .wait(renewal) }
            let renewal = Task { [config, transport] in try await Keystone(transport: transport).authenticate(config) }
            state.renewal = renewal
            return .wait(renewal)
        }
        guard case .wait(let renewal) = next else {
            if case .use(let current) = next { return current }
            fatalError("unreachable")
        }
        do {
            let fresh = try await renewal.value
            signing.withLock { state in
                if state.renewal == renewal {
                    state.current = fresh
                    state.renewal = nil
                }
            }
            return fresh
        } catch {
            signing.withLock { state in
                if state.renewal == renewal { state.renewal = nil }
            }
            throw Self.signInError(error, displayName)
        }
    }

    /// A sign-in that failed: Keystone's refusal is unauthorized (with its status); a cloud that
    /// cannot be reached or a clouds.yaml entry that cannot be used is the cloud's failure.
    static func signInError(_ error: any Error, _ name: String) -> CloudError {
        switch error as? KilnClientError {
        case .server(let status, _, let message)?:
            return CloudError(status == 401 || status == 403 ? .unauthorized : .serverError, "\(name): \(message)", httpStatus: status)
        case .configuration(let message)?:
            return CloudError(.badRequest, "\(name): \(message)")
        default:
            return CloudError(.serverError, "\(name): \(error)", httpStatus: 503)
        }
    }

    /// Stands for a token the cloud revoked (tests).
    func replaceToken(_ token: String) {
        signing.withLock { $0.current?.token = token }
    }

    static func expiresSoon(_ signedIn: Keystone.SignedIn, now: Date = Date()) -> Bool {
        guard let text = signedIn.body["token"]["expires_at"].stringValue, let expiry = OpenStackTime.parse(text) else { return false }
        return expiry.timeIntervalSince(now) < 60
    }
}
