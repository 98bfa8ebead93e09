import Crypto
import _CryptoExtras
import Foundation

/// Passwords as stored: `pbkdf2-sha256$ITERATIONS$SALT$HASH` (salt and hash in hex),
/// PBKDF2-HMAC-SHA256 (swift-crypto's, BoringSSL underneath) with a 16-byte salt and 32 bytes
/// of output. Never the password itself.
///
/// New hashes take OWASP's current work factor, 600,000 iterations. Hashes written by older
/// Kilns (5,000 iterations, the same format) still verify; `needsUpgrade` tells the identity
/// service to re-hash at the next successful sign-in.
enum PasswordHash {
    static let defaultIterations = IdentityOptions.defaultPasswordIterations
    /// Most iterations a stored hash may ask for: a bigger number is a damaged (or hostile) row,
    /// refused rather than spending minutes on it.
    static let maximumIterations = 10_000_000

    static func make(_ password: String, iterations: Int = defaultIterations) -> String {
        let salt = RandomText.bytes(16)
        let hash = derive(password, salt: salt, iterations: iterations) ?? []
        return "pbkdf2-sha256$\(iterations)$\(hex(salt))$\(hex(hash))"
    }

    static func verify(_ password: String, against stored: String) -> Bool {
        guard let parts = parse(stored), let actual = derive(password, salt: parts.salt, iterations: parts.iterations),
              actual.count == parts.hash.count
        else { return false }
        // Compare every byte so the time taken does not tell how much matched.
        return zip(actual, parts.hash).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether a stored hash has fewer iterations than `iterations` (it is re-hashed at sign-in).
    static func needsUpgrade(_ stored: String, iterations: Int = defaultIterations) -> Bool {
        guard let parts = parse(stored) else { return false }
        return parts.iterations < iterations
    }

    static func parse(_ stored: String) -> (iterations: Int, salt: [UInt8], hash: [UInt8])? {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
              iterations <= maximumIterations, let salt = bytes(fromHex: parts[2]), let hash = bytes(fromHex: parts[3]), !hash.isEmpty
        else { return nil }
        return (iterations, salt, hash)
    }

    /// PBKDF2-HMAC-SHA256 (RFC 8018), 32 bytes. `unsafeUncheckedRounds`: old hashes have fewer
    /// rounds than swift-crypto's checked minimum (210,000), and must still verify.
    static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8]? {
        guard let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
        else { return nil }
        return key.withUnsafeBytes { Array($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}

/// Random identifiers and secrets from the operating system's CSPRNG (swift-crypto's
/// `SymmetricKey`, which reads BoringSSL's `RAND_bytes`, itself getrandom(2) on Linux).
enum RandomText {
    static func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    /// A Keystone-style id: 32 hex digits.
    static func id() -> String { PasswordHash.hex(bytes(16)) }

    /// A password of letters and digits, easy to paste: each character from one random byte,
    /// rejecting bytes past the largest multiple of the alphabet so every letter is equally likely.
    static func password(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let limit = 256 - 256 % alphabet.count
        var out: [Character] = []
        while out.count < length {
            for byte in bytes(length * 2) where Int(byte) < limit && out.count < length {
                out.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(out)
    }
}
