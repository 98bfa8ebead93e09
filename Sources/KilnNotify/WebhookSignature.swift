import Crypto
import Foundation

/// A webhook's signature: HMAC-SHA256 with the sink's secret over `TIMESTAMP.BODY` (the
/// Unix time sent in `X-Kiln-Timestamp`, a dot, the body's bytes), sent as
/// `X-Kiln-Signature: sha256=HEX`. Signing the time lets a receiver refuse old replays.
public enum WebhookSignature {
    public static let signatureHeader = "X-Kiln-Signature"
    public static let timestampHeader = "X-Kiln-Timestamp"

    public static func sign(body: [UInt8], timestamp: Int, secret: String) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is the body's (compared in constant time).
    public static func verify(body: [UInt8], timestamp: Int, secret: String, signature: String) -> Bool {
        let expected = Array(sign(body: body, timestamp: timestamp, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
