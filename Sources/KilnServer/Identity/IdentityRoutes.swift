import Foundation
import Hummingbird
import KilnModel
import KilnTemplate

/// Keystone v3's version documents and `/v3/auth/tokens`: what the OpenStack clients need to
/// sign in and find the orchestration endpoint.
struct IdentityRoutes {
    let identity: IdentityService
    let region = "RegionOne"
    /// Whether the server serves a cloud's APIs too: the catalog then lists them.
    var servesCloud = false

    func register(on router: Router<KilnRequestContext>) {
        router.get("/") { request, _ in
            Response.json(["versions": ["values": .list([versionBody(request)])]], status: .multipleChoices)
        }
        router.get("/v3") { request, _ in Response.json(["version": versionBody(request)]) }
        router.post("/v3/auth/tokens") { request, _ in await issueToken(request) }
        router.get("/v3/auth/tokens") { request, _ in await validateToken(request) }
        router.head("/v3/auth/tokens") { request, _ in
            let response = await validateToken(request)
            return Response.empty(response.status == .ok ? .ok : response.status)
        }
        router.delete("/v3/auth/tokens") { request, _ in
            guard let caller = request.headers[.authToken], await identity.validate(caller) != nil,
                  let subject = request.headers[.subjectToken], let token = await identity.validate(subject)
            else { return Self.error(404, "Could not find token.", type: "Not Found") }
            await identity.revoke(token)
            return Response.empty(.noContent)
        }
    }

    func versionBody(_ request: Request) -> Value {
        [
            "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [["rel": "self", "href": .string("\(request.baseURL)/v3/")]],
            "media-types": [["base": "application/json", "type": "application/vnd.openstack.identity-v3+json"]],
        ]
    }

    func issueToken(_ request: Request) async -> Response {
        let body: Value
        do {
            body = try await request.jsonBody()
        } catch let error as HeatError where error.type == "RequestLimitExceeded" {
            return Self.error(413, "Request is too large.", type: "Request Entity Too Large")
        } catch {
            return Self.error(400, "The request body is not valid JSON.", type: "Bad Request")
        }
        if let wrong = Self.wrongType(in: body) { return Self.error(400, wrong, type: "Bad Request") }
        let auth = body.mapValue?["auth"]?.mapValue ?? [:]
        let identityPart = auth["identity"]?.mapValue ?? [:]
        let methods = identityPart["methods"]?.listValue?.compactMap(\.stringValue) ?? []
        let scope = Self.projectScope(auth["scope"])
        do throws(IdentityService.Failure) {
            let token: IssuedToken
            if methods.contains("password") {
                let user = identityPart["password"]?.mapValue?["user"]?.mapValue ?? [:]
                let domain = user["domain"]?.mapValue
                guard let password = user["password"]?.stringValue, user["id"] != nil || user["name"] != nil else {
                    return Self.error(400, "Expecting to find user and password in the password method.", type: "Bad Request")
                }
                token = try await identity.authenticate(
                    userID: user["id"]?.stringValue, userName: user["name"]?.stringValue,
                    domainID: domain?["id"]?.stringValue, domainName: domain?["name"]?.stringValue,
                    password: password, scope: scope)
            } else if methods.contains("token") {
                guard let id = identityPart["token"]?.mapValue?["id"]?.stringValue else {
                    return Self.error(400, "Expecting to find id in token.", type: "Bad Request")
                }
                token = try await identity.reissue(from: id, scope: scope)
            } else {
                return Self.error(400, "Expecting the password or token method.", type: "Bad Request")
            }
            return Response.json(tokenBody(token, request: request), status: .created, headers: [.subjectToken: token.id])
        } catch {
            switch error {
            case .unauthorized(let message): return Self.error(401, message, type: "Unauthorized")
            case .badRequest(let message): return Self.error(400, message, type: "Bad Request")
            case .unavailable(let message): return Self.error(503, message, type: "Service Unavailable")
            }
        }
    }

    /// `GET /v3/auth/tokens`: the caller's X-Auth-Token must be valid, and X-Subject-Token is described.
    func validateToken(_ request: Request) async -> Response {
        guard let caller = request.headers[.authToken], await identity.validate(caller) != nil else {
            return Self.error(401, "The request you have made requires authentication.", type: "Unauthorized")
        }
        guard let subject = request.headers[.subjectToken], let token = await identity.validate(subject) else {
            return Self.error(404, "Could not find token.", type: "Not Found")
        }
        return Response.json(tokenBody(token, request: request), headers: [.subjectToken: token.id])
    }

