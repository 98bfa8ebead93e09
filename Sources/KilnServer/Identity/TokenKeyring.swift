import KilnModel
import Crypto
import Foundation
import KilnStore

/// The token keys, kept in the identity registry (the database, shared by the engines) and
/// cached here. The newest key not retired seals new tokens (the primary); a rotation adds a
/// new primary and retires the others, which still open tokens until `grace` after their
/// retirement, so tokens issued just before a rotation stay valid for their life when `grace`
/// is at least the token lifetime. Keys retired longer than `grace` ago are deleted at the next
/// rotation.
///
/// Rotation happens when the primary is older than `rotation` (checked when a token is issued),
/// or on demand (`kiln identity rotate-keys`). Two engines rotating at once each add a key;
/// that is harmless: the older of the two is retired by the newer's next rotation or validates
/// while unretired.
final class TokenKeyring: Sendable {
    struct Key: Sendable {
        var record: TokenKeyRecord
        var key: SymmetricKey
    }

    let registry: any IdentityRegistry
    let rotation: TimeInterval?
    let grace: TimeInterval
    let now: @Sendable () -> Date
    /// Keys as last read, and when (by `now`): re-read when older than `refresh` or when a
    /// token names a key not among them.
    private let cache = Locked<(keys: [Key], readAt: Date?)>(([], nil))
    static let refresh: TimeInterval = 10

    init(registry: any IdentityRegistry, rotation: TimeInterval?, grace: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.registry = registry
        self.rotation = rotation
        self.grace = grace
        self.now = now
    }

    /// The key new tokens are sealed with: created when there is none, rotated when due.
    func primary() async throws -> Key {
        let now = self.now()
        var keys = try await current(now: now, force: false)
        if let primary = keys.first(where: { $0.record.retiredAt == nil }) {
            guard let rotation, primary.record.createdAt.addingTimeInterval(rotation) <= now else { return primary }
        }
        try await rotate()
        keys = try await current(now: now, force: true)
        guard let primary = keys.first(where: { $0.record.retiredAt == nil }) else { throw CryptoKitError.incorrectKeySize }
        return primary
    }

    /// A key that may open tokens now: a primary, or retired less than `grace` ago.
    func key(id: String) async -> Key? {
        let now = self.now()
        func usable(_ keys: [Key]) -> Key? {
            keys.first { $0.record.id == id && ($0.record.retiredAt.map { $0.addingTimeInterval(grace) > now } ?? true) }
        }
        guard let keys = try? await current(now: now, force: false) else { return nil }
        if let key = usable(keys) { return key }
        // A key another engine made since the last read?
        guard !keys.contains(where: { $0.record.id == id }), let fresh = try? await current(now: now, force: true) else { return nil }
        return usable(fresh)
    }

    /// A new primary; the others retired now, those retired more than `grace` ago deleted.
    func rotate() async throws {
        let now = self.now()
        let record = TokenKeyRecord(
            id: PasswordHash.hex(RandomText.bytes(FernetToken.keyIDLength)),
            secret: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }, createdAt: now)
        try await registry.addTokenKey(record, retiringOthers: true, now: now, dropRetiredBefore: now.addingTimeInterval(-grace))
        _ = try await current(now: now, force: true)
    }

    private func current(now: Date, force: Bool) async throws -> [Key] {
        if !force, let cached = cache.withLock({ cache -> [Key]? in
            guard let readAt = cache.readAt, readAt <= now, now.timeIntervalSince(readAt) < Self.refresh else { return nil }
            return cache.keys
        }) {
            return cached
        }
        let keys = try await registry.tokenKeys().compactMap { record -> Key? in
            guard let data = Data(base64Encoded: record.secret), data.count == 32 else { return nil }
            return Key(record: record, key: SymmetricKey(data: data))
        }
        cache.withLock { $0 = (keys, now) }
        return keys
    }
}
