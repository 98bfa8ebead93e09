import Foundation
import KilnModel
import KilnTemplate

/// A signed-in session: the token to send and the orchestration endpoint to send it to.
public struct HeatSession: Sendable, Equatable {
    public var token: String
    /// The orchestration endpoint, `…/v1/{project_id}`, without a trailing slash.
    public var endpoint: String
    public var region: String?

    public init(token: String, endpoint: String, region: String? = nil) {
        self.token = token
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.region = region
    }
}

/// Keystone v3: `POST /v3/auth/tokens` (password or token method, project-scoped), the token
/// from `X-Subject-Token`, and the orchestration endpoint from the catalog.
public struct Keystone: Sendable {
    let transport: HTTPTransport

    public init(transport: HTTPTransport) { self.transport = transport }

    public func signIn(_ cloud: CloudConfig) async throws(KilnClientError) -> HeatSession {
        let method = try cloud.method()
        if case .direct(let token, let endpoint) = method {
            return HeatSession(token: token, endpoint: endpoint, region: cloud.regionName)
        }
        let signedIn = try await authenticate(cloud)
        let endpoint = try Self.endpoint(signedIn.body, types: ["orchestration"], region: cloud.regionName, interface: cloud.interface)
        return HeatSession(token: signedIn.token, endpoint: endpoint, region: cloud.regionName)
    }

    /// A token and its catalog, as Keystone issued them.
    public struct SignedIn: Sendable {
        public var token: String
        public var projectID: String
        /// Keystone's whole answer (`{"token": {"catalog": ...}}`).
        public var body: Value

        public init(token: String, projectID: String, body: Value) {
            self.token = token
            self.projectID = projectID
            self.body = body
        }
    }

    /// Signs in with the cloud's password, token or application credential.
    public func authenticate(_ cloud: CloudConfig) async throws(KilnClientError) -> SignedIn {
        let method = try cloud.method()
        guard let authURL = cloud.authURL else { throw cloud.missing("auth.auth_url", variable: "OS_AUTH_URL") }
        let answer = try await transport.send("POST", Self.tokensURL(authURL), body: Self.tokenRequest(cloud, method: method))
        guard answer.status == 201 || answer.status == 200 else {
            let body = try? answer.json()
            let message = body?.mapValue?["error"]?.mapValue?["message"]?.stringValue ?? "status \(answer.status)"
            throw .server(status: answer.status, type: "Unauthorized", message: "Keystone at \(authURL) refused the sign-in: \(message)")
        }
        guard let token = answer.header("x-subject-token") else {
            throw .transport("Keystone at \(authURL) issued no X-Subject-Token")
        }
        let body = try answer.json()
        let project = body.mapValue?["token"]?.mapValue?["project"]?.mapValue?["id"]?.stringValue ?? cloud.projectID ?? ""
        var substituted = body
        if case .map(var outer) = body, case .map(var inner)? = outer["token"], let catalog = inner["catalog"]?.listValue {
            inner["catalog"] = .list(catalog.map { service in
                guard case .map(var entry) = service, let endpoints = entry["endpoints"]?.listValue else { return service }
                entry["endpoints"] = .list(endpoints.map { endpoint in
                    guard case .map(var map) = endpoint, let url = map["url"]?.stringValue else { return endpoint }
                    map["url"] = .string(Self.substitute(url, projectID: project))
                    return .map(map)
                })
                return .map(entry)
            })
            outer["token"] = .map(inner)
            substituted = .map(outer)
        }
        return SignedIn(token: token, projectID: project, body: substituted)
    }

    /// `…/v3/auth/tokens`, whether the auth URL names `/v3` or not.
    static func tokensURL(_ authURL: String) -> String {
        var base = authURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v3") { base += "/v3" }
        return base + "/auth/tokens"
    }

    static func tokenRequest(_ cloud: CloudConfig, method: CloudConfig.Method) -> Value {
        func domain(name: String?, id: String?) -> Value {
            if let id { return ["id": .string(id)] }
            if let name { return ["name": .string(name)] }
            return ["id": "default"]
        }
        let identity: Value
        if method == .applicationCredential {
            var credential: [String: Value] = ["secret": .string(cloud.applicationCredentialSecret ?? "")]
            if let id = cloud.applicationCredentialID {
                credential["id"] = .string(id)
            } else {
                credential["name"] = .string(cloud.applicationCredentialName ?? "")
                credential["user"] = cloud.userID.map { ["id": .string($0)] }
                    ?? ["name": .string(cloud.username ?? ""), "domain": domain(name: cloud.userDomainName, id: cloud.userDomainID)]
            }
            // The credential is bound to its project: no scope is sent.
            return ["auth": ["identity": ["methods": ["application_credential"], "application_credential": .map(credential)]]]
        }
        if method == .token {
            identity = ["methods": ["token"], "token": ["id": .string(cloud.token ?? "")]]
        } else {
            var user: [String: Value] = ["password": .string(cloud.password ?? "")]
            if let id = cloud.userID {
                user["id"] = .string(id)
            } else {
                user["name"] = .string(cloud.username ?? "")
                user["domain"] = domain(name: cloud.userDomainName, id: cloud.userDomainID)
            }
            identity = ["methods": ["password"], "password": ["user": .map(user)]]
        }
        var auth: [String: Value] = ["identity": identity]
        if let id = cloud.projectID {
            auth["scope"] = ["project": ["id": .string(id)]]
        } else if let name = cloud.projectName {
            auth["scope"] = ["project": [
                "name": .string(name), "domain": domain(name: cloud.projectDomainName, id: cloud.projectDomainID),
            ]]
        }
        return ["auth": .map(auth)]
    }

    /// The catalog's URL of the first of `types` it lists, for the interface and (when given) the region.
    public static func endpoint(_ body: Value, types: [String], region: String?, interface: String) throws(KilnClientError) -> String {
        let catalog = body.mapValue?["token"]?.mapValue?["catalog"]?.listValue ?? []
        guard let service = types.lazy.compactMap({ type in catalog.first { $0.mapValue?["type"]?.stringValue == type } }).first else {
            throw .configuration("the service catalog has no \(types.first ?? "") service")
        }
        let wanted = interface.replacingOccurrences(of: "URL", with: "")
        let match = (service.mapValue?["endpoints"]?.listValue ?? []).first { endpoint in
            let map = endpoint.mapValue ?? [:]
            guard map["interface"]?.stringValue == wanted else { return false }
            guard let region else { return true }
            return map["region_id"]?.stringValue == region || map["region"]?.stringValue == region
        }
        guard let url = match?.mapValue?["url"]?.stringValue else {
            let place = region.map { " in \($0) region" } ?? ""
            throw .configuration("\(wanted) endpoint for \(types.first ?? "") service\(place) not found")
        }
        return url
    }

    /// Catalogs of old deployments template the project into the URL.
    static func substitute(_ url: String, projectID: String) -> String {
        ["%(tenant_id)s", "%(project_id)s", "$(tenant_id)s", "$(project_id)s"].reduce(url) {
            $0.replacingOccurrences(of: $1, with: projectID)
        }
    }
}
