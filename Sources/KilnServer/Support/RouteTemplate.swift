/// The route a request path belongs to, with its variable parts named (`/v1/:project/stacks/:name/:id`):
/// the label metrics and logs use, so names and ids never make new series or reach the log.
enum RouteTemplate {
    /// Fixed paths outside the Heat API.
    static let fixed: Set<String> = ["/", "/v3", "/v3/auth/tokens", "/metrics"]

    /// Collections whose next segments are variables, with the names they get.
    static let variables: [String: [String]] = [
        "stacks": [":name", ":id"], "resources": [":resource"], "events": [":event"], "outputs": [":output"],
        "snapshots": [":snapshot"], "resource_types": [":type"], "template_versions": [":version"],
        "software_configs": [":config"], "software_deployments": [":deployment"],
    ]

    /// Words that may stand where a collection or an end point is expected.
    static let literals: Set<String> = [
        "stacks", "resources", "events", "outputs", "snapshots", "resource_types", "template_versions", "detail",
        "preview", "template", "environment", "files", "actions", "abandon", "export", "metadata", "signal", "restore",
        "functions", "validate", "build_info", "software_configs", "software_deployments", "services",
    ]

    static func of(path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        if fixed.contains(trimmed) { return trimmed }
        let segments = trimmed.split(separator: "/").map(String.init)
        guard segments.count >= 2, segments[0] == "v1" else { return "unmatched" }
        return "/" + (["v1", ":project"] + heat(Array(segments.dropFirst(2)))).joined(separator: "/")
    }

    /// The Heat part below the project: collections keep their word, what follows them is named.
    private static func heat(_ segments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < segments.count {
            let word = segments[index]
            guard literals.contains(word) else {
                out.append("*")  // unknown: one label for all of them
                index += 1
                continue
            }
            out.append(word)
            index += 1
            for (position, name) in (variables[word] ?? []).enumerated() where index < segments.count {
                let next = segments[index]
                // `/stacks/detail`, `/stacks/preview` and `/stacks/{name}/{sub}` (a lookup) are not variables.
                if word == "stacks", position == 0, ["detail", "preview"].contains(next), index == segments.count - 1 { break }
                if word == "stacks", position == 1, HeatAPI.lookupSubpaths.contains(next) { break }
                // `/software_deployments/metadata/{server}`: the server id is the variable.
                if word == "software_deployments", next == "metadata" {
                    out += ["metadata", ":server"]
                    index = segments.count
                    break
                }
                out.append(name)
                index += 1
            }
        }
        return out
    }
}
