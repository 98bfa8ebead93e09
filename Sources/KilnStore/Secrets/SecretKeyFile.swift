import Crypto
import Foundation

/// The engine's secret keys: 256 random bits each, base64, one per line, in a file only its
/// owner may read (mode 0600), made with one key at first start (`KILN_HOME/secret.key` unless
/// `--secret-key-file` or `KILN_SECRET_KEY_FILE` names another). The first line's key seals the
/// secrets the store keeps (`SecretSealer`); every line's key opens them, so a rotation
/// (`kiln secret-key rotate`) puts a new key first and keeps the old ones until nothing is sealed
/// with them. Several engines sharing one PostgreSQL must be given the same file.
///
/// The keys are kept apart from the database on purpose: a copy of the database (a backup, a
/// stolen file, a PostgreSQL dump) does not carry what opens its secrets.
public enum SecretKeyFile {
    /// The key in `path`, made first when no file is there. Two processes starting together
    /// both end with the one key that won the race (the file appears whole, via link(2), or not at all).
    public static func loadOrCreate(path: String) throws -> SecretKeyring {
        if !FileManager.default.fileExists(atPath: path) { try create(path) }
        return try load(path)
    }

    /// The keys in an existing file; a file others can read, or with a line that is not a key, is refused.
    public static func load(_ path: String) throws -> SecretKeyring {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StoreError("cannot read the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw StoreError("the secret key file \(path) is not a regular file") }
        if info.st_mode & 0o077 != 0 {
            throw StoreError(
                "the secret key file \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): "
                    + "chmod 600 \(path)")
        }
        let notKeys = "the secret key file \(path) is not a Kiln secret key file (expected 32 bytes in base64 per line)"
        guard info.st_size <= 64 * 1024, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StoreError(notKeys)
        }
        var keys: [SymmetricKey] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let bytes = Data(base64Encoded: trimmed), bytes.count == 32 else {
                throw StoreError("\(notKeys): line \(number + 1) is not a key")
            }
            keys.append(SymmetricKey(data: bytes))
        }
        guard !keys.isEmpty else { throw StoreError(notKeys) }
        return SecretKeyring(keys: keys)
    }

    /// Puts a new key first in the file (the old ones kept after it) and returns the new ring.
    /// The file is replaced whole (a private temporary file renamed over it).
    public static func rotate(path: String) throws -> SecretKeyring {
        let ring = try load(path)
        let rotated = SecretKeyring(keys: [SymmetricKey(size: .bits256)] + ring.keys)
        try replace(path, with: rotated)
        return rotated
    }

    /// Keeps only the file's first key (after everything is sealed with it).
    public static func retireOldKeys(path: String) throws -> SecretKeyring {
        let ring = try load(path)
        let kept = SecretKeyring(keys: [ring.primary])
        if ring.keys.count > 1 { try replace(path, with: kept) }
        return kept
    }

    static func text(of ring: SecretKeyring) -> String {
        ring.keys.map { key in key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n" }.joined()
    }

    /// Writes the ring to a private temporary file beside `path` and renames it over `path`.
    static func replace(_ path: String, with ring: SecretKeyring) throws {
        let temporary = try writePrivate(text(of: ring), beside: path)
        defer { unlink(temporary) }
        guard rename(temporary, path) == 0 else {
            throw StoreError("cannot replace the secret key file \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A new file beside `path` holding `text`, mode 0600, synced: its path.
    static func writePrivate(_ text: String, beside path: String) throws -> String {
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            unlink(temporary)
            throw StoreError("cannot write the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        return temporary
    }

    /// Writes a new key to a private temporary file beside `path`, then links it into place:
    /// an existing key (another engine's, just made) is never overwritten.
    static func create(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let temporary = try writePrivate(text(of: SecretKeyring(keys: [SymmetricKey(size: .bits256)])), beside: path)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw StoreError("cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
