import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// The OpenStack APIs of the engine's cloud (compute, network, block storage, load balancer,
/// image, metric, alarming, messaging), served so the stock clients see the emulated cloud as a real one. Each service is
/// one route file over the cloud protocols; this file holds what they share: the token gate,
/// the parsed call, and each service's error body.
struct CloudAPI: Sendable {
    let cloud: any Cloud
    let tokens: any TokenValidator

    /// Where each service lives below the server's root (the catalog lists the same).
    static let prefixes = ["compute", "network", "volume", "load-balancer", "image", "metric", "alarming", "messaging"]

    func register(on router: Router<KilnRequestContext>) {
        let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head]
        for prefix in Self.prefixes {
            let group = router.group(RouterPath(prefix))
            for method in methods {
                // Version documents need no token, as in OpenStack.
                group.on("", method: method) { request, context in await respond(prefix, request, context) }
                group.on("**", method: method) { request, context in await respond(prefix, request, context) }
            }
        }
    }

    func respond(_ service: String, _ request: Request, _ context: KilnRequestContext) async -> Response {
        let style = CloudErrorStyle(service: service)
        let segments = request.uri.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }.dropFirst()
        var query: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key), default: []].append(String(value)) }
        let base = request.baseURL + "/" + service
        let path = Array(segments)
        // Version discovery: the service root and its version roots.
        if request.method == .get, let document = CloudVersions.document(service: service, path: path, base: base) {
            // Zaqar's root answers 300 Multiple Choices, as falcon's version resource does.
            return .json(document, status: service == "messaging" ? .multipleChoices : .ok)
        }
        guard let tokenID = request.headers[.authToken], let token = await tokens.validate(tokenID) else {
            return style.response(CloudError(.unauthorized, "The request you have made requires authentication."))
        }
        let call = CloudCall(
            request: request, session: cloud.session(projectID: token.projectID), token: token, path: path, query: query,
            base: base)
        do {
            switch service {
            case "compute": return try await ComputeRoutes(call: call).route()
            case "network": return try await NetworkRoutes(call: call).route()
            case "volume": return try await VolumeRoutes(call: call).route()
            case "load-balancer": return try await LoadBalancerRoutes(call: call).route()
            case "metric": return try await MetricRoutes(call: call).route()
            case "alarming": return try await AlarmRoutes(call: call).route()
            case "messaging": return try await MessagingRoutes(call: call).route()
            default: return try await ImageRoutes(call: call).route()
            }
        } catch let error as CloudError {
            return style.response(error)
        } catch let fault as ZaqarFault {
            return fault.response
        } catch let error as HeatError {
            return style.response(CloudError(.badRequest, error.message, httpStatus: Int(error.status.code)))
        } catch {
            return style.response(CloudError(.serverError, "\(error)"))
        }
    }
}

/// One authenticated call to a cloud API: the path below the service's prefix, the query.
struct CloudCall: Sendable {
    let request: Request
    let session: CloudSession
    let token: IssuedToken
    let path: [String]
    let query: [String: [String]]
    /// `http://host:port/SERVICE`, for links.
    let base: String

    var method: HTTPRequest.Method { request.method }
    func first(_ key: String) -> String? { query[key]?.first }

    func body() async throws -> [String: Value] {
        guard let map = try await request.jsonBody().mapValue else { throw CloudError(.badRequest, "The request body must be a JSON object.") }
        return map
    }

    /// The body's `key` object (`{"server": {...}}`), or a 400 naming it.
    func body(_ key: String) async throws -> [String: Value] {
        guard let inner = try await body()[key]?.mapValue else {
            throw CloudError(.badRequest, "Malformed request body: the '\(key)' object is missing.")
        }
        return inner
    }

    /// Keeps objects matching every `name=value` filter given among `fields` (compared as text).
    func filtered(_ items: [Value], by fields: [String]) -> [Value] {
        items.filter { item in
            let map = item.mapValue ?? [:]
            for field in fields {
                guard let wanted = query[field], !wanted.isEmpty else { continue }
                let actual = map[field].map { $0.stringValue ?? $0.jsonText() } ?? ""
                if !wanted.contains(actual) { return false }
            }
            return true
        }
    }
}

/// How each service words an error.
enum CloudErrorStyle {
    case nova, neutron, cinder, octavia, glance, gnocchi, aodh, zaqar

    init(service: String) {
        switch service {
        case "network": self = .neutron
        case "volume": self = .cinder
        case "load-balancer": self = .octavia
        case "image": self = .glance
        case "metric": self = .gnocchi
        case "alarming": self = .aodh
        case "messaging": self = .zaqar
        default: self = .nova
        }
    }

