import Foundation

/// How the built-in identity service hashes passwords, limits sign-in attempts and keys its
/// tokens (`kiln serve`'s `--lockout-*` and `--token-key-*` options).
public struct IdentityOptions: Sendable {
    /// OWASP's current work factor for PBKDF2-HMAC-SHA256.
    public static let defaultPasswordIterations = 600_000

    /// PBKDF2 iterations of new password hashes; shorter hashes are re-hashed at sign-in.
    /// Only tests lower it (OWASP's figure is the default).
    public var passwordIterations = PasswordHash.defaultIterations
    /// Failed sign-ins in a row that lock a user (Keystone's `lockout_failure_attempts`); 0: never.
    public var lockoutFailureAttempts = 5
    /// Seconds a locked user stays locked (Keystone's `lockout_duration`).
    public var lockoutDuration: TimeInterval = 300
    /// The answer to the n-th failed sign-in in a row waits n times this (at most 4 times):
    /// guessing slows down before the lock.
    public var failureDelay: TimeInterval = 0.5
    /// Seconds between automatic rotations of the token key (nil: only `kiln identity rotate-keys`).
    public var keyRotation: TimeInterval? = 86400
    /// Seconds a retired token key still validates; nil: the token lifetime, so no token is cut short.
    public var keyGrace: TimeInterval?

    public init() {}
}
