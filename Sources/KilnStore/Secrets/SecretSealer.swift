import Crypto
import Foundation
import KilnModel

/// Seals secret values for the store and opens them again, as Heat's
/// `encrypt_parameters_and_properties` does: AES-256-GCM (swift-crypto) under the engine's key
/// (see `SecretKeyFile`), each value its own random nonce, so equal secrets look different and an
/// altered value fails to open instead of loading as something else.
///
/// A sealed value is text, `kiln-enc:v1:BASE64(nonce | ciphertext | tag)`, so it fits the JSON
/// and text columns both backends already have: no migration. Text without the prefix is a
/// value stored before sealing (or by a store without a key) and opens as itself, so existing
/// databases keep loading and are sealed as their rows are next written.
public struct SecretSealer: Sendable {
    /// Marks a sealed value; `v1` names the scheme (AES-256-GCM, 12-byte nonce, 16-byte tag).
    public static let prefix = "kiln-enc:v1:"

    let key: SymmetricKey
    /// Where the key came from (its file), for the error when a value does not open.
    public let keySource: String

    public init(key: SymmetricKey, keySource: String) {
        self.key = key
        self.keySource = keySource
    }

    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(prefix) }

    /// The text sealed. Always sealed, even text that looks sealed: records reach the store
    /// opened, so such text is a user's value and must come back exactly.
    public func seal(_ text: String) -> String {
        do {
            let box = try AES.GCM.seal(Data(text.utf8), using: key)
            // `combined` is always present for the default 12-byte nonce.
            return Self.prefix + (box.combined ?? Data()).base64EncodedString()
        } catch {
            // AES-GCM with a 256-bit key and a random nonce cannot fail; if it ever did, storing
            // the secret in the clear would be the wrong answer.
            preconditionFailure("AES-GCM sealing failed: \(error)")
        }
    }

    /// The text opened; plain (never sealed) text as it is. `what` names the value in the error.
    public func open(_ text: String, what: @autoclosure () -> String) throws -> String {
        guard Self.isSealed(text) else { return text }
        guard let data = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))) else {
            throw StoreError("the stored \(what()) is sealed but not valid base64: the database row is damaged")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
        } catch {
            throw StoreError(
                "cannot decrypt the stored \(what()) with the secret key in \(keySource): the database was sealed "
                    + "with another key (engines sharing a database need the same key: --secret-key-file or "
                    + "KILN_SECRET_KEY_FILE), or the row was altered")
        }
    }

    /// A structured value sealed whole as one string (its JSON inside). Nothing to hide in
    /// an empty map or list, or null: those are kept, which also keeps most rows small.
    public func seal(_ value: Value) -> Value {
        switch value {
        case .null: return value
        case .map(let map) where map.isEmpty: return value
        case .list(let items) where items.isEmpty: return value
        default: return .string(seal(value.storageJSON()))
        }
    }

    /// A value sealed by `seal(_: Value)` opened back to its structure; anything else as it is.
    public func open(_ value: Value, what: @autoclosure () -> String) throws -> Value {
        guard case .string(let text) = value, Self.isSealed(text) else { return value }
        let json = try open(text, what: what())
        do {
            return try Value.parseJSON(json)
        } catch {
            throw StoreError("the stored \(what()) opened to text that is not JSON: \(error)")
        }
    }
}
