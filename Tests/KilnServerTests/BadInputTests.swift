import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnEngine
import KilnServer
import KilnStore
import KilnTemplate

/// Bad requests against a real server: each gets its status and Heat's error body (never a
/// 500), and afterwards the stored stacks, resources and events are exactly as before.
@Suite struct BadInputTests {
    @Test func badBodiesAreRefusedAndChangeNothing() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let scene = try await Scene(client, fixture)
            let before = try await scene.state(client)
            let stacks = "/v1/\(scene.project)/stacks", stack = scene.stackPath
            let hello = helloTemplate

            var cases: [BadCall] = []
            func add(_ method: HTTPRequest.Method, _ path: String, _ body: String, _ status: HTTPResponse.Status = .badRequest,
                     type: String? = nil) {
                cases.append(BadCall(method: method, path: path, body: body, status: status, type: type))
            }
            func create(_ extra: Value) -> String {
                var body: [String: Value] = ["stack_name": "fresh", "template": hello]
                body.merge(extra.mapValue ?? [:]) { _, new in new }
                return Value.map(body).jsonText()
            }
            let update = { (extra: Value) in Value.map(["template": hello].merging(extra.mapValue ?? [:]) { _, new in new }).jsonText() }

            // Bodies that are not a JSON object, or are too large, wherever a body is read.
            let bodyRoutes: [(HTTPRequest.Method, String)] = [
                (.post, stacks), (.post, stacks + "/preview"), (.put, stack), (.patch, stack), (.put, stack + "/preview"),
                (.patch, stack + "/preview"), (.post, stack + "/actions"), (.post, stack + "/resources/greeting/signal"),
                (.post, "/v1/\(scene.project)/validate"), (.post, stack + "/snapshots"),
            ]
            for (method, path) in bodyRoutes {
                add(method, path, "{\"stack_name\": ")
                add(method, path, oversizedBody, type: "RequestLimitExceeded")
                if !path.hasSuffix("/signal") {
                    add(method, path, "[1, 2]")
                    add(method, path, "\"text\"")
                }
            }

            // Create: fields of the wrong type or out of range.
            for extra: Value in [
                ["template": 5], ["template": [1, 2]], ["template": "heat_template_version: [unclosed"], ["template": .null],
                ["parameters": ["a"]], ["parameters": "name=x"], ["parameters": ["nope": "x"]],
                ["timeout_mins": "soon"], ["timeout_mins": -5], ["timeout_mins": 1.5], ["timeout_mins": []],
                ["disable_rollback": "perhaps"], ["disable_rollback": 3],
                ["stack_name": 42], ["stack_name": ""], ["stack_name": "1bad"], ["stack_name": ["a"]], ["stack_name": .null],
                ["environment": 5], ["files": ["a"]], ["environment_files": "env.yaml"], ["environment_files": ["missing.yaml"]],
                ["tags": 5], ["tags": [1]], ["tags": .string(String(repeating: "t", count: 81))],
                ["template_url": "http://example.com/t.yaml", "template": .null],
            ] {
                add(.post, stacks, create(extra))
                if extra.mapValue?["stack_name"] == nil { add(.post, stacks + "/preview", create(extra)) }
            }
            add(.post, stacks, create(["stack_name": "keep"]), .conflict, type: "StackExists")

            // Update (PUT needs a template; PATCH keeps what is not given).
            add(.put, stack, "{}")
            for extra: Value in [
                ["template": 5], ["parameters": ["a"]], ["parameters": ["nope": 1]], ["timeout_mins": "x"],
                ["disable_rollback": "x"], ["environment": [1]], ["clear_parameters": "name"],
            ] {
                add(.put, stack, update(extra))
                add(.patch, stack, extra.jsonText())
                add(.put, stack + "/preview", update(extra))
            }

            // Actions: exactly one known action.
            for body in ["{}", "{\"suspend\": null, \"resume\": null}", "{\"explode\": null}"] { add(.post, stack + "/actions", body) }

            // Validate.
            let validate = "/v1/\(scene.project)/validate"
            for body: Value in [[:], ["template": 5], ["template": hello, "parameters": ["a"]], ["template": hello, "environment": 5]] {
                add(.post, validate, body.jsonText())
            }

