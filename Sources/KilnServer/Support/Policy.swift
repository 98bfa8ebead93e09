import Hummingbird

/// Heat's default role policy: `reader` reads its project, `member` also changes it, `admin`
/// may also list every project's stacks (`global_tenant`). Roles imply the ones below them,
/// as Keystone's default implied roles do (admin → member → reader).
enum HeatPolicy {
    enum Level: Int, Comparable {
        case none, reader, member, admin
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    static func level(of roles: [String]) -> Level {
        if roles.contains("admin") { return .admin }
        if roles.contains("member") { return .member }
        if roles.contains("reader") { return .reader }
        return .none
    }

    /// The 403 for a call the token's roles do not allow, or nil.
    static func denial(method: HTTPRequest.Method, route: String, globalTenant: Bool, roles: [String]) -> HeatError? {
        let (action, needed) = rule(method: method, route: route, globalTenant: globalTenant)
        guard level(of: roles) < needed else { return nil }
        return forbidden(action)
    }

    static func forbidden(_ action: String) -> HeatError {
        HeatError(status: .forbidden, type: "Forbidden", message: "You are not authorized to complete \(action) action.")
    }

    /// The policy name (as Heat's, for the message) and the level it needs.
    static func rule(method: HTTPRequest.Method, route: String, globalTenant: Bool) -> (String, Level) {
        let stack = "/v1/:project/stacks/:name/:id"
        let configs = "/v1/:project/software_configs", deployments = "/v1/:project/software_deployments"
        let reading = method == .get || method == .head
        switch (method, route) {
        case (_, "/v1/:project/services"): return ("service:index", .admin)
        case (_, "/v1/:project/notifications"): return ("notifications:index", .admin)
        case (_, "/v1/:project/notifications/:notification/retry"): return ("notifications:retry", .admin)
        case (_, configs) where reading: return ("software_configs:index", .reader)
        case (_, configs + "/:config") where reading: return ("software_configs:show", .reader)
        case (.post, configs): return ("software_configs:create", .member)
        case (.delete, configs + "/:config"): return ("software_configs:delete", .member)
        case (_, deployments) where reading: return ("software_deployments:index", .reader)
        case (_, deployments + "/metadata/:server") where reading: return ("software_deployments:metadata", .reader)
        case (_, deployments + "/:deployment") where reading: return ("software_deployments:show", .reader)
        case (.post, deployments): return ("software_deployments:create", .member)
        case (.put, deployments + "/:deployment"): return ("software_deployments:update", .member)
        case (.delete, deployments + "/:deployment"): return ("software_deployments:delete", .member)
        case (.get, "/v1/:project/stacks"), (.get, "/v1/:project/stacks/detail"):
            return globalTenant ? ("stacks:global_index", .admin) : ("stacks:index", .reader)
        case (.get, stack + "/export"): return ("stacks:export", .member)
        case (.get, _), (.head, _): return ("stacks:show", .reader)
        // A preview changes nothing: Heat lets readers make one.
        case (.post, "/v1/:project/stacks/preview"): return ("stacks:preview", .reader)
        case (.post, "/v1/:project/stacks"): return ("stacks:create", .member)
        case (.post, "/v1/:project/validate"): return ("stacks:validate_template", .member)
        case (.put, stack): return ("stacks:update", .member)
        case (.patch, stack): return ("stacks:update_patch", .member)
        case (.put, stack + "/preview"): return ("stacks:preview_update", .member)
        case (.patch, stack + "/preview"): return ("stacks:preview_update_patch", .member)
        case (.delete, stack): return ("stacks:delete", .member)
        case (.delete, stack + "/abandon"): return ("stacks:abandon", .member)
        case (.post, stack + "/actions"): return ("actions:action", .member)
        case (.post, stack + "/snapshots"): return ("stacks:snapshot", .member)
        case (.delete, stack + "/snapshots/:snapshot"): return ("stacks:delete_snapshot", .member)
        case (.post, stack + "/snapshots/:snapshot/restore"): return ("stacks:restore_snapshot", .member)
        case (.post, stack + "/resources/:resource/signal"): return ("resource:signal", .member)
        case (.patch, stack + "/resources/:resource"): return ("resource:mark_unhealthy", .member)
        default: return ("stacks:\(method.rawValue.lowercased())", .member)
        }
    }
}
