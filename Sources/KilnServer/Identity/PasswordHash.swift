import Crypto
import Foundation

/// Passwords as stored in identity.json: `pbkdf2-sha256$ITERATIONS$SALT$HASH` (salt and hash
/// in hex), PBKDF2-HMAC-SHA256 with one 32-byte block. Never the password itself.
enum PasswordHash {
    static let defaultIterations = 5_000

    static func make(_ password: String, iterations: Int = defaultIterations) -> String {
        let salt = RandomText.bytes(16)
        let hash = pbkdf2(Array(password.utf8), salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(hex(salt))$\(hex(hash))"
    }

    static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
              iterations <= 1_000_000, let salt = bytes(fromHex: parts[2]), let expected = bytes(fromHex: parts[3])
        else { return false }
        let actual = pbkdf2(Array(password.utf8), salt: salt, iterations: iterations)
        // Compare every byte so the time taken does not tell how much matched.
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA256, first block only: 32 bytes of key.
    static func pbkdf2(_ password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = HMACKey(password)
        var u = key.mac(salt + [0, 0, 0, 1])
        var result = u
        for _ in 1..<max(iterations, 1) {
            u = key.mac(u)
            for i in 0..<result.count { result[i] ^= u[i] }
        }
        return result
    }

    /// HMAC-SHA256 (swift-crypto's SHA-256) with the key's padded inner and outer blocks
    /// hashed once: each of PBKDF2's rounds then starts from a copy of those two states.
    struct HMACKey {
        let inner: SHA256
        let outer: SHA256

        init(_ key: [UInt8]) {
            var block = key.count > 64 ? Array(SHA256.hash(data: key)) : key
            block += [UInt8](repeating: 0, count: 64 - block.count)
            var inner = SHA256()
            inner.update(data: block.map { $0 ^ 0x36 })
            var outer = SHA256()
            outer.update(data: block.map { $0 ^ 0x5c })
            self.inner = inner
            self.outer = outer
        }

        func mac(_ message: [UInt8]) -> [UInt8] {
            var inner = self.inner
            inner.update(data: message)
            var outer = self.outer
            outer.update(data: Array(inner.finalize()))
            return Array(outer.finalize())
        }
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

/// Random identifiers and secrets from the system's secure generator.
enum RandomText {
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A Keystone-style id: 32 hex digits.
    static func id() -> String { PasswordHash.hex(bytes(16)) }

    /// A password of letters and digits, easy to paste.
    static func password(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
