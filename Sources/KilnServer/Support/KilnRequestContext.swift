import Hummingbird

/// What one request carries through the router: Hummingbird's core context and, once the
/// Heat API's authentication middleware has accepted it, the caller's token.
public struct KilnRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `HeatAuthentication` for routes below `/v1/{project_id}`.
    var token: IssuedToken?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The route the router matched, its variable parts named (`/v1/:project/stacks/:name/:id`):
    /// the label metrics, logs and the policy use, so names and ids never make new series or
    /// reach the log. `unmatched` when no route matched.
    var route: String {
        // The router's not-found answer names itself `NotFound`.
        guard let path = coreContext.endpointPath.value, path != "NotFound" else { return "unmatched" }
        // Hummingbird names parameters `{name}`; Kiln's labels keep `:name`.
        var out = ""
        for character in path where character != "}" {
            out.append(character == "{" ? ":" : character)
        }
        return out.count > 1 && out.hasSuffix("/") ? String(out.dropLast()) : out
    }
}
