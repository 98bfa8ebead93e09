import Foundation
import Hummingbird
import HummingbirdTesting
import KilnCloud
import KilnEngine
import KilnResources
import KilnModel
import KilnServer
import KilnStore
import KilnTemplate
import NIOCore

/// A server over a fresh home (real SQLite file, real identity.json) with users `admin` (project
/// admin) and `alice` (project other), and helpers for JSON calls with a token.
struct ServerFixture {
    let server: KilnServer
    let adminPassword: String

    init() throws {
        try self.init(plain: ())
    }

    /// With `cloud`, the engine runs the standard types on it and the server serves its APIs.
    init(cloud: (@Sendable (any Store) async throws -> any Cloud)?) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: home.appendingPathComponent("kiln.db").path)
        let path = home.appendingPathComponent("identity.json").path
        var (file, password) = try IdentityFile.openOrCreate(path: path, iterations: SharedIdentityServers.fastIterations)
        file.addUser(name: "alice", password: "alice-secret", project: "other", iterations: SharedIdentityServers.fastIterations)
        try file.write(to: path)
        adminPassword = password ?? ""
        let made = try await cloud?(store)
        server = KilnServer(engine: Engine(store: store, plugins: .standard, cloud: made), identity: IdentityService(file: file, options: SharedIdentityServers.fastOptions()))
    }

    private init(plain: ()) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: home.appendingPathComponent("kiln.db").path)
        let path = home.appendingPathComponent("identity.json").path
        var (file, password) = try IdentityFile.openOrCreate(path: path, iterations: SharedIdentityServers.fastIterations)
        file.addUser(name: "alice", password: "alice-secret", project: "other", iterations: SharedIdentityServers.fastIterations)
        try file.write(to: path)
        adminPassword = password ?? ""
        server = KilnServer(engine: Engine(store: store), identity: IdentityService(file: file, options: SharedIdentityServers.fastOptions()))
    }

    func run<T: Sendable>(_ test: @Sendable (Client) async throws -> T) async throws -> T {
        let app = server.application(host: "127.0.0.1", port: 0)
        return try await app.test(.live) { client in try await test(Client(client: client)) }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol

        struct Reply: Sendable {
            var status: HTTPResponse.Status
            var headers: HTTPFields
            var json: Value
        }

        func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: Value? = nil, raw: String? = nil,
                  headers extra: [String: String] = [:]) async throws -> Reply {
            var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json"]
            if let token { headers[HTTPFields.Element.Name("X-Auth-Token")!] = token }
            for (name, value) in extra { headers[HTTPFields.Element.Name(name)!] = value }
            let text = raw ?? body?.jsonText()
            return try await client.execute(uri: uri, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) }) { response in
                let bodyText = String(buffer: response.body)
                let json = bodyText.isEmpty ? Value.null : ((try? Value.parseJSON(bodyText)) ?? .string(bodyText))
                return Reply(status: response.status, headers: response.headers, json: json)
            }
        }

        /// Signs in with the password method; the token and the project id.
        func signIn(user: String, password: String, project: String) async throws -> (token: String, projectID: String)? {
            let body: Value = ["auth": [
                "identity": ["methods": ["password"], "password": ["user": [
                    "name": .string(user), "password": .string(password), "domain": ["name": "Default"]]]],
                "scope": ["project": ["name": .string(project), "domain": ["name": "Default"]]],
            ]]
            let reply = try await call(.post, "/v3/auth/tokens", body: body)
            guard reply.status == .created, let token = reply.headers[HTTPFields.Element.Name("X-Subject-Token")!],
                  let projectID = reply.json["token"]["project"]["id"].stringValue else { return nil }
            return (token, projectID)
        }

        /// Polls the stack until it leaves IN_PROGRESS (at most ~10 s).
        func waitForStack(_ path: String, token: String) async throws -> Value {
            for _ in 0..<200 {
                let reply = try await call(.get, path, token: token)
                let status = reply.json["stack"]["stack_status"].stringValue ?? ""
                if !status.hasSuffix("IN_PROGRESS") { return reply.json["stack"] }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            return .null
        }
    }
}


/// The path part of an absolute URL (`http://host/v1/...` → `/v1/...`).
func pathOf(_ url: String) -> String {
    guard let range = url.range(of: "://") else { return url }
    let rest = url[range.upperBound...]
    return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
}

let helloTemplate: Value = [
    "heat_template_version": "2018-08-31",
    "description": "hello",
    "parameters": ["name": ["type": "string", "default": "world"]],
    "resources": [
        "greeting": ["type": "OS::Heat::Value", "properties": ["value": ["str_replace": [
            "template": "Hello, NAME!", "params": ["NAME": ["get_param": "name"]]]]]],
    ],
    "outputs": ["greeting": ["description": "The greeting.", "value": ["get_attr": ["greeting", "value"]]]],
]
