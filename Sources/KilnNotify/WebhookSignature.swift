import Crypto
import Foundation

/// A webhook's signature: HMAC-SHA256 with the sink's secret over `TIMESTAMP.BODY` (the
/// Unix time sent in `X-Kiln-Timestamp`, a dot, the body's bytes), sent as
/// `X-Kiln-Signature: sha256=HEX`. Signing the time lets a receiver refuse old replays.
public enum WebhookSignature {
    public static let signatureHeader = "X-Kiln-Signature"
    public static let timestampHeader = "X-Kiln-Timestamp"

    public static func sign(body: [UInt8], timestamp: Int, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: signed(body, timestamp), using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is the body's (swift-crypto's constant-time check of the code).
    public static func verify(body: [UInt8], timestamp: Int, secret: String, signature: String) -> Bool {
        guard signature.hasPrefix("sha256="), let code = bytes(hex: signature.dropFirst(7)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            code, authenticating: signed(body, timestamp), using: SymmetricKey(data: Array(secret.utf8)))
    }

    /// What is signed: `TIMESTAMP.BODY`.
    private static func signed(_ body: [UInt8], _ timestamp: Int) -> [UInt8] {
        Array("\(timestamp).".utf8) + body
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