            // Things that do not exist, and bad query values.
            for path in [
                "/v1/\(scene.project)/nothing", stack + "/nothing", stack + "/resources/nope", stack + "/outputs/nope",
                stacks + "/nope", stacks + "/nope/\(scene.id)", stacks + "/keep/not-an-id", stack + "/snapshots/nope",
                stack + "/resources/greeting/events/nope", stack + "/events?marker=nope", "/v1/\(scene.project)/resource_types/OS::No::Such",
                stacks + "/keep/\(scene.id)/resources/nope/events",
            ] {
                add(.get, path, "", .notFound)
            }
            add(.post, stack + "/resources/nope/signal", "{}", .notFound)
            add(.delete, stack + "/snapshots/nope", "", .notFound)
            add(.post, stack + "/snapshots/nope/restore", "{}", .notFound)
            add(.delete, stacks + "/nope/\(scene.id)", "", .notFound)
            for query in ["limit=abc", "limit=-1"] { add(.get, stacks + "?" + query, "") }
            add(.get, stack + "/events?limit=many", "")
            add(.get, stack + "/resources?nested_depth=deep", "")

            for bad in cases {
                let reply = try await client.call(bad.method, bad.path, token: scene.token, raw: bad.body.isEmpty ? nil : bad.body)
                expectHeatError(reply, bad.status, type: bad.type, "\(bad.method) \(bad.path) \(bad.body.prefix(80))")
            }
            // Any create or update a bad call had started would show here (a new stack, a new event).
            #expect(try await scene.state(client) == before)
        }
    }

    @Test func missingInvalidAndRevokedTokensAre401() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let stacks = "/v1/\(project)/stacks"
            let create = Value.map(["stack_name": "nope", "template": helloTemplate]).jsonText()

            expectHeatError(try await client.call(.get, stacks), .unauthorized, type: "HTTPUnauthorized", "no token")
            expectHeatError(try await client.call(.post, stacks, raw: create), .unauthorized, type: "HTTPUnauthorized", "no token, create")
            expectHeatError(try await client.call(.get, stacks, token: ""), .unauthorized, type: "HTTPUnauthorized", "empty token")
            expectHeatError(try await client.call(.get, stacks, token: "gAAAAforged"), .unauthorized, type: "HTTPUnauthorized", "forged")
            expectHeatError(try await client.call(.get, stacks, token: token + "x"), .unauthorized, type: "HTTPUnauthorized", "altered")

            // Keystone answers in its own shape.
            let noCaller = try await client.call(.get, "/v3/auth/tokens")
            #expect(noCaller.status == .unauthorized)
            #expect(noCaller.json["error"]["code"] == .int(401))

            // Revoked: the token stops working at once.
            let (revoked, _) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            var headers = HTTPFields()
            headers[HTTPFields.Element.Name("X-Auth-Token")!] = token
            headers[HTTPFields.Element.Name("X-Subject-Token")!] = revoked
            #expect(try await client.client.execute(uri: "/v3/auth/tokens", method: .delete, headers: headers) { $0.status } == .noContent)
            expectHeatError(try await client.call(.get, stacks, token: revoked), .unauthorized, type: "HTTPUnauthorized", "revoked")
            #expect(try await client.call(.get, stacks, token: token).status == .ok)
            await #expect(try fixture.server.engine.stacks(StackQuery(projectID: nil)).isEmpty)
        }
    }

    @Test func expiredTokensAre401() async throws {
        // This server's tokens live five seconds; the token says so, and is refused once they are
        // over (the server's clock is moved on 5.5 s rather than waited for).
        let clock = Locked(Date())
        let fixture = try ServerFixture(tokenLifetime: 5, now: { clock.withLock { $0 } })
        try await fixture.run { client in
            let issued = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": [
                    "name": "admin", "password": .string(fixture.adminPassword), "domain": ["name": "Default"]]]],
                "scope": ["project": ["name": "admin", "domain": ["name": "Default"]]]]])
            let token = try #require(issued.headers[HTTPFields.Element.Name("X-Subject-Token")!])
            let project = try #require(issued.json["token"]["project"]["id"].stringValue)
            func date(_ key: String) -> Date? {
                issued.json["token"][key].stringValue.flatMap { ISO8601DateFormatter().date(from: $0.replacingOccurrences(of: ".000000", with: "")) }
            }
            let lifetime = try #require(date("expires_at")).timeIntervalSince(try #require(date("issued_at")))
            #expect(lifetime == 5)

            clock.withLock { $0 = $0.addingTimeInterval(5.5) }
            let stacks = "/v1/\(project)/stacks"
            let create = Value.map(["stack_name": "nope", "template": helloTemplate]).jsonText()
            expectHeatError(try await client.call(.get, stacks, token: token), .unauthorized, type: "HTTPUnauthorized", "expired")
            expectHeatError(try await client.call(.post, stacks, token: token, raw: create), .unauthorized, type: "HTTPUnauthorized", "expired")
            let rescope = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["token"], "token": ["id": .string(token)]]]])
            #expect(rescope.status == .unauthorized)
            await #expect(try fixture.server.engine.stacks(StackQuery(projectID: nil)).isEmpty)
        }
    }

    @Test func anotherProjectsStacksAre404AndStayUntouched() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let scene = try await Scene(client, fixture)
            let before = try await scene.state(client)
            let mine = "/v1/\(scene.aliceProject)/stacks"
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.get, mine + "/keep", nil), (.get, mine + "/\(scene.id)", nil), (.get, mine + "/keep/\(scene.id)", nil),
                (.get, mine + "/keep/\(scene.id)/resources", nil), (.get, mine + "/keep/\(scene.id)/events", nil),
                (.get, mine + "/keep/\(scene.id)/template", nil), (.get, mine + "/keep/\(scene.id)/outputs", nil),
                (.get, mine + "/keep/resources", nil), (.get, mine + "/\(scene.id)/events", nil),
                (.put, mine + "/keep/\(scene.id)", Value.map(["template": helloTemplate]).jsonText()),
                (.patch, mine + "/keep/\(scene.id)", "{\"parameters\": {\"name\": \"taken\"}}"),
                (.delete, mine + "/keep/\(scene.id)", nil), (.delete, mine + "/\(scene.id)", nil),
                (.post, mine + "/keep/\(scene.id)/actions", "{\"suspend\": null}"),
                (.post, mine + "/keep/\(scene.id)/resources/greeting/signal", "{}"),
                (.post, mine + "/keep/\(scene.id)/snapshots", "{}"),
                (.delete, mine + "/keep/\(scene.id)/abandon", nil),
            ]
            for (method, path, body) in calls {
                expectHeatError(try await client.call(method, path, token: scene.aliceToken, raw: body), .notFound, "\(method) \(path)")
            }
            // Another project's path with one's own token: refused outright.
            let theirs = try await client.call(.get, "/v1/\(scene.project)/stacks/keep/\(scene.id)", token: scene.aliceToken)
            expectHeatError(theirs, .forbidden, "admin's project path with alice's token")
            #expect(try await client.call(.get, mine, token: scene.aliceToken).json["stacks"] == .list([]))
            #expect(try await scene.state(client) == before)
        }
    }

    /// Heat passes unknown top-level fields to its engine, which ignores them: so does Kiln.
    @Test func unknownTopLevelFieldsAreIgnored() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "extra", "template": helloTemplate, "bogus": 1, "nested": ["deep": [1, 2]], "converge": false,
            ])
            #expect(created.status == .created)
            let path = pathOf(try #require(created.headers[.location]))
            #expect(try await client.waitForStack(path, token: token)["stack_status"].stringValue == "CREATE_COMPLETE")
            let patched = try await client.call(.patch, path, token: token, body: ["parameters": ["name": "again"], "whatever": "x"])
            #expect(patched.status == .accepted)
            let updated = try await client.waitForStack(path, token: token)
            #expect(updated["stack_status"].stringValue == "UPDATE_COMPLETE")
            #expect(updated["outputs"][0]["output_value"].stringValue == "Hello, again!")
            let validated = try await client.call(.post, "/v1/\(project)/validate", token: token, body: ["template": helloTemplate, "bogus": true])
            #expect(validated.status == .ok)
        }
    }

    @Test func badTokenRequestsGetKeystonesErrors() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let password: Value = ["user": ["name": "admin", "password": .string(fixture.adminPassword), "domain": ["name": "Default"]]]
            let bodies: [(String, HTTPResponse.Status)] = [
                ("{not json", .badRequest), ("[]", .badRequest), ("{}", .badRequest), ("{\"auth\": \"x\"}", .badRequest),
                (Value.map(["auth": ["identity": ["methods": "password", "password": password]]]).jsonText(), .badRequest),
                (Value.map(["auth": ["identity": ["methods": ["password"], "password": ["user": ["name": 5, "password": "x"]]]]]).jsonText(), .badRequest),
                (Value.map(["auth": ["identity": ["methods": ["password"], "password": ["user": ["name": "admin", "password": 5]]]]]).jsonText(), .badRequest),
                (Value.map(["auth": ["identity": ["methods": ["token"], "token": ["id": 5]]]]).jsonText(), .badRequest),
                (Value.map(["auth": ["identity": ["methods": ["password"], "password": password], "scope": ["project": ["id": 5]]]]).jsonText(), .badRequest),
                (Value.map(["auth": ["identity": ["methods": ["password"], "password": password], "scope": ["project": ["name": "nowhere"]]]]).jsonText(), .unauthorized),
                (oversizedBody, .contentTooLarge),
            ]
            for (body, status) in bodies {
                let reply = try await client.call(.post, "/v3/auth/tokens", raw: body)
                #expect(reply.status == status, "\(body.prefix(80))")
                #expect(reply.json["error"]["code"] == .int(status.code), "\(body.prefix(80))")
                #expect(reply.json["error"]["message"].stringValue?.isEmpty == false, "\(body.prefix(80))")
                #expect(reply.headers[HTTPFields.Element.Name("X-Subject-Token")!] == nil)
            }
        }
    }

    /// Paths the server does not serve, with any method, get Heat's 404 body; the fixed routes still answer.
    @Test
    func pathsOutsideTheAPIAre404WithHeatsBody() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            for (method, path) in [(HTTPRequest.Method.get, "/nowhere"), (.post, "/v2/x/stacks"), (.delete, "/v3/nope"),
                                   (.options, "/etc/passwd"), (.put, "/metrics/x")] {
                let reply = try await client.call(method, path, raw: "{}")
                expectHeatError(reply, .notFound, type: "HTTPNotFound", "\(method) \(path)")
            }
            #expect(try await client.call(.get, "/").status == .multipleChoices)
            #expect(try await client.call(.get, "/v3").status == .ok)
            #expect(try await client.call(.get, "/metrics").status == .ok)
        }
    }

    @Test
    func wrongMethodsAre405() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let scene = try await Scene(client, fixture)
            let before = try await scene.state(client)
            let stacks = "/v1/\(scene.project)/stacks"
            let calls: [(HTTPRequest.Method, String, String)] = [
                (.delete, stacks, "GET,POST"), (.put, stacks, "GET,POST"), (.patch, stacks, "GET,POST"),
                (.get, "/v1/\(scene.project)/validate", "POST"), (.post, scene.stackPath + "/events", "GET"),
                (.get, scene.stackPath + "/actions", "POST"), (.post, scene.stackPath, "GET,PUT,PATCH,DELETE"),
                (.put, scene.stackPath + "/resources/greeting/signal", "POST"), (.delete, scene.stackPath + "/template", "GET"),
            ]
            for (method, path, allowed) in calls {
                let reply = try await client.call(method, path, token: scene.token, raw: "{}")
                expectHeatError(reply, .methodNotAllowed, type: "HTTPMethodNotAllowed", "\(method) \(path)")
                #expect(reply.headers[.allow] == allowed)
            }
            #expect(try await scene.state(client) == before)
        }
    }
}

