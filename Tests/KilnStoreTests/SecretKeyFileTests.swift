import Crypto
import Foundation
import KilnStore
import Testing

/// The key file: made at first start with mode 0600, the same key on every later start, and a
/// file others can read, or one that holds no key, refused with its path in the message.
@Suite struct SecretKeyFileTests {
    @Test func madeOnceOwnerOnlyAndReadBackTheSame() throws {
        let path = try TestFiles.directory().appendingPathComponent("home/secret.key").path
        let first = try SecretKeyFile.loadOrCreate(path: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let again = try SecretKeyFile.loadOrCreate(path: path)
        #expect(first.keys.count == 1 && again.keys.count == 1)
        #expect(first.primary.withUnsafeBytes { Data($0) } == again.primary.withUnsafeBytes { Data($0) })
        #expect(first.primary.bitCount == 256)
        // No stray temporary files beside it.
        let directory = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["secret.key"])
    }

    @Test func aKeyOthersCanReadIsRefused() throws {
        let path = try TestFiles.directory().appendingPathComponent("secret.key").path
        _ = try SecretKeyFile.loadOrCreate(path: path)
        chmod(path, 0o644)
        #expect {
            try SecretKeyFile.load(path)
        } throws: { error in
            "\(error)".contains("\(path) can be read by others (mode 644): chmod 600 \(path)")
        }
    }

    @Test func aFileWithoutAKeyIsRefused() throws {
        let path = try TestFiles.directory().appendingPathComponent("secret.key").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("not a key\n".utf8), attributes: [.posixPermissions: 0o600]))
        #expect {
            try SecretKeyFile.loadOrCreate(path: path)
        } throws: { error in
            "\(error)".contains("\(path) is not a Kiln secret key file") && "\(error)".contains("line 1 is not a key")
        }
    }

    /// A rotation puts a new key first and keeps the old one after it (same mode, no stray
    /// files); retiring keeps only the first.
    @Test func rotationPutsANewKeyFirstAndRetiringKeepsOnlyIt() throws {
        let path = try TestFiles.directory().appendingPathComponent("secret.key").path
        let first = try SecretKeyFile.loadOrCreate(path: path)
        let rotated = try SecretKeyFile.rotate(path: path)
        #expect(rotated.ids.count == 2 && rotated.ids[1] == first.primaryID && rotated.primaryID != first.primaryID)
        #expect(try SecretKeyFile.load(path).ids == rotated.ids)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let directory = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["secret.key"])
        let retired = try SecretKeyFile.retireOldKeys(path: path)
        #expect(retired.ids == [rotated.primaryID])
        #expect(try SecretKeyFile.load(path).ids == [rotated.primaryID])
    }

    /// A running engine follows its key file: after another process rotates it, the engine opens
    /// values sealed with the new key at once (the unknown key id makes it look), seals with the
    /// new key at its next look, and a file that turns bad leaves it with the keys it had.
    @Test func aRunningSealerFollowsItsKeyFile() throws {
        let path = try TestFiles.directory().appendingPathComponent("secret.key").path
        let engine = try SecretSealer(keyFile: path, recheck: .milliseconds(50))
        let before = engine.keyring.primaryID
        let oldValue = engine.seal("old secret")
        #expect(SecretSealer.keyID(of: oldValue) == before)

        // Another process rotates the file and seals with the new key.
        let rotated = try SecretKeyFile.rotate(path: path)
        let other = try SecretSealer(keyFile: path)
        let newValue = other.seal("new secret")
        #expect(SecretSealer.keyID(of: newValue) == rotated.primaryID)
        // At once, before any recheck is due: the new key's id sends the engine to the file.
        #expect(try engine.open(newValue, what: "value") == "new secret")
        #expect(try engine.open(oldValue, what: "value") == "old secret")
        #expect(SecretSealer.keyID(of: engine.seal("x")) == rotated.primaryID)

        // Retired: the engine drops the old key after its next look.
        _ = try SecretKeyFile.retireOldKeys(path: path)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(engine.keyring.ids == [rotated.primaryID])
        #expect(throws: StoreError.self) { try engine.open(oldValue, what: "value") }

        // A file made unreadable keeps the keys last read, and they go on working.
        #expect(FileManager.default.createFile(atPath: path, contents: Data("not a key\n".utf8), attributes: [.posixPermissions: 0o600]))
        Thread.sleep(forTimeInterval: 0.1)
        #expect(engine.keyring.ids == [rotated.primaryID])
        #expect(try engine.open(engine.seal("still"), what: "value") == "still")

        // Fixed keys are never re-read.
        let fixed = SecretSealer(keyring: rotated, keySource: "fixed")
        #expect(fixed.keys.path == nil && fixed.keyring.ids == rotated.ids)
    }
}
