import Foundation
import HummingbirdTLS
import NIOSSL

/// `kiln serve --tls-cert FILE --tls-key FILE`: the server's certificate chain and key, read
/// once at start so a bad file is a one-line error before anything listens.
public struct ServerTLS: Sendable {
    public let configuration: TLSConfiguration

    /// `certificate`: PEM, the server's certificate first, then any intermediates.
    /// `key`: its PEM private key (RSA or EC, unencrypted).
    public init(certificate: String, key: String) throws {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw ServerTLSError("--tls-cert \(certificate) cannot be read as a PEM certificate: \(error)")
        }
        guard !chain.isEmpty else { throw ServerTLSError("--tls-cert \(certificate) holds no PEM certificate") }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw ServerTLSError("--tls-key \(key) cannot be read as a PEM private key: \(error)")
        }
        configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }
}

public struct ServerTLSError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
