import AsyncHTTPClient
import Foundation
import KilnModel
import KilnTemplate
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// One HTTP answer: status, headers (names lowercased) and body.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as JSON (an empty body is an empty object).
    public func json() throws(KilnClientError) -> Value {
        if body.isEmpty { return .map([:]) }
        do {
            return try Value.parseJSON(String(decoding: body, as: UTF8.self))
        } catch {
            throw .transport("the server answered \(status) with a body that is not JSON")
        }
    }
}

/// JSON over HTTP with AsyncHTTPClient: one shared client (pooled connections, the
/// swift-nio event loops Hummingbird already runs), no libcurl. Redirects (Heat answers name
/// lookups with 302) are followed here, with the same method, headers and body, as
/// keystoneauth does.
public struct HTTPTransport: Sendable {
    public var timeout: TimeInterval
    /// The most a body may be: larger answers are an error, not a memory blow-up.
    public var maxBodyBytes = 64 << 20

    /// Whether TLS certificates are checked.
    public var verifyCertificates = true
    /// A PEM file of trusted CAs instead of the system's.
    public var caCertFile: String?
    /// A client certificate (PEM chain) and its private key, presented when the server asks.
    public var clientCertFile: String?
    public var clientKeyFile: String?

    public init(timeout: TimeInterval = 60) {
        self.timeout = timeout
    }

    /// A transport with the cloud's TLS settings (`verify`, `cacert`).
    public init(config: CloudConfig, timeout: TimeInterval = 60) {
        self.timeout = timeout
        self.verifyCertificates = config.verify
        self.caCertFile = config.caCertFile
        self.clientCertFile = config.clientCertFile
        self.clientKeyFile = config.clientKeyFile
    }

    /// AsyncHTTPClient's browser-like defaults on the shared NIO event loops, except: a failed
    /// connection is retried for 10 s, not until the request's deadline (a certificate the
    /// cloud's CA does not sign fails at once with the TLS error), and up to 32 connections per
    /// host (the engine runs many cloud calls at a time).
    static func configuration(tls: TLSConfiguration? = nil, idleTimeout: TimeAmount? = nil) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(10)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        if let tls { configuration.tlsConfiguration = tls }
        if let idleTimeout { configuration.timeout.read = idleTimeout }
        return configuration
    }

    /// The process's one client (made on first use and kept for the process's life, as
    /// `HTTPClient.shared` is), and one more per other TLS setting.
    private static let shared = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration())
    private static let clients = Locked<[String: HTTPClient]>([:])

    /// `idleTimeout`: the most a response may stay silent (a stream's client: a connection
    /// that died without closing is then noticed), in its own client.
    func client(idleTimeout: TimeAmount? = nil) throws(KilnClientError) -> HTTPClient {
        let defaultTLS = verifyCertificates && caCertFile == nil && clientCertFile == nil
        if defaultTLS, idleTimeout == nil { return Self.shared }
        let key = "\(verifyCertificates)|\(caCertFile ?? "")|\(clientCertFile ?? "")|\(clientKeyFile ?? "")|\(idleTimeout?.nanoseconds ?? 0)"
        if let made = Self.clients.withLock({ $0[key] }) { return made }
        let configuration = Self.configuration(tls: defaultTLS ? nil : try tlsConfiguration(), idleTimeout: idleTimeout)
        return Self.clients.withLock { clients in
            if let made = clients[key] { return made }
            let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = made
            return made
        }
    }

    /// The TLS settings as clouds.yaml gives them: `verify`, `cacert`, `cert` and `key`. A file
    /// that cannot be read is named here, before any connection is tried.
    func tlsConfiguration() throws(KilnClientError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !verifyCertificates { tls.certificateVerification = .none }
        if let caCertFile {
            guard FileManager.default.isReadableFile(atPath: caCertFile) else {
                throw .configuration("cacert \(caCertFile) cannot be read")
            }
            tls.trustRoots = .file(caCertFile)
        }
        if let clientCertFile {
            guard let clientKeyFile else { throw .configuration("cert \(clientCertFile) is given without its key (clouds.yaml key, OS_KEY)") }
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertFile).map { .certificate($0) }
            } catch {
                throw .configuration("cert \(clientCertFile) cannot be read as a PEM certificate: \(error)")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKeyFile, format: .pem))
            } catch {
                throw .configuration("key \(clientKeyFile) cannot be read as a PEM private key: \(error)")
            }
        }
        return tls
    }

    public func send(
        _ method: String, _ url: String, headers: [String: String] = [:], body: Value? = nil
    ) async throws(KilnClientError) -> HTTPAnswer {
        var target = url
        for _ in 0..<5 {
            let answer = try await once(method, target, headers: headers, body: body)
            guard [301, 302, 303, 307, 308].contains(answer.status), let location = answer.header("location") else {
                return answer
            }
            target = URL(string: location, relativeTo: URL(string: target))?.absoluteString ?? location
        }
        throw .transport("too many redirects from \(url)")
    }

    private func once(
        _ method: String, _ url: String, headers: [String: String], body: Value?
    ) async throws(KilnClientError) -> HTTPAnswer {
        guard let address = URL(string: url), address.scheme == "http" || address.scheme == "https" else {
            throw .configuration("not an http(s) URL: \(url)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body {
            // A caller's own media type (Zaqar's JSON patch) is kept.
            if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
                request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(ByteBuffer(string: body.jsonText()))
        }
        let client = try client()
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let data = try await response.body.collect(upTo: maxBodyBytes)
            var fields: [String: String] = [:]
            for header in response.headers { fields[header.name.lowercased()] = header.value }
            return HTTPAnswer(status: Int(response.status.code), headers: fields, body: Data(buffer: data))
        } catch {
            throw .transport("cannot reach \(address.scheme ?? "http")://\(address.host ?? "")\(address.port.map { ":\($0)" } ?? ""): \(error)")
        }
    }
}