    /// Keystone's schema check of a token request, in short: the first field of the wrong JSON type.
    static func wrongType(in body: Value) -> String? {
        func check(_ value: Value?, _ path: String, _ kind: String, _ ok: (Value) -> Bool) -> String? {
            guard let value, value != .null, !ok(value) else { return nil }
            return "Invalid input for field '\(path)': \(value.jsonText()) is not of type '\(kind)'"
        }
        let isObject = { (value: Value) in value.mapValue != nil }
        let isString = { (value: Value) in value.stringValue != nil }
        guard body.mapValue != nil else { return "The request body must be a JSON object." }
        let auth = body.mapValue?["auth"]
        let identity = auth?.mapValue?["identity"]
        let user = identity?.mapValue?["password"]?.mapValue?["user"]
        let project = auth?.mapValue?["scope"]?.mapValue?["project"]
        let isStringList = { (value: Value) in value.listValue?.allSatisfy { $0.stringValue != nil } == true }
        var problems: [String?] = [
            check(auth, "auth", "object", isObject),
            check(identity, "auth/identity", "object", isObject),
            check(identity?.mapValue?["methods"], "auth/identity/methods", "array", isStringList),
            check(identity?.mapValue?["password"], "auth/identity/password", "object", isObject),
            check(user, "auth/identity/password/user", "object", isObject),
            check(identity?.mapValue?["token"]?.mapValue?["id"], "auth/identity/token/id", "string", isString),
            check(auth?.mapValue?["scope"], "auth/scope", "object", isObject),
            check(project, "auth/scope/project", "object", isObject),
        ]
        problems += ["id", "name", "password"].map { check(user?.mapValue?[$0], "auth/identity/password/user/\($0)", "string", isString) }
        problems += ["id", "name"].map { check(project?.mapValue?[$0], "auth/scope/project/\($0)", "string", isString) }
        return problems.compactMap { $0 }.first
    }

    static func projectScope(_ scope: Value?) -> IdentityService.ProjectScope? {
        guard let project = scope?.mapValue?["project"]?.mapValue else { return nil }
        let domain = project["domain"]?.mapValue
        return IdentityService.ProjectScope(
            id: project["id"]?.stringValue, name: project["name"]?.stringValue,
            domainID: domain?["id"]?.stringValue, domainName: domain?["name"]?.stringValue)
    }

    func tokenBody(_ token: IssuedToken, request: Request) -> Value {
        let base = request.baseURL
        let domain: Value = ["id": "default", "name": "Default"]
        func endpoints(_ url: String, interfaces: [String]) -> Value {
            .list(interfaces.map { interface in
                ["id": .string(RandomText.id()), "interface": .string(interface), "region_id": .string(region),
                 "region": .string(region), "url": .string(url)]
            })
        }
        let all = ["public", "internal", "admin"]
        return ["token": [
            "methods": .list(token.methods.map(Value.string)),
            "user": ["id": .string(token.userID), "name": .string(token.userName), "domain": domain, "password_expires_at": .null],
            "audit_ids": [.string(token.auditID)],
            "expires_at": .string(Self.keystoneTime(token.expiresAt)),
            "issued_at": .string(Self.keystoneTime(token.issuedAt)),
            "project": ["id": .string(token.projectID), "name": .string(token.projectName), "domain": domain],
            "is_domain": false,
            "roles": .list(token.roles.map { ["id": .string($0), "name": .string($0)] }),
            "catalog": .list([
                ["id": "orchestration", "type": "orchestration", "name": "heat",
                 "endpoints": endpoints("\(base)/v1/\(token.projectID)", interfaces: all)],
                ["id": "identity", "type": "identity", "name": "keystone",
                 "endpoints": endpoints("\(base)/v3", interfaces: all)],
            ] + (servesCloud ? cloudCatalog(base: base, project: token.projectID, endpoints: { endpoints($0, interfaces: all) }) : [])),
        ]]
    }

    /// The emulated cloud's services, as a real cloud's catalog lists them.
    func cloudCatalog(base: String, project: String, endpoints: (String) -> Value) -> [Value] {
        [
            ["id": "compute", "type": "compute", "name": "nova", "endpoints": endpoints("\(base)/compute/v2.1")],
            ["id": "network", "type": "network", "name": "neutron", "endpoints": endpoints("\(base)/network")],
            ["id": "volumev3", "type": "volumev3", "name": "cinderv3", "endpoints": endpoints("\(base)/volume/v3/\(project)")],
            ["id": "block-storage", "type": "block-storage", "name": "cinder", "endpoints": endpoints("\(base)/volume/v3/\(project)")],
            ["id": "load-balancer", "type": "load-balancer", "name": "octavia", "endpoints": endpoints("\(base)/load-balancer")],
            ["id": "image", "type": "image", "name": "glance", "endpoints": endpoints("\(base)/image")],
            ["id": "metric", "type": "metric", "name": "gnocchi", "endpoints": endpoints("\(base)/metric")],
            ["id": "alarming", "type": "alarming", "name": "aodh", "endpoints": endpoints("\(base)/alarming")],
            ["id": "messaging", "type": "messaging", "name": "zaqar", "endpoints": endpoints("\(base)/messaging")],
        ]
    }

    /// `2026-11-26T06:50:00.000000Z`, as Keystone writes times.
    static func keystoneTime(_ date: Date) -> String {
        String(HeatTime.iso(date).dropLast()) + ".000000Z"
    }

    /// Keystone's error body: `{"error": {"code", "message", "title"}}`.
    static func error(_ code: Int, _ message: String, type: String) -> Response {
        let status = HTTPResponse.Status(code: code)
        return Response.json(["error": ["code": .int(code), "message": .string(message), "title": .string(type)]], status: status)
    }
}
