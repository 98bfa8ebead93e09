import Foundation
import Hummingbird
import HummingbirdTesting
import KilnClient
import KilnModel
import Testing

/// A loopback HTTP proxy in front of a real `kiln serve` that answers the event stream with
/// Heat's 404, as stock Heat (which has none) does; everything else is passed through. The
/// `kiln` client reaches it with the server's token and the proxy as its endpoint.
struct StreamlessProxy: Sendable {
    /// The paths (and queries) asked of the proxy, in order.
    actor Paths {
        var all: [String] = []
        func add(_ path: String) { all.append(path) }
    }

    let paths: Paths
    let token: String
    let endpoint: String
    let cloudsFile: String

    /// `kiln ARGUMENTS --os-cloud kiln` with the token and the proxy's endpoint (no Keystone).
    func client(_ arguments: [String]) async throws -> CLITests.Run {
        var environment = ServedKiln.embeddedEnvironment
        environment["OS_CLIENT_CONFIG_FILE"] = cloudsFile
        environment["OS_AUTH_TYPE"] = "admin_token"
        environment["OS_TOKEN"] = token
        environment["OS_ENDPOINT"] = endpoint
        return try await ServedKiln.run(arguments + ["--os-cloud", "kiln"], environment: environment)
    }

    static func run(front server: ServedKiln, _ test: @Sendable (StreamlessProxy) async throws -> Void) async throws {
        let cloud = try CloudConfigResolver(environment: ["OS_CLIENT_CONFIG_FILE": server.cloudsFile]).resolve(cloud: "kiln")
        let session = try await Keystone(transport: HTTPTransport()).signIn(cloud)
        let upstream = "http://127.0.0.1:\(server.port)"
        let paths = Paths()
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("**", method: method) { request, _ -> Response in
                let path = request.uri.description
                await paths.add(path)
                if request.uri.path.hasSuffix("/events/stream") {
                    let body = #"{"code": 404, "error": {"message": "The resource could not be found.", "type": "HTTPNotFound"}}"#
                    return Response(status: .notFound, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
                }
                let bytes = try await request.body.collect(upTo: 16 << 20)
                let body = bytes.readableBytes == 0 ? nil : try Value.parseJSON(String(buffer: bytes))
                var headers: [String: String] = [:]
                for name in ["X-Auth-Token", "X-Region-Name"] {
                    if let value = request.headers[HTTPFields.Element.Name(name)!] { headers[name] = value }
                }
                let answer = try await HTTPTransport().send(request.method.rawValue, upstream + path, headers: headers, body: body)
                return Response(
                    status: .init(code: answer.status), headers: [.contentType: answer.header("content-type") ?? "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let endpoint = session.endpoint.replacingOccurrences(of: upstream, with: "http://127.0.0.1:\(port)")
            try await test(StreamlessProxy(paths: paths, token: session.token, endpoint: endpoint, cloudsFile: server.cloudsFile))
        }
    }
}