/// One bad request and the answer it must get.
struct BadCall {
    var method: HTTPRequest.Method
    var path: String
    var body: String
    var status: HTTPResponse.Status
    var type: String?
}

/// A JSON object just over Heat's 1 MiB `max_json_body_size`.
let oversizedBody = "{\"stack_name\": \"big\", \"files\": {\"f\": \"" + String(repeating: "x", count: 1 << 20) + "\"}}"

/// Heat's error body: `{"explanation", "code", "error": {"message", "traceback", "type"}, "title"}`, never a 500.
func expectHeatError(_ reply: ServerFixture.Client.Reply, _ status: HTTPResponse.Status, type: String? = nil, _ what: String,
                     sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(reply.status == status, "\(what): \(reply.json.jsonText().prefix(300))", sourceLocation: sourceLocation)
    #expect(reply.status.code < 500, "\(what)", sourceLocation: sourceLocation)
    #expect(reply.headers[.contentType] == "application/json", "\(what)", sourceLocation: sourceLocation)
    #expect(reply.json["code"] == .int(reply.status.code), "\(what)", sourceLocation: sourceLocation)
    #expect(reply.json["title"].stringValue?.isEmpty == false, "\(what)", sourceLocation: sourceLocation)
    #expect(reply.json["explanation"].stringValue?.isEmpty == false, "\(what)", sourceLocation: sourceLocation)
    #expect(reply.json["error"]["message"].stringValue?.isEmpty == false, "\(what)", sourceLocation: sourceLocation)
    #expect(reply.json["error"].mapValue?["traceback"] == .null, "\(what)", sourceLocation: sourceLocation)
    #expect(reply.json["error"]["type"].stringValue?.isEmpty == false, "\(what)", sourceLocation: sourceLocation)
    if let type { #expect(reply.json["error"]["type"].stringValue == type, "\(what)", sourceLocation: sourceLocation) }
}

/// Admin's stack `keep` (CREATE_COMPLETE) to aim bad requests at, and alice in project other.
struct Scene {
    let token: String, project: String, aliceToken: String, aliceProject: String, id: String

    var stackPath: String { "/v1/\(project)/stacks/keep/\(id)" }

    init(_ client: ServerFixture.Client, _ fixture: ServerFixture) async throws {
        let admin = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
        let alice = try #require(try await client.signIn(user: "alice", password: "alice-secret", project: "other"))
        token = admin.token
        project = admin.projectID
        aliceToken = alice.token
        aliceProject = alice.projectID
        let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
            "stack_name": "keep", "template": helloTemplate, "parameters": ["name": "Kiln"]])
        id = try #require(created.json["stack"]["id"].stringValue)
        let shown = try await client.waitForStack("/v1/\(project)/stacks/keep/\(id)", token: token)
        #expect(shown["stack_status"].stringValue == "CREATE_COMPLETE")
    }

    /// Everything a bad call could have changed: both projects' lists, and the stack's show,
    /// resources, events, snapshots and template.
    func state(_ client: ServerFixture.Client) async throws -> [Value] {
        var out: [Value] = []
        for (path, token) in [
            ("/v1/\(project)/stacks", self.token), ("/v1/\(aliceProject)/stacks", aliceToken), (stackPath, self.token),
            (stackPath + "/resources", self.token), (stackPath + "/events", self.token),
            (stackPath + "/snapshots", self.token), (stackPath + "/template", self.token),
        ] {
            let reply = try await client.call(.get, path, token: token)
            out.append(["status": .int(reply.status.code), "body": reply.json])
        }
        return out
    }
}

extension ServerFixture {
    /// The usual fixture whose tokens live `tokenLifetime` seconds.
    init(tokenLifetime: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: home.appendingPathComponent("kiln.db").path)
        let path = home.appendingPathComponent("identity.json").path
        let (file, password) = try IdentityFile.openOrCreate(path: path, iterations: SharedIdentityServers.fastIterations)
        server = KilnServer(engine: Engine(store: store), identity: IdentityService(file: file, tokenLifetime: tokenLifetime, options: SharedIdentityServers.fastOptions(), now: now), log: .silent)
        adminPassword = password ?? ""
    }
}
