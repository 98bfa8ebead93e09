import Foundation
import KilnModel
import Testing
@testable import KilnServer

/// Requests are labelled (metrics, logs, policy) by the route the router matched, with its
/// variable parts named, so names and ids never reach a label or the log.
@Suite struct RouteNamingTests {
    @Test func requestsAreLabelledByTheirRoute() async throws {
        let lines = Locked<[String]>([])
        let fixture = try ServerFixture(users: [], log: RequestLog { line in lines.withLock { $0.append(line) } })
        let cases: [(String, String)] = [
            ("/v1/P/stacks", "/v1/:project/stacks"),
            ("/v1/P/stacks/detail", "/v1/:project/stacks/detail"),
            ("/v1/P/stacks/web", "/v1/:project/stacks/:name"),
            ("/v1/P/stacks/web/resources", "/v1/:project/stacks/:name/resources"),
            ("/v1/P/stacks/web/xyz-123", "/v1/:project/stacks/:name/:id"),
            ("/v1/P/stacks/web/xyz/resources/db/events", "/v1/:project/stacks/:name/:id/resources/:resource/events"),
            ("/v1/P/stacks/web/xyz/snapshots/s1", "/v1/:project/stacks/:name/:id/snapshots/:snapshot"),
            ("/v1/P/resource_types/OS::Heat::None/template", "/v1/:project/resource_types/:type/template"),
            ("/v1/P/software_configs/c1", "/v1/:project/software_configs/:config"),
            ("/v1/P/software_deployments/metadata/server-1", "/v1/:project/software_deployments/metadata/:server"),
            ("/v1/P/services", "/v1/:project/services"),
            ("/v1/P/secret-looking-thing", "/v1/:project/**"),
            ("/v3", "/v3"),
            ("/metrics", "/metrics"),
            ("/etc/passwd", "unmatched"),
        ]
        try await fixture.run { client in
            let admin = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            lines.withLock { $0.removeAll() }
            for (path, _) in cases {
                _ = try await client.call(.get, path.replacingOccurrences(of: "/P/", with: "/\(admin.projectID)/"), token: admin.token)
            }
        }
        let routes = try lines.withLock { $0 }.map { try Value.parseJSON($0)["route"].stringValue ?? "" }
        #expect(routes == cases.map(\.1))
        #expect(lines.withLock { $0 }.allSatisfy { !$0.contains("web") && !$0.contains("xyz") && !$0.contains("passwd") })
    }

    @Test func readerMayPreviewButNotValidateAsHeatsPolicySays() {
        let preview = HeatPolicy.rule(method: .post, route: "/v1/:project/stacks/preview", globalTenant: false)
        let validate = HeatPolicy.rule(method: .post, route: "/v1/:project/validate", globalTenant: false)
        #expect(preview.1 == .reader && validate.1 == .member)
        #expect(HeatPolicy.level(of: ["admin"]) > HeatPolicy.level(of: ["member", "reader"]))
    }
}
