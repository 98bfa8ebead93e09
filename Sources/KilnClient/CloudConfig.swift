import Foundation

/// One cloud to talk to, as the OpenStack clients resolve it from clouds.yaml and the OS_*
/// variables: where Keystone is, who signs in, and which orchestration endpoint to use.
public struct CloudConfig: Sendable, Equatable {
    /// The cloud's name in clouds.yaml, or nil when it comes from OS_* variables alone.
    public var name: String?
    /// The clouds.yaml it was read from, if any (for messages).
    public var file: String?
    public var authURL: String?
    public var username: String?
    public var userID: String?
    public var password: String?
    public var projectName: String?
    public var projectID: String?
    public var userDomainName: String?
    public var userDomainID: String?
    public var projectDomainName: String?
    public var projectDomainID: String?
    /// A token: with an endpoint it is used as is, with an auth URL it is exchanged for a scoped one.
    public var token: String?
    /// An orchestration endpoint that bypasses the catalog (`auth.endpoint`, OS_ENDPOINT).
    public var endpoint: String?
    public var regionName: String?
    public var interface: String
    /// `password`, `token`, `v3password`, `v3token`, `admin_token` or `none`; nil: chosen from what is given.
    public var authType: String?
    /// A Keystone application credential (`v3applicationcredential`): its id, or its name with the user's.
    public var applicationCredentialID: String?
    public var applicationCredentialName: String?
    public var applicationCredentialSecret: String?
    /// Whether TLS certificates are checked (clouds.yaml `verify: false`, OS_INSECURE turn it off).
    public var verify: Bool = true
    /// A PEM file of the CAs to trust instead of the system's (clouds.yaml `cacert`, OS_CACERT).
    public var caCertFile: String?
    /// A client certificate (PEM, clouds.yaml `cert`, OS_CERT) and its key (`key`, OS_KEY), for
    /// clouds whose endpoints ask the client to prove who it is.
    public var clientCertFile: String?
    public var clientKeyFile: String?

    public init(
        name: String? = nil, file: String? = nil, authURL: String? = nil, username: String? = nil, userID: String? = nil,
        password: String? = nil, projectName: String? = nil, projectID: String? = nil, userDomainName: String? = nil,
        userDomainID: String? = nil, projectDomainName: String? = nil, projectDomainID: String? = nil,
        token: String? = nil, endpoint: String? = nil, regionName: String? = nil, interface: String = "public",
        authType: String? = nil
    ) {
        self.name = name
        self.file = file
        self.authURL = authURL
        self.username = username
        self.userID = userID
        self.password = password
        self.projectName = projectName
        self.projectID = projectID
        self.userDomainName = userDomainName
        self.userDomainID = userDomainID
        self.projectDomainName = projectDomainName
        self.projectDomainID = projectDomainID
        self.token = token
        self.endpoint = endpoint
        self.regionName = regionName
        self.interface = interface
        self.authType = authType
    }

    /// How to get a token and endpoint.
    public enum Method: Sendable, Equatable {
        /// Keystone v3 password method.
        case password
        /// Keystone v3 token method: the given token rescoped, for the catalog.
        case token
        /// Keystone v3 application credential: the credential decides the project.
        case applicationCredential
        /// No Keystone: the token (or "notused") is sent to the endpoint as is.
        case direct(token: String, endpoint: String)
    }

    /// The sign-in method, or an error naming the missing setting.
    public func method() throws(KilnClientError) -> Method {
        let type = authType?.lowercased()
        if type == "none" || type == "admin_token" || (endpoint != nil && token != nil && authURL == nil) {
            guard let endpoint else { throw missing("auth.endpoint", variable: "OS_ENDPOINT") }
            if type == "admin_token", token == nil { throw missing("auth.token", variable: "OS_TOKEN") }
            return .direct(token: token ?? "notused", endpoint: endpoint)
        }
        guard authURL != nil else { throw missing("auth.auth_url", variable: "OS_AUTH_URL") }
        if type == "v3applicationcredential" || type == "applicationcredential"
            || (type == nil && applicationCredentialSecret != nil && password == nil) {
            guard applicationCredentialSecret != nil else {
                throw missing("auth.application_credential_secret", variable: "OS_APPLICATION_CREDENTIAL_SECRET")
            }
            guard applicationCredentialID != nil || (applicationCredentialName != nil && (username != nil || userID != nil)) else {
                throw missing("auth.application_credential_id", variable: "OS_APPLICATION_CREDENTIAL_ID")
            }
            return .applicationCredential
        }
        if type == "token" || type == "v3token" || (type == nil && token != nil && password == nil) {
            guard token != nil else { throw missing("auth.token", variable: "OS_TOKEN") }
            return .token
        }
        guard username != nil || userID != nil else { throw missing("auth.username", variable: "OS_USERNAME") }
        guard password != nil else { throw missing("auth.password", variable: "OS_PASSWORD") }
        return .password
    }

    func missing(_ key: String, variable: String) -> KilnClientError {
        if let name, let file {
            return .configuration("cloud '\(name)' in \(file) has no \(key) (and \(variable) is not set)")
        }
        return .configuration("\(variable) is not set (and no cloud is named with --os-cloud or OS_CLOUD)")
    }
}
