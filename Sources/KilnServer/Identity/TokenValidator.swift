import Foundation

/// Who a token belongs to, for the Heat API: the built-in identity service answers from memory,
/// an external Keystone over HTTP.
public protocol TokenValidator: Sendable {
    /// The token's holder and scope, or nil when it is unknown, revoked or expired.
    func validate(_ tokenID: String) async -> IssuedToken?
}

extension IdentityService: TokenValidator {}
