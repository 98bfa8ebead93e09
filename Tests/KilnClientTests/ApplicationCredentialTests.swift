import Foundation
@testable import KilnClient
import KilnModel
import Testing

/// Application credentials (`auth_type: v3applicationcredential`), as keystoneauth reads them.
@Suite struct ApplicationCredentialTests {
    @Test func cloudsYAMLSelectsTheApplicationCredentialMethodAndKeystoneGetsItUnscoped() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-appcred-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try """
            clouds:
              prod:
                auth_type: v3applicationcredential
                auth:
                  auth_url: https://keystone.example:5000/v3
                  application_credential_id: 0123abcd
                  application_credential_secret: s3cret
                region_name: RegionTwo
            """.write(toFile: "\(root)/clouds.yaml", atomically: true, encoding: .utf8)
        let resolver = CloudConfigResolver(environment: ["OS_CLIENT_CONFIG_FILE": "\(root)/clouds.yaml"], currentDirectory: root, homeDirectory: root)
        let config = try resolver.resolve(cloud: "prod")
        #expect(try config.method() == .applicationCredential)
        #expect(config.regionName == "RegionTwo")
        let body = Keystone.tokenRequest(config, method: .applicationCredential)
        #expect(body == ["auth": ["identity": [
            "methods": ["application_credential"], "application_credential": ["id": "0123abcd", "secret": "s3cret"],
        ]]])
    }

    @Test func aNamedCredentialNeedsItsUserAndASecretIsRequired() throws {
        var config = CloudConfig(authURL: "https://k/v3", username: "alice", userDomainName: "Default", authType: "v3applicationcredential")
        config.applicationCredentialName = "deploy"
        #expect(throws: KilnClientError.self) { try config.method() }
        config.applicationCredentialSecret = "s"
        #expect(try config.method() == .applicationCredential)
        let body = Keystone.tokenRequest(config, method: .applicationCredential)
        #expect(body["auth"]?["identity"]?["application_credential"] == [
            "name": "deploy", "secret": "s", "user": ["name": "alice", "domain": ["name": "Default"]],
        ])
    }
}

private extension Value {
    subscript(_ key: String) -> Value? { mapValue?[key] }
}
