import Foundation
import HummingbirdTLS
import NIOSSL

/// `kiln serve --tls-cert FILE --tls-key FILE [--tls-client-ca FILE]`: the server's certificate
/// chain and key, and the CA a client's certificate must be signed by when one is required
/// (mutual TLS), read once at start so a bad file is a one-line error before anything listens.
public struct ServerTLS: Sendable {
    public let configuration: TLSConfiguration

    /// `certificate`: PEM, the server's certificate first, then any intermediates.
    /// `key`: its PEM private key (RSA or EC, unencrypted). `clientCA`: PEM CA certificates;
    /// when given, a client without a certificate one of them signed is refused in the handshake.
    public init(certificate: String, key: String, clientCA: String? = nil) throws {
        let chain = try Self.certificates(in: certificate, option: "--tls-cert")
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw ServerTLSError("--tls-key \(key) cannot be read as a PEM private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        if let clientCA {
            let authorities = try Self.certificates(in: clientCA, option: "--tls-client-ca")
            // A server that verifies asks for the client's certificate and fails the handshake without one.
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(authorities)
        }
        self.configuration = configuration
    }

    /// The PEM certificates in `path`, at least one; `option` names the file in the error.
    static func certificates(in path: String, option: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw ServerTLSError("\(option) \(path) cannot be read as a PEM certificate: \(error)")
        }
        guard !certificates.isEmpty else { throw ServerTLSError("\(option) \(path) holds no PEM certificate") }
        return certificates
    }
}

public struct ServerTLSError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
