import Crypto
import Foundation
import KilnModel

/// The two URLs a scaling policy offers for its signals.
///
/// `signal_url` is the native Heat endpoint, `{root}/v1/{project}/stacks/{stack}/{id}/resources/{policy}/signal`:
/// a POST needs a token (or a trust token, as Aodh's `trust+` actions send).
///
/// `alarm_url` is pre-signed, so an alarm can POST to it with no token:
/// `{root}/v1/signal/{stack id}/{policy}?Expires={unix time}&SignatureMethod=HmacSHA256&Signature={base64url}`.
/// The signature is HMAC-SHA256 over `POST\n{path}\n{expires}`, keyed by a random 256-bit
/// key the policy keeps in its stored data: a URL names one policy of one stack, cannot be
/// moved to another, and dies with the key when the policy is deleted or replaced (a
/// replacement makes a new key). `{root}` is `$KILN_HEAT_URL` up to its `/v1` (default
/// `http://127.0.0.1:8004`).
public enum SignalURLs {
    /// How long an alarm URL holds (Heat's never expire; ten years is as good here).
    static let lifetime: TimeInterval = 10 * 365 * 24 * 3600

    static var root: String {
        let base = ProcessInfo.processInfo.environment["KILN_HEAT_URL"] ?? "http://127.0.0.1:8004/v1/kiln"
        let trimmed = base.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let range = trimmed.range(of: "/v1") else { return trimmed }
        return String(trimmed[..<range.lowerBound])
    }

    static func encode(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }

    /// The native signal endpoint of a resource.
    static func signalURL(_ resource: LiveResource, projectID: String) -> String {
        let path = [resource.stackName, resource.stackID, "resources", resource.name, "signal"].map(encode)
        return "\(root)/v1/\(encode(projectID))/stacks/" + path.joined(separator: "/")
    }

    /// The path an alarm URL signs: `/v1/signal/{stack id}/{resource}`.
    public static func signedPath(stackID: String, resource: String) -> String {
        "/v1/signal/\(encode(stackID))/\(encode(resource))"
    }

    /// A new random signing key, base64.
    static func newKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The signature of `method path expires` under `key` (base64url, unpadded).
    static func signature(key: String, method: String, path: String, expires: Int) -> String? {
        guard let keyData = Data(base64Encoded: key) else { return nil }
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("\(method)\n\(path)\n\(expires)".utf8), using: SymmetricKey(data: keyData))
        return base64url(Data(code))
    }

    /// The alarm URL of a policy that has its key and expiry in its data (nil: not created yet).
    static func alarmURL(_ resource: LiveResource) -> String? {
        guard let key = resource.data["signing_key"]?.stringValue,
              let expires = NativeProperties.integer(resource.data["url_expires"] ?? .null) else { return nil }
        let path = signedPath(stackID: resource.stackID, resource: resource.name)
        guard let signature = signature(key: key, method: "POST", path: path, expires: expires) else { return nil }
        return "\(root)\(path)?Expires=\(expires)&SignatureMethod=HmacSHA256&Signature=\(signature)"
    }

    /// Gives a new policy its key and its URLs' expiry.
    static func issue(_ resource: inout LiveResource, projectID: String) {
        resource.data["signing_key"] = .string(newKey())
        resource.data["url_expires"] = .int(Int(Date().addingTimeInterval(lifetime).timeIntervalSince1970))
        resource.data["signal_url"] = .string(signalURL(resource, projectID: projectID))
    }

    /// Whether `signature` signs `POST path expires` with the resource's current key and has
    /// not expired. The comparison is swift-crypto's, in constant time.
    static func verify(_ resource: LiveResource, method: String, path: String, expires: Int, signature: String, now: Date) -> Bool {
        guard let key = resource.data["signing_key"]?.stringValue, let keyData = Data(base64Encoded: key),
              Double(expires) > now.timeIntervalSince1970,
              let code = unbase64url(signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            code, authenticating: Data("\(method)\n\(path)\n\(expires)".utf8), using: SymmetricKey(data: keyData))
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
