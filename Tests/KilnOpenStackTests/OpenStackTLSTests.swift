import Foundation
import Hummingbird
import HummingbirdTLS
import KilnClient
import KilnCloud
import KilnModel
import KilnOpenStack
import NIOSSL
import Testing

/// clouds.yaml's `verify` and `cacert` against a Keystone and Nova served over TLS on loopback
/// with a self-signed certificate (Tests/KilnOpenStackTests/TLS).
@Suite("The OpenStack driver over TLS")
struct OpenStackTLSTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("TLS")
    static let certificate = directory.appendingPathComponent("loopback-cert.pem").path

    static func json(_ value: Value, _ status: HTTPResponse.Status = .ok, headers: [String: String] = [:]) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, text) in headers { fields[HTTPFields.Element.Name(name)!] = text }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: value.jsonText())))
    }

    /// A Keystone and a Nova over TLS; `test` gets the port.
    func withTLSCloud(_ test: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/v3/auth/tokens") { request, _ -> Response in
            let host = request.head.authority ?? ""
            let body: Value = ["token": [
                "expires_at": "2999-01-01T00:00:00.000000Z", "project": ["id": "p1", "name": "demo"],
                "catalog": [["type": "compute", "endpoints": [["interface": "public", "region_id": "RegionOne", "url": .string("https://\(host)/compute/v2.1")]]]],
            ]]
            return Self.json(body, .created, headers: ["X-Subject-Token": "tls-token"])
        }
        router.get("/compute/v2.1/flavors/detail") { _, _ -> Response in
            Self.json(["flavors": [["id": "1", "name": "m1.tiny", "ram": 512, "vcpus": 1, "disk": 1]]])
        }
        let chain = try NIOSSLCertificate.fromPEMFile(Self.certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: Self.directory.appendingPathComponent("loopback-key.pem").path, format: .pem)
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        let port = Locked<Int?>(nil)
        let app = Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var waited = 0
            while port.withLock({ $0 }) == nil, waited < 500 {
                try await Task.sleep(nanoseconds: 10_000_000)
                waited += 1
            }
            defer { group.cancelAll() }
            try await test(try #require(port.withLock { $0 }))
        }
    }

    static func config(_ port: Int, verify: Bool = true, caCert: String? = nil) -> CloudConfig {
        var config = CloudConfig(
            name: "tls", authURL: "https://127.0.0.1:\(port)/v3", username: "demo", password: "secret", projectName: "demo",
            userDomainName: "Default", projectDomainName: "Default")
        config.verify = verify
        config.caCertFile = caCert
        return config
    }

    static func flavors(_ config: CloudConfig) async throws -> [String] {
        try await OpenStackCloud(config: config, pollInterval: 0.01, readRetries: 0).session(projectID: "p1").compute.flavors().map(\.name)
    }

    @Test func verifyFalseAndCACertReachASelfSignedCloudThatVerificationRefuses() async throws {
        try await withTLSCloud { port in
            // Verified against the system's CAs: refused.
            var refused: CloudError?
            do { _ = try await Self.flavors(Self.config(port)) } catch let error as CloudError { refused = error }
            #expect(refused?.kind == .serverError)
            #expect(refused?.message.contains("cannot reach https://127.0.0.1:\(port)") == true, "\(String(describing: refused))")
            #expect(refused?.message.contains("CERTIFICATE_VERIFY_FAILED") == true)
            // clouds.yaml `verify: false`.
            #expect(try await Self.flavors(Self.config(port, verify: false)) == ["m1.tiny"])
            // clouds.yaml `cacert`: verified against the given CA.
            #expect(try await Self.flavors(Self.config(port, caCert: Self.certificate)) == ["m1.tiny"])
            // A cacert that cannot be read is named.
            var missing: CloudError?
            do { _ = try await Self.flavors(Self.config(port, caCert: "/nonexistent/ca.pem")) } catch let error as CloudError { missing = error }
            #expect(missing?.message.contains("cacert /nonexistent/ca.pem cannot be read") == true, "\(String(describing: missing))")
        }
    }
}
