import Crypto
import Foundation

/// The engine's secret key: 256 random bits, base64 on one line, in a file only its owner may
/// read (mode 0600), made at first start (`KILN_HOME/secret.key` unless `--secret-key-file` or
/// `KILN_SECRET_KEY_FILE` names another). It seals the secrets the store keeps (`SecretSealer`);
/// several engines sharing one PostgreSQL must be given the same file.
///
/// The key is kept apart from the database on purpose: a copy of the database (a backup, a
/// stolen file, a PostgreSQL dump) does not carry what opens its secrets.
public enum SecretKeyFile {
    /// The key in `path`, made first when no file is there. Two processes starting together
    /// both end with the one key that won the race (the file appears whole, via link(2), or not at all).
    public static func loadOrCreate(path: String) throws -> SymmetricKey {
        if !FileManager.default.fileExists(atPath: path) { try create(path) }
        return try load(path)
    }

    /// The key in an existing file; a file others can read, or that holds no key, is refused.
    public static func load(_ path: String) throws -> SymmetricKey {
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
        guard info.st_size <= 1024, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StoreError("the secret key file \(path) is not a Kiln secret key (expected 32 bytes in base64 on one line)")
        }
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw StoreError("the secret key file \(path) is not a Kiln secret key (expected 32 bytes in base64 on one line)")
        }
        return SymmetricKey(data: bytes)
    }

    /// Writes a new key to a private temporary file beside `path`, then links it into place:
    /// an existing key (another engine's, just made) is never overwritten.
    static func create(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let text = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            throw StoreError("cannot write the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw StoreError("cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
