import Foundation
import KilnTemplate

/// Finds clouds.yaml where openstacksdk looks for it and picks one cloud, with the OS_*
/// variables over it (as the openstack client's options, which default to them, do).
public struct CloudConfigResolver: Sendable {
    public var environment: [String: String]
    public var currentDirectory: String
    public var homeDirectory: String

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        homeDirectory: String = FileManager.default.homeDirectoryForCurrentUser.path
    ) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.homeDirectory = homeDirectory
    }

    /// Whether client mode is asked for: a cloud named, or OS_CLOUD / OS_AUTH_URL set.
    public func wantsRemote(cloud: String?) -> Bool {
        cloud.map { !$0.isEmpty } ?? false || variable("OS_CLOUD") != nil || variable("OS_AUTH_URL") != nil
    }

    /// clouds.yaml's places in openstacksdk's order; the first that exists is read.
    public var searchPath: [String] {
        var paths: [String] = []
        if let explicit = variable("OS_CLIENT_CONFIG_FILE") { paths.append(explicit) }
        paths.append((currentDirectory as NSString).appendingPathComponent("clouds.yaml"))
        paths.append((homeDirectory as NSString).appendingPathComponent(".config/openstack/clouds.yaml"))
        paths.append("/etc/openstack/clouds.yaml")
        return paths
    }

    /// The cloud named by `cloud` or OS_CLOUD from clouds.yaml, overridden by OS_*; or, with
    /// no name, a cloud made of the OS_* variables alone.
    public func resolve(cloud: String?) throws(KilnClientError) -> CloudConfig {
        var config = CloudConfig()
        if let name = cloud.flatMap({ $0.isEmpty ? nil : $0 }) ?? variable("OS_CLOUD") {
            config = try load(name)
        }
        applyEnvironment(&config)
        _ = try config.method()
        return config
    }

    private func load(_ name: String) throws(KilnClientError) -> CloudConfig {
        guard let path = searchPath.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw .configuration(
                "cloud '\(name)' asked for, but no clouds.yaml was found (looked in \(searchPath.joined(separator: ", ")))")
        }
        // Bounded, and regular files only: a clouds.yaml that is a FIFO or a device is refused.
        let data: [UInt8]
        switch BoundedFile.read(path, limit: 1 << 20) {
        case .success(let bytes): data = bytes
        case .failure(let failure): throw .configuration("\(failure)")
        }
        let root: Node
        do {
            root = try YAMLReader().read(data, file: path)
        } catch {
            throw .configuration("\(path): \(error)")
        }
        guard let clouds = root["clouds"], let entries = clouds.mapping else {
            throw .configuration("\(path) has no 'clouds' mapping")
        }
        guard let entry = clouds[name] else {
            let known = entries.map(\.key).sorted().joined(separator: ", ")
            throw .configuration("cloud '\(name)' is not in \(path) (it has: \(known.isEmpty ? "none" : known))")
        }
        return Self.config(entry, name: name, file: path)
    }

    /// One `clouds:` entry: `auth:` keys, then the region, interface and auth type.
    static func config(_ entry: Node, name: String, file: String) -> CloudConfig {
        func text(_ node: Node?) -> String? {
            guard let node, !node.isNull else { return nil }
            switch node.value {
            case .string(let text): return text
            case .int(let number): return String(number)
            case .double(let number): return String(number)
            case .bool(let flag): return flag ? "true" : "false"
            default: return nil
            }
        }
        let auth = entry["auth"]
        var config = CloudConfig(name: name, file: file)
        config.authURL = text(auth?["auth_url"])
        config.username = text(auth?["username"])
        config.userID = text(auth?["user_id"])
        config.password = text(auth?["password"])
        config.projectName = text(auth?["project_name"]) ?? text(auth?["tenant_name"])
        config.projectID = text(auth?["project_id"]) ?? text(auth?["tenant_id"])
        config.userDomainName = text(auth?["user_domain_name"]) ?? text(auth?["domain_name"])
        config.userDomainID = text(auth?["user_domain_id"]) ?? text(auth?["domain_id"])
        config.projectDomainName = text(auth?["project_domain_name"]) ?? text(auth?["domain_name"])
        config.projectDomainID = text(auth?["project_domain_id"]) ?? text(auth?["domain_id"])
        config.token = text(auth?["token"])
        config.endpoint = text(auth?["endpoint"])
        config.regionName = text(entry["region_name"])
        config.interface = text(entry["interface"]) ?? text(entry["endpoint_type"]) ?? "public"
        config.authType = text(entry["auth_type"])
        config.applicationCredentialID = text(auth?["application_credential_id"])
        config.applicationCredentialName = text(auth?["application_credential_name"])
        config.applicationCredentialSecret = text(auth?["application_credential_secret"])
        if let verify = text(entry["verify"]), let flag = Self.flag(verify) { config.verify = flag }
        if let insecure = text(entry["insecure"]), let flag = Self.flag(insecure) { config.verify = !flag }
        config.caCertFile = text(entry["cacert"])
        config.clientCertFile = text(entry["cert"])
        config.clientKeyFile = text(entry["key"])
        return config
    }

    /// OS_* variables win over the file, each on its own.
    private func applyEnvironment(_ config: inout CloudConfig) {
        let overrides: [(String, WritableKeyPath<CloudConfig, String?>)] = [
            ("OS_AUTH_URL", \.authURL), ("OS_USERNAME", \.username), ("OS_USER_ID", \.userID),
            ("OS_PASSWORD", \.password), ("OS_PROJECT_NAME", \.projectName), ("OS_TENANT_NAME", \.projectName),
            ("OS_PROJECT_ID", \.projectID), ("OS_TENANT_ID", \.projectID), ("OS_USER_DOMAIN_NAME", \.userDomainName),
            ("OS_USER_DOMAIN_ID", \.userDomainID), ("OS_PROJECT_DOMAIN_NAME", \.projectDomainName),
            ("OS_PROJECT_DOMAIN_ID", \.projectDomainID), ("OS_TOKEN", \.token), ("OS_ENDPOINT", \.endpoint),
            ("OS_REGION_NAME", \.regionName), ("OS_AUTH_TYPE", \.authType),
            ("OS_APPLICATION_CREDENTIAL_ID", \.applicationCredentialID),
            ("OS_APPLICATION_CREDENTIAL_NAME", \.applicationCredentialName),
            ("OS_APPLICATION_CREDENTIAL_SECRET", \.applicationCredentialSecret),
        ]
        for (name, key) in overrides {
            if let value = variable(name) { config[keyPath: key] = value }
        }
        if let interface = variable("OS_INTERFACE") { config.interface = interface }
        if let cacert = variable("OS_CACERT") { config.caCertFile = cacert }
        if let cert = variable("OS_CERT") { config.clientCertFile = cert }
        if let key = variable("OS_KEY") { config.clientKeyFile = key }
        if let insecure = variable("OS_INSECURE"), let flag = Self.flag(insecure) { config.verify = !flag }
        // A project named by one variable must not keep the file's other way of naming it.
        if variable("OS_PROJECT_NAME") != nil || variable("OS_TENANT_NAME") != nil,
           variable("OS_PROJECT_ID") == nil && variable("OS_TENANT_ID") == nil {
            config.projectID = nil
        }
        if variable("OS_PROJECT_ID") != nil || variable("OS_TENANT_ID") != nil,
           variable("OS_PROJECT_NAME") == nil && variable("OS_TENANT_NAME") == nil {
            config.projectName = nil
        }
    }

    /// A YAML or environment boolean.
    static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }

    private func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