    func response(_ error: CloudError) -> Response {
        let status = HTTPResponse.Status(code: error.httpStatus)
        switch self {
        case .nova, .cinder:
            let key: String
            switch error.httpStatus {
            case 400: key = "badRequest"
            case 401: key = "unauthorized"
            case 403: key = "forbidden"
            case 404: key = "itemNotFound"
            case 409: key = "conflictingRequest"
            case 413: key = "overLimit"
            default: key = "computeFault"
            }
            return .json([key: ["code": .int(error.httpStatus), "message": .string(error.message)]], status: status)
        case .neutron:
            let type: String
            switch error.httpStatus {
            case 400: type = "BadRequest"
            case 401: type = "NotAuthorized"
            case 404: type = "NotFound"
            case 409: type = error.kind == .quotaExceeded ? "OverQuota" : "Conflict"
            default: type = "NeutronError"
            }
            return .json(["NeutronError": ["type": .string(type), "message": .string(error.message), "detail": ""]], status: status)
        case .octavia:
            return .json(["faultcode": error.httpStatus < 500 ? "Client" : "Server", "faultstring": .string(error.message), "debuginfo": .null],
                         status: status)
        case .glance:
            return .json(["error": ["code": .int(error.httpStatus), "message": .string(error.message), "title": .string(status.reasonPhrase)]],
                         status: status)
        case .gnocchi:
            // Gnocchi (pecan/webob): {"code": 404, "description": "...", "title": "Not Found"}.
            return .json(["code": .int(error.httpStatus), "description": .string(error.message), "title": .string(status.reasonPhrase)],
                         status: status)
        case .aodh:
            // Aodh (WSME's fault inside its ParsableErrorMiddleware's wrapper).
            return .json(["error_message": ["faultcode": error.httpStatus < 500 ? "Client" : "Server", "faultstring": .string(error.message),
                                            "debuginfo": .null]], status: status)
        case .zaqar:
            // Zaqar (falcon): {"title": "Not found", "description": "..."}.
            return ZaqarFault(error).response
        }
    }
}

/// Each service's version documents, which keystoneauth reads to find the API.
enum CloudVersions {
    static let updated = "2024-10-01T00:00:00Z"

    static func document(service: String, path: [String], base: String) -> Value? {
        func link(_ href: String) -> Value { .list([["rel": "self", "href": .string(href)]]) }
        switch service {
        case "compute":
            let version: Value = [
                "id": "v2.1", "status": "CURRENT", "version": "2.79", "min_version": "2.1", "updated": .string(updated),
                "links": link(base + "/v2.1/"),
                "media-types": [["base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"]],
            ]
            if path.isEmpty { return ["versions": [version]] }
            if path == ["v2.1"] { return ["version": version] }
        case "network":
            let version: Value = ["id": "v2.0", "status": "CURRENT", "links": link(base + "/v2.0/")]
            if path.isEmpty { return ["versions": [version]] }
            if path == ["v2.0"] {
                return ["resources": .list(["network", "subnet", "port", "router", "floatingip", "security_group"].map { name in
                    ["name": .string(name), "collection": .string(name == "security_group" ? "security_groups" : name + "s"),
                     "links": link(base + "/v2.0/\(name)s")]
                })]
            }
        case "volume":
            let version: Value = [
                "id": "v3.0", "status": "CURRENT", "version": "3.70", "min_version": "3.0", "updated": .string(updated),
                "links": link(base + "/v3/"),
                "media-types": [["base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"]],
            ]
            if path.isEmpty { return ["versions": [version]] }
            if path == ["v3"] { return ["version": version] }
        case "metric":
            let version: Value = ["id": "v1.0", "status": "CURRENT", "updated": "2015-03-19T00:00:00Z", "links": link(base + "/v1/")]
            if path.isEmpty { return ["build": "4.6.0", "versions": [version]] }
        case "alarming":
            if path.isEmpty { return AlarmVersions.document(base: base) }
        case "messaging":
            let version: Value = [
                "id": "2", "status": "CURRENT", "updated": "2014-9-24T04:06:47Z",
                "media-types": [["base": "application/json", "type": "application/vnd.openstack.messaging-v2+json"]],
                "links": [["href": "/v2/", "rel": "self"]],
            ]
            if path.isEmpty { return ["versions": [version]] }
        case "load-balancer":
            let version: Value = ["id": "v2.0", "status": "CURRENT", "updated": .string(updated), "links": link(base + "/v2")]
            if path.isEmpty { return ["versions": [version]] }
            if path == ["v2"] || path == ["v2.0"] { return ["version": version] }
        default:
            let versions: [Value] = ["v2.16", "v2.15", "v2.0"].enumerated().map { index, id in
                ["id": .string(id), "status": index == 0 ? "CURRENT" : "SUPPORTED", "links": link(base + "/v2/")]
            }
            if path.isEmpty || path == ["versions"] { return ["versions": .list(versions)] }
        }
        return nil
    }
}

/// Times as the OpenStack services write them.
enum CloudTime {
    /// `2026-12-05T06:00:00Z`
    static func iso(_ date: Date) -> Value { .string(HeatTime.iso(date)) }
    /// `2026-12-05T06:00:00.000000` (Nova's and Cinder's microseconds, no zone).
    static func micro(_ date: Date) -> Value { .string(String(HeatTime.iso(date).dropLast()) + ".000000") }
}

extension Value {
    init(_ text: String?) { self = text.map(Value.string) ?? .null }
    init(_ number: Int?) { self = number.map(Value.int) ?? .null }
}
