import Foundation
import Hummingbird
import HummingbirdTesting
import KilnEngine
import KilnModel
@testable import KilnServer
import KilnStore
import KilnTemplate
import Testing

/// `kiln serve --keystone-url`: a Heat-only server that checks every token with an external
/// Keystone over real HTTP. The external Keystone here is another Kiln server's built-in identity.
@Suite struct ExternalKeystoneTests {
    /// Runs the Keystone server on a real loopback port and a Heat-only server that validates against it.
    func withServers(
        cacheSeconds: TimeInterval = 0,
        _ test: @Sendable (_ keystone: ServerFixture.Client, _ heat: ServerFixture.Client, _ adminPassword: String) async throws -> Void
    ) async throws {
        let keystone = try ServerFixture()
        let port = Locked<Int?>(nil)
        let keystoneApp = keystone.server.application(host: "127.0.0.1", port: 0) { bound in port.withLock { $0 = bound } }
        try await keystoneApp.test(.live) { keystoneClient in
            let bound = try #require(port.withLock { $0 })
            let heatHome = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-heat-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: heatHome, withIntermediateDirectories: true)
            let store = try SQLiteStore(path: heatHome.appendingPathComponent("kiln.db").path)
            let validator = KeystoneTokenValidator(
                keystoneURL: try #require(URL(string: "http://127.0.0.1:\(bound)/v3")), cacheSeconds: cacheSeconds)
            let heat = KilnServer(engine: Engine(store: store), tokens: validator)
            try await heat.application(host: "127.0.0.1", port: 0).test(.live) { heatClient in
                try await test(ServerFixture.Client(client: keystoneClient), ServerFixture.Client(client: heatClient), keystone.adminPassword)
            }
        }
    }

    @Test func tokensFromTheExternalKeystoneAreAcceptedAndScoped() async throws {
        try await withServers { keystone, heat, keystoneAdminPassword in
            let admin = try #require(try await keystone.signIn(user: "admin", password: keystoneAdminPassword, project: "admin"))
            let stacks = "/v1/\(admin.projectID)/stacks"
            let list = try await heat.call(.get, stacks, token: admin.token)
            #expect(list.status == .ok)
            #expect(list.json["stacks"].listValue?.isEmpty == true)

            let created = try await heat.call(.post, stacks, token: admin.token, body: ["stack_name": "ext", "template": externalTemplate])
            #expect(created.status == .created)
            let url = externalPath(created.json["stack"]["links"][0]["href"].stringValue ?? "")
            let done = try await heat.waitForStack(url, token: admin.token)
            #expect(done["stack_status"] == "CREATE_COMPLETE")

            // Another project's member, signed in at the same Keystone, cannot reach admin's project.
            let alice = try #require(try await keystone.signIn(user: "alice", password: "alice-secret", project: "other"))
            let foreign = try await heat.call(.get, stacks, token: alice.token)
            #expect(foreign.status == .forbidden)
            let own = try await heat.call(.get, "/v1/\(alice.projectID)/stacks", token: alice.token)
            #expect(own.status == .ok)
            #expect(own.json["stacks"].listValue?.isEmpty == true)
        }
    }

    @Test func unknownAndRevokedTokensAreRefused() async throws {
        try await withServers { keystone, heat, keystoneAdminPassword in
            let admin = try #require(try await keystone.signIn(user: "admin", password: keystoneAdminPassword, project: "admin"))
            let stacks = "/v1/\(admin.projectID)/stacks"
            let made = try await heat.call(.get, stacks, token: "gAAAA-made-up")
            #expect(made.status == .unauthorized)
            #expect(made.json["error"]["type"] == "HTTPUnauthorized" || made.json["code"] == .int(401))

            #expect(try await heat.call(.get, stacks, token: admin.token).status == .ok)
            // Revoked at Keystone: refused at once when nothing is cached.
            let revoke = try await keystone.client.execute(
                uri: "/v3/auth/tokens", method: .delete,
                headers: [HTTPFields.Element.Name("X-Auth-Token")!: admin.token, HTTPFields.Element.Name("X-Subject-Token")!: admin.token]
            ) { $0.status }
            #expect(revoke == .noContent)
            #expect(try await heat.call(.get, stacks, token: admin.token).status == .unauthorized)
        }
    }

    @Test func theHeatOnlyServerDoesNotServeIdentity() async throws {
        try await withServers { _, heat, _ in
            let body: Value = ["auth": ["identity": ["methods": ["password"], "password": ["user": [
                "name": "admin", "password": "x", "domain": ["name": "Default"]]]]]]
            let reply = try await heat.call(.post, "/v3/auth/tokens", body: body)
            #expect(reply.status == .notFound)
        }
    }

    @Test func keystoneTokenBodiesAreRead() throws {
        let body = try Value.parseJSON("""
            {"token": {"methods": ["password"], "user": {"id": "u1", "name": "ann"}, "audit_ids": ["a1"],
             "expires_at": "2026-11-26T18:50:00.000000Z", "issued_at": "2026-11-26T06:50:00.000000Z",
             "project": {"id": "p1", "name": "demo"}, "roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "reader"}]}}
            """)
        let token = try #require(KeystoneTokenValidator.token(id: "t", from: body))
        #expect(token.userName == "ann")
        #expect(token.projectID == "p1")
        #expect(token.roles == ["member", "reader"])
        #expect(token.expiresAt.timeIntervalSince1970 == 1_795_719_000)
        // A token without a project scope cannot use the Heat API.
        let unscoped = try Value.parseJSON(#"{"token": {"user": {"id": "u1"}, "expires_at": "2026-11-26T18:50:00Z"}}"#)
        #expect(KeystoneTokenValidator.token(id: "t", from: unscoped) == nil)
    }
}

private let externalTemplate: Value = ["heat_template_version": "2021-04-16", "resources": ["a": ["type": "OS::Heat::None"]]]

private func externalPath(_ href: String) -> String {
    guard let range = href.range(of: "/v1/") else { return href }
    return String(href[range.lowerBound...])
}
