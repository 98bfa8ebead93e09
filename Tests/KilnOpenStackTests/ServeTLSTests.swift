import Foundation
import Hummingbird
import HummingbirdTLS
import KilnClient
import KilnEngine
import KilnModel
import KilnServer
import KilnStore
import NIOSSL
import Testing

/// `kiln serve --tls-cert --tls-key` with Kiln's own client over real HTTPS on loopback, with a
/// CA and certificates `openssl` makes for the test: the CA given (`cacert`) is trusted and the
/// catalog says https; without it the server is refused; `verify: false` is accepted; and a
/// server that asks for a client certificate gets clouds.yaml's `cert`/`key`.
@Suite("kiln serve over TLS", .serialized)
struct ServeTLSTests {
    /// A Kiln server over `tls` on a free loopback port; `test` gets the port and the admin password.
    func withServer(
        tls: @escaping (KilnServer) throws -> any ApplicationProtocol, _ test: @Sendable (Int, String) async throws -> Void
    ) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-serve-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let store = try SQLiteStore(path: home.appendingPathComponent("kiln.db").path)
        let (file, password) = try IdentityFile.openOrCreate(path: home.appendingPathComponent("identity.json").path)
        let server = KilnServer(engine: Engine(store: store), identity: IdentityService(file: file))
        let app = try tls(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            let port = try await Self.waitForPort()
            try await test(port, try #require(password))
        }
    }

    /// The port the application listens on, once it does (Hummingbird reports it as it starts).
    static func waitForPort() async throws -> Int {
        for _ in 0..<500 {
            if let port = Ports.bound.withLock({ $0 }) { return port }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw CancellationError()
    }

    /// The bound port, set by `onListening` (the suite is serialized: one server at a time).
    enum Ports {
        static let bound = Locked<Int?>(nil)
        static func reset() { bound.withLock { $0 = nil } }
        static let record: @Sendable (Int) async -> Void = { port in bound.withLock { $0 = port } }
    }

    static func cloud(_ port: Int, password: String, host: String = "127.0.0.1") -> CloudConfig {
        CloudConfig(
            name: "tls", authURL: "https://\(host):\(port)/v3", username: "admin", password: password, projectName: "admin",
            userDomainName: "Default", projectDomainName: "Default")
    }

    static func failure(_ config: CloudConfig) async -> String? {
        do {
            _ = try await HeatClient.connect(config).stacks(tags: nil, statuses: nil)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func kilnsClientTrustsTheGivenCAAndIsRefusedWithoutIt() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        Ports.reset()
        try await withServer(tls: { server in
            try server.application(
                host: "127.0.0.1", port: 0,
                tls: ServerTLS(certificate: certificates.serverCertificate, key: certificates.serverKey), onListening: Ports.record)
        }) { port, password in
            // clouds.yaml `cacert` (OS_CACERT, --os-cacert): trusted, and the catalog says https.
            var trusted = Self.cloud(port, password: password)
            trusted.caCertFile = certificates.ca
            let client = try await HeatClient.connect(trusted)
            #expect(client.session.endpoint.hasPrefix("https://127.0.0.1:\(port)/v1/"), "\(client.session.endpoint)")
            let listed = try await client.stacks(tags: nil, statuses: nil)
            #expect(listed.isEmpty)
            // By name too (the certificate names localhost).
            var byName = Self.cloud(port, password: password, host: "localhost")
            byName.caCertFile = certificates.ca
            let named = try await HeatClient.connect(byName)
            #expect(named.session.endpoint.hasPrefix("https://localhost:\(port)/v1/"))
            // The system's CAs do not know the test CA: refused.
            let refused = await Self.failure(Self.cloud(port, password: password))
            #expect(refused?.contains("cannot reach https://127.0.0.1:\(port)") == true, "\(refused ?? "accepted")")
            #expect(refused?.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(refused ?? "accepted")")
            // clouds.yaml `verify: false`: accepted without the CA.
            var insecure = Self.cloud(port, password: password)
            insecure.verify = false
            let unverified = try await HeatClient.connect(insecure).stacks(tags: nil, statuses: nil)
            #expect(unverified.isEmpty)
            // Plain HTTP to the TLS port is no answer at all.
            var plain = Self.cloud(port, password: password)
            plain.authURL = "http://127.0.0.1:\(port)/v3"
            #expect(await Self.failure(plain) != nil)
        }
    }

    @Test func aServerAskingForAClientCertificateGetsCloudsYAMLsCertAndKey() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        Ports.reset()
        try await withServer(tls: { server in
            // Kiln's router behind a TLS that requires a certificate the test CA signed (--tls-client-ca).
            let tls = try ServerTLS(
                certificate: certificates.serverCertificate, key: certificates.serverKey, clientCA: certificates.ca
            ).configuration
            return Application(
                router: server.router(secure: true), server: try .tls(.http1(), tlsConfiguration: tls),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await Ports.record(channel.localAddress?.port ?? 0) })
        }) { port, password in
            var withoutCertificate = Self.cloud(port, password: password)
            withoutCertificate.caCertFile = certificates.ca
            #expect(await Self.failure(withoutCertificate) != nil)
            var withCertificate = withoutCertificate
            withCertificate.clientCertFile = certificates.clientCertificate
            withCertificate.clientKeyFile = certificates.clientKey
            let presented = try await HeatClient.connect(withCertificate).stacks(tags: nil, statuses: nil)
            #expect(presented.isEmpty)
            // A certificate without its key is named before any connection.
            var keyless = withoutCertificate
            keyless.clientCertFile = certificates.clientCertificate
            #expect(await Self.failure(keyless)?.contains("is given without its key") == true)
        }
    }

    @Test func unreadableCertificateFilesAreNamed() throws {
        #expect {
            try ServerTLS(certificate: "/nonexistent/cert.pem", key: "/nonexistent/key.pem")
        } throws: { error in
            "\(error)".contains("--tls-cert /nonexistent/cert.pem cannot be read as a PEM certificate")
        }
    }

    @Test func anUnreadableClientCAIsNamed() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        #expect {
            try ServerTLS(certificate: certificates.serverCertificate, key: certificates.serverKey, clientCA: "/nonexistent/ca.pem")
        } throws: { error in
            "\(error)".contains("--tls-client-ca /nonexistent/ca.pem cannot be read as a PEM certificate")
        }
    }
}
