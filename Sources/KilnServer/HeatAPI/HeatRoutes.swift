import Hummingbird

/// The routes of Heat's v1 API below `/v1/{project_id}`, as data: each route's template and
/// the methods it answers. `HeatAPI.register` puts them on the router (other methods get
/// Heat's 405 with `Allow`), the policy reads the same templates.
enum HeatRoutes {
    /// The methods a route is registered for: those it answers, and those that get a 405.
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    static let allowedMethods: [String: [HTTPRequest.Method]] = {
        let stack = "/v1/:project/stacks/:name/:id"
        let resource = stack + "/resources/:resource"
        return [
            "/v1/:project/stacks": [.get, .post], "/v1/:project/stacks/detail": [.get],
            "/v1/:project/stacks/preview": [.post], "/v1/:project/validate": [.post],
            "/v1/:project/resource_types": [.get], "/v1/:project/resource_types/:type": [.get],
            "/v1/:project/resource_types/:type/template": [.get], "/v1/:project/template_versions": [.get],
            "/v1/:project/template_versions/:version/functions": [.get], "/v1/:project/build_info": [.get],
            stack: [.get, .put, .patch, .delete], stack + "/preview": [.put, .patch], stack + "/abandon": [.delete],
            stack + "/export": [.get], stack + "/template": [.get], stack + "/environment": [.get], stack + "/files": [.get],
            stack + "/actions": [.post], stack + "/events": [.get], stack + "/events/stream": [.get], stack + "/outputs": [.get],
            stack + "/outputs/:output": [.get], stack + "/snapshots": [.get, .post],
            stack + "/snapshots/:snapshot": [.get, .delete], stack + "/snapshots/:snapshot/restore": [.post],
            stack + "/resources": [.get], resource: [.get, .patch], resource + "/metadata": [.get],
            resource + "/signal": [.post], resource + "/events": [.get], resource + "/events/:event": [.get],
            "/v1/:project/software_configs": [.get, .post], "/v1/:project/software_configs/:config": [.get, .delete],
            "/v1/:project/software_deployments": [.get, .post],
            "/v1/:project/software_deployments/:deployment": [.get, .put, .delete],
            "/v1/:project/software_deployments/metadata/:server": [.get], "/v1/:project/services": [.get],
            "/v1/:project/notifications": [.get], "/v1/:project/notifications/:notification/retry": [.post],
        ]
    }()
}
