import Foundation
import KilnClient
import KilnModel
import KilnTemplate

/// Validates tokens against an external Keystone v3 (`kiln serve --keystone-url`), as
/// keystonemiddleware does for Heat: `GET /v3/auth/tokens` with the token as both caller and
/// subject (Keystone's policy lets a token describe itself), so no service credentials are needed.
/// Answers are cached briefly: one Keystone round trip per token per `cacheSeconds`, not per request.
public final class KeystoneTokenValidator: TokenValidator {
    public let keystoneURL: URL
    let cacheSeconds: TimeInterval
    /// AsyncHTTPClient, not URLSession: FoundationNetworking would load libcurl at every `kiln` start.
    private let transport: HTTPTransport
    private let cache = Locked<[String: (token: IssuedToken, until: Date)]>([:])

    public init(keystoneURL: URL, cacheSeconds: TimeInterval = 60, timeoutSeconds: TimeInterval = 10) {
        self.keystoneURL = keystoneURL
        self.cacheSeconds = cacheSeconds
        transport = HTTPTransport(timeout: timeoutSeconds)
    }

    /// `http://host:5000` or `http://host:5000/v3` (either form, as clouds.yaml allows): the tokens URL.
    var tokensURL: URL {
        let base = keystoneURL.absoluteString.hasSuffix("/") ? String(keystoneURL.absoluteString.dropLast()) : keystoneURL.absoluteString
        let v3 = base.hasSuffix("/v3") ? base : base + "/v3"
        return URL(string: v3 + "/auth/tokens") ?? keystoneURL
    }

    public func validate(_ tokenID: String) async -> IssuedToken? {
        let now = Date()
        if let cached = cachedToken(tokenID, now: now) { return cached }
        let headers = ["X-Auth-Token": tokenID, "X-Subject-Token": tokenID]
        // Keystone down or slow: the request is refused (401), never let through.
        guard let answer = try? await transport.send("GET", tokensURL.absoluteString, headers: headers),
              answer.status == 200, let body = try? answer.json(),
              let token = Self.token(id: tokenID, from: body), token.expiresAt > now
        else { return nil }
        cache.withLock { entries in
            entries = entries.filter { $0.value.until > now }
            entries[tokenID] = (token, min(token.expiresAt, now.addingTimeInterval(cacheSeconds)))
        }
        return token
    }

    private func cachedToken(_ tokenID: String, now: Date) -> IssuedToken? {
        cache.withLock { entries in
            guard let entry = entries[tokenID] else { return nil }
            if entry.until <= now {
                entries[tokenID] = nil
                return nil
            }
            return entry.token
        }
    }

    /// Keystone's token body: only project-scoped tokens reach the Heat API.
    static func token(id: String, from body: Value) -> IssuedToken? {
        guard let token = body.mapValue?["token"]?.mapValue,
              let user = token["user"]?.mapValue, let userID = user["id"]?.stringValue,
              let project = token["project"]?.mapValue, let projectID = project["id"]?.stringValue,
              let expires = token["expires_at"]?.stringValue.flatMap(keystoneDate)
        else { return nil }
        let roles = token["roles"]?.listValue?.compactMap { $0.mapValue?["name"]?.stringValue } ?? []
        return IssuedToken(
            id: id, userID: userID, userName: user["name"]?.stringValue ?? userID,
            projectID: projectID, projectName: project["name"]?.stringValue ?? projectID,
            roles: roles, methods: token["methods"]?.listValue?.compactMap(\.stringValue) ?? [],
            auditID: token["audit_ids"]?.listValue?.first?.stringValue ?? "",
            issuedAt: token["issued_at"]?.stringValue.flatMap(keystoneDate) ?? Date(), expiresAt: expires)
    }

    /// `2026-11-26T06:50:00.000000Z` or without fractions.
    static func keystoneDate(_ text: String) -> Date? {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        let plain = Date.ISO8601FormatStyle(timeZone: .gmt)
        return (try? withFraction.parse(text)) ?? (try? plain.parse(text))
    }
}
