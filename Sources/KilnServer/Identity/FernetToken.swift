import Crypto
import Foundation

/// A token's text, as Keystone's Fernet tokens are: the holder, scope and life sealed with
/// authenticated encryption, so any engine holding the keys validates it without a lookup,
/// and a forged or altered token fails to open.
///
/// Layout, base64url without padding: `0x80` (the version byte, which also makes every token
/// start with `g`, as Fernet's do), the 8-byte id of the key that sealed it, then AES-256-GCM's
/// nonce (12 bytes), ciphertext and tag (16 bytes). The version and key id are authenticated
/// too (GCM's additional data). The plaintext is compact JSON (`FernetToken.Payload`).
enum FernetToken {
    static let version: UInt8 = 0x80
    static let keyIDLength = 8

    /// What a token carries. Short keys keep the token short (about 300 characters).
    struct Payload: Codable, Equatable {
        /// The token's own id: its revocation key and its audit id.
        var t: String
        var u: String
        var un: String
        var p: String
        var pn: String
        var r: [String]
        var m: [String]
        /// Issued at and expires at, milliseconds since 1970.
        var i: Int64
        var e: Int64
    }

    static func seal(_ payload: Payload, keyID: String, key: SymmetricKey) -> String? {
        guard let id = PasswordHash.bytes(fromHex: keyID), id.count == keyIDLength,
              let plaintext = try? JSONEncoder().encode(payload) else { return nil }
        let header = [version] + id
        guard let box = try? AES.GCM.seal(plaintext, using: key, authenticating: header), let combined = box.combined else {
            return nil
        }
        return base64url(header + Array(combined))
    }

    /// The id of the key a token claims to be sealed with; nil when it is not one of these tokens.
    static func keyID(of text: String) -> String? {
        guard let bytes = bytes(fromBase64url: text), bytes.count > 1 + keyIDLength + 28, bytes[0] == version else { return nil }
        return PasswordHash.hex(Array(bytes[1...keyIDLength]))
    }

    /// The payload, if `text` was sealed by `key` and not changed since.
    static func open(_ text: String, key: SymmetricKey) -> Payload? {
        guard let bytes = bytes(fromBase64url: text), bytes.count > 1 + keyIDLength + 28, bytes[0] == version,
              let box = try? AES.GCM.SealedBox(combined: bytes[(1 + keyIDLength)...]),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: bytes[0...keyIDLength])
        else { return nil }
        return try? JSONDecoder().decode(Payload.self, from: plaintext)
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func bytes(fromBase64url text: String) -> [UInt8]? {
        // Longer than any token this server issues: refused before decoding.
        guard text.utf8.count <= 4096 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map { Array($0) }
    }
}
