import Crypto
import Foundation
import KilnModel

/// Seals secret values for the store and opens them again, as Heat's
/// `encrypt_parameters_and_properties` does: AES-256-GCM (swift-crypto) under the engine's key
/// (see `SecretKeyFile`), each value its own random nonce, so equal secrets look different and an
/// altered value fails to open instead of loading as something else.
///
/// A sealed value is text, `kiln-enc:v2:KEYID:BASE64(nonce | ciphertext | tag)`, so it fits the
/// JSON and text columns both backends already have: no migration. KEYID (`SecretKeyring.id`)
/// names the key that sealed it, so after a rotation (`kiln secret-key rotate`) each value opens
/// with its own key and what still waits for re-sealing can be counted. `kiln-enc:v1:BASE64`
/// (before rotation existed, no id) opens with whichever key of the ring fits. Text without the
/// prefix is a value stored before sealing (or by a store without a key) and opens as itself, so
/// existing databases keep loading and are sealed as their rows are next written.
public struct SecretSealer: Sendable {
    /// What every sealed value starts with.
    public static let marker = "kiln-enc:"
    static let version1 = "kiln-enc:v1:"
    static let version2 = "kiln-enc:v2:"

    /// Where the keys come from: fixed, or a key file re-read when it changes (`SecretKeySource`).
    public let keys: SecretKeySource
    /// Where the keys came from (their file), for the error when a value does not open.
    public let keySource: String

    /// The keys now: the first seals, every one opens.
    public var keyring: SecretKeyring { keys.keyring }

    public init(keyring: SecretKeyring, keySource: String) {
        self.keys = SecretKeySource(keyring: keyring)
        self.keySource = keySource
    }

    /// The keys of the file at `path` (made at first start), followed as the file changes: a
    /// running engine seals with a rotated key and opens values sealed with it, unrestarted.
    public init(keyFile path: String, recheck: Duration = .seconds(1)) throws {
        self.keys = try SecretKeySource(keyFile: path, recheck: recheck)
        self.keySource = path
    }

    public init(key: SymmetricKey, keySource: String) {
        self.init(keyring: SecretKeyring(keys: [key]), keySource: keySource)
    }

    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(marker) }

    /// The text sealed under the ring's first key. Always sealed, even text that looks sealed:
    /// records reach the store opened, so such text is a user's value and must come back exactly.
    public func seal(_ text: String) -> String {
        let ring = keyring
        do {
            let box = try AES.GCM.seal(Data(text.utf8), using: ring.primary)
            // `combined` is always present for the default 12-byte nonce.
            return Self.version2 + ring.primaryID + ":" + (box.combined ?? Data()).base64EncodedString()
        } catch {
            // AES-GCM with a 256-bit key and a random nonce cannot fail; if it ever did, storing
            // the secret in the clear would be the wrong answer.
            preconditionFailure("AES-GCM sealing failed: \(error)")
        }
    }

    /// The id of the key that sealed `text` (nil: plain text, or sealed before keys had ids).
    public static func keyID(of text: String) -> String? {
        guard text.hasPrefix(version2) else { return nil }
        let rest = text.dropFirst(version2.count)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return String(rest[..<colon])
    }

    /// The text opened; plain (never sealed) text as it is. `what` names the value in the error.
    public func open(_ text: String, what: @autoclosure () -> String) throws -> String {
        var parsed = parse(text, keyring)
        // A key this engine does not hold yet may be in its key file now (a rotation).
        if case .unknownKey = parsed, keys.path != nil { parsed = parse(text, keys.refreshed()) }
        switch parsed {
        case .plain: return text
        case .malformed(let form):
            throw StoreError("the stored \(what()) is sealed but \(form): the database row is damaged")
        case .unknownKey(let id):
            throw StoreError(
                "cannot decrypt the stored \(what()) with the secret key in \(keySource): it was sealed with key \(id), "
                    + "which that file does not hold (engines sharing a database need the same key file: "
                    + "--secret-key-file or KILN_SECRET_KEY_FILE)")
        case .sealed(let box, let keys):
            for key in keys {
                if let plain = try? AES.GCM.open(box, using: key) { return String(decoding: plain, as: UTF8.self) }
            }
            throw StoreError(
                "cannot decrypt the stored \(what()) with the secret key in \(keySource): the database was sealed "
                    + "with another key (engines sharing a database need the same key: --secret-key-file or "
                    + "KILN_SECRET_KEY_FILE), or the row was altered")
        }
    }

    /// `text` (one sealed value found in a stored row) sealed again under the ring's first key;
    /// nil when it already is, or when it is not a sealed value at all (a user's text that
    /// merely starts like one), so a rotation leaves it alone. A value that does not open is an error.
    public func resealed(_ text: String) throws -> String? {
        guard Self.form(of: text) != nil, Self.keyID(of: text) != keyring.primaryID else { return nil }
        return seal(try open(text, what: "value"))
    }

    private enum Parsed {
        case plain
        case malformed(String)
        case unknownKey(String)
        case sealed(AES.GCM.SealedBox, keys: [SymmetricKey])
    }

    private func parse(_ text: String, _ keyring: SecretKeyring) -> Parsed {
        guard Self.isSealed(text) else { return .plain }
        switch Self.form(of: text) {
        case nil:
            return .malformed(
                text.hasPrefix(Self.version1) || text.hasPrefix(Self.version2)
                    ? "not valid base64" : "in a form this Kiln does not know (\(text.prefix(12))...)")
        case let (id?, box)?:
            guard let key = keyring.key(id: id) else { return .unknownKey(id) }
            return .sealed(box, keys: [key])
        case let (nil, box)?:
            return .sealed(box, keys: keyring.keys)
        }
    }

    /// A sealed value's key id (nil: `v1`, sealed before ids) and box; nil when `text` is not
    /// a well-formed sealed value.
    static func form(of text: String) -> (keyID: String?, box: AES.GCM.SealedBox)? {
        let id: String?, payload: Substring
        if text.hasPrefix(version2), let keyID = keyID(of: text) {
            id = keyID
            payload = text.dropFirst(version2.count + keyID.count + 1)
        } else if text.hasPrefix(version1) {
            id = nil
            payload = text.dropFirst(version1.count)
        } else {
            return nil
        }
        guard let data = Data(base64Encoded: String(payload)), let box = try? AES.GCM.SealedBox(combined: data) else { return nil }
        return (id, box)
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

/// The keys of a secret key file, newest first: the first seals, every one opens. A rotation
/// puts a new key in front; the old ones stay until everything sealed with them is sealed again.
public struct SecretKeyring: Sendable {
    public let keys: [SymmetricKey]
    /// Each key's id (`id(of:)`), in the same order.
    public let ids: [String]

    public init(keys: [SymmetricKey]) {
        precondition(!keys.isEmpty, "a keyring holds at least one key")
        self.keys = keys
        self.ids = keys.map(Self.id(of:))
    }

    public var primary: SymmetricKey { keys[0] }
    public var primaryID: String { ids[0] }

    /// A key's id: the first 8 bytes of its SHA-256, in hex. It names the key in sealed values
    /// and messages without revealing it.
    public static func id(of key: SymmetricKey) -> String {
        key.withUnsafeBytes { SHA256.hash(data: Data($0)) }.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public func key(id: String) -> SymmetricKey? { ids.firstIndex(of: id).map { keys[$0] } }
}
