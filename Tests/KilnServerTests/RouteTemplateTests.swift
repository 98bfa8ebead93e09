import Testing
@testable import KilnServer

@Suite struct RouteTemplateTests {
    @Test(arguments: [
        ("/v1/p1/stacks", "/v1/:project/stacks"),
        ("/v1/p1/stacks/detail", "/v1/:project/stacks/detail"),
        ("/v1/p1/stacks/preview", "/v1/:project/stacks/preview"),
        ("/v1/p1/stacks/web", "/v1/:project/stacks/:name"),
        ("/v1/p1/stacks/web/resources", "/v1/:project/stacks/:name/resources"),
        ("/v1/p1/stacks/web/abc-123", "/v1/:project/stacks/:name/:id"),
        ("/v1/p1/stacks/web/abc/resources/db/signal", "/v1/:project/stacks/:name/:id/resources/:resource/signal"),
        ("/v1/p1/stacks/web/abc/snapshots/s1/restore", "/v1/:project/stacks/:name/:id/snapshots/:snapshot/restore"),
        ("/v1/p1/resource_types/OS::Heat::None/template", "/v1/:project/resource_types/:type/template"),
        ("/v1/p1/software_configs/c1", "/v1/:project/software_configs/:config"),
        ("/v1/p1/software_deployments/d1", "/v1/:project/software_deployments/:deployment"),
        ("/v1/p1/software_deployments/metadata/server-1", "/v1/:project/software_deployments/metadata/:server"),
        ("/v1/p1/services", "/v1/:project/services"),
        ("/v1/p1/secret-looking-thing", "/v1/:project/*"),
        ("/v3/auth/tokens", "/v3/auth/tokens"),
        ("/metrics", "/metrics"),
        ("/etc/passwd", "unmatched"),
    ])
    func templates(path: String, route: String) {
        #expect(RouteTemplate.of(path: path) == route)
    }

    @Test func readerMayPreviewButNotValidateAsHeatsPolicySays() {
        let preview = HeatPolicy.rule(method: .post, route: "/v1/:project/stacks/preview", globalTenant: false)
        let validate = HeatPolicy.rule(method: .post, route: "/v1/:project/validate", globalTenant: false)
        #expect(preview.1 == .reader && validate.1 == .member)
        #expect(HeatPolicy.level(of: ["admin"]) > HeatPolicy.level(of: ["member", "reader"]))
    }
}
