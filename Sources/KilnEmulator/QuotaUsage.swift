import Foundation
import KilnCloud

/// Quotas: each project's usage is one row, changed in the same transaction as the objects
/// it counts, so two creates can never both take the last unit.
extension Tables {
    func limits(_ projectID: String) throws -> [String: Int] {
        var limits = defaultQuotas.limits
        if let own: [String: Int] = try get(.quota, projectID) { limits.merge(own) { $1 } }
        return limits
    }

    func usage(_ projectID: String) throws -> [String: Int] {
        try get(.usage, projectID) ?? [:]
    }

    /// Takes `amounts` of the project's quotas, or throws the service's own refusal.
    func reserve(_ amounts: [String: Int], project projectID: String) throws {
        let limits = try limits(projectID)
        var usage = try usage(projectID)
        for (name, amount) in amounts.sorted(by: { $0.key < $1.key }) where amount > 0 {
            let limit = limits[name] ?? -1, used = usage[name] ?? 0
            if limit >= 0, used + amount > limit {
                throw Self.quotaError(name, requested: amount, used: used, limit: limit)
            }
        }
        for (name, amount) in amounts { usage[name, default: 0] += amount }
        try put(.usage, projectID, usage, project: projectID)
    }

    /// Gives quota back (never below zero).
    func release(_ amounts: [String: Int], project projectID: String) throws {
        var usage = try usage(projectID)
        for (name, amount) in amounts { usage[name] = max(0, (usage[name] ?? 0) - amount) }
        try put(.usage, projectID, usage, project: projectID)
    }

    func setLimits(_ limits: [String: Int], project projectID: String) throws {
        var own: [String: Int] = try get(.quota, projectID) ?? [:]
        for (name, value) in limits {
            guard Quotas.names.contains(name) else {
                throw CloudError(.badRequest, "Unknown quota '\(name)' (one of \(Quotas.names.joined(separator: ", ")))")
            }
            own[name] = value
        }
        try put(.quota, projectID, own, project: projectID)
    }

    /// The refusal each service words its own way.
    static func quotaError(_ name: String, requested: Int, used: Int, limit: Int) -> CloudError {
        switch name {
        case "instances", "cores", "ram", "key_pairs", "server_groups":
            return CloudError(
                .quotaExceeded, "Quota exceeded for \(name): Requested \(requested), but already used \(used) of \(limit) \(name)",
                httpStatus: 403)
        case "volumes":
            return CloudError(
                .quotaExceeded, "VolumeLimitExceeded: Maximum number of volumes allowed (\(limit)) exceeded for quota 'volumes'.",
                httpStatus: 413)
        case "gigabytes":
            return CloudError(
                .quotaExceeded,
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. "
                    + "Requested \(requested)G, quota is \(limit)G and \(used)G has been consumed.",
                httpStatus: 413)
        case "loadbalancers":
            return CloudError(.quotaExceeded, "Quota has been met for resources: LoadBalancer", httpStatus: 403)
        default:
            let neutronName = ["floatingips": "floatingip", "ports": "port", "networks": "network", "subnets": "subnet",
                               "routers": "router", "security_groups": "security_group"][name] ?? name
            return CloudError(.quotaExceeded, "Quota exceeded for resources: ['\(neutronName)'].", httpStatus: 409)
        }
    }
}
