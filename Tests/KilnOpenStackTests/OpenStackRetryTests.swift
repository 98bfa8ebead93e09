import Foundation
import Hummingbird
import HummingbirdTesting
import KilnClient
import KilnCloud
import KilnModel
@testable import KilnOpenStack
import Testing

/// The driver's HTTP behaviour against a small cloud on loopback that misbehaves on purpose:
/// Keystone issuing numbered tokens, a Nova that answers 503 before it answers, refuses the
/// first token, and fails a boot. Real HTTP through AsyncHTTPClient, as against a real cloud.
@Suite("The OpenStack driver's retries and renewals")
struct OpenStackRetryTests {
    actor Calls {
        var signIns = 0
        var flavorCalls = 0
        var bootCalls = 0
        var keyPairCalls = 0
        var versions: Set<String> = []
        func signIn() -> Int { signIns += 1; return signIns }
        func flavors(_ version: String?) -> Int {
            flavorCalls += 1
            if let version { versions.insert(version) }
            return flavorCalls
        }
        func boot() { bootCalls += 1 }
        func keyPairs() { keyPairCalls += 1 }
    }

    static func json(_ value: Value, _ status: HTTPResponse.Status = .ok, headers: [String: String] = [:]) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, text) in headers { fields[HTTPFields.Element.Name(name)!] = text }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: value.jsonText())))
    }

    static let unauthorized: Value = ["error": ["code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"]]

    func withCloud(_ test: @Sendable (OpenStackCloud, Calls) async throws -> Void) async throws {
        let calls = Calls()
        let router = Router()
        router.post("/v3/auth/tokens") { request, _ -> Response in
            let number = await calls.signIn()
            let host = request.head.authority ?? ""
            let body: Value = ["token": [
                "expires_at": "2999-01-01T00:00:00.000000Z", "project": ["id": "p1", "name": "demo"],
                "catalog": [["type": "compute", "endpoints": [
                    ["interface": "public", "region_id": "RegionOne", "url": .string("http://\(host)/compute/v2.1")],
                ]]],
            ]]
            return Self.json(body, .created, headers: ["X-Subject-Token": "tok-\(number)"])
        }
        router.get("/compute/v2.1/flavors/detail") { request, _ -> Response in
            let count = await calls.flavors(request.headers[HTTPFields.Element.Name("OpenStack-API-Version")!])
            if count <= 2 {
                var fields = HTTPFields()
                fields[.retryAfter] = "0"
                return Response(status: .serviceUnavailable, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: "<h1>503 Service Unavailable</h1>")))
            }
            return Self.json(["flavors": [["id": "1", "name": "m1.tiny", "ram": 512, "vcpus": 1, "disk": 1]]])
        }
        router.get("/compute/v2.1/servers/detail") { request, _ -> Response in
            if request.headers[HTTPFields.Element.Name("X-Auth-Token")!] == "tok-1" { return Self.json(Self.unauthorized, .unauthorized) }
            // Two pages, linked as Nova links them.
            if request.uri.queryParameters["marker"] == "s1" {
                return Self.json(["servers": [["id": "s2", "name": "b", "status": "ACTIVE"]]])
            }
            let next = "http://\(request.head.authority ?? "")/compute/v2.1/servers/detail?marker=s1"
            return Self.json(["servers": [["id": "s1", "name": "a", "status": "ACTIVE"]], "servers_links": [["rel": "next", "href": .string(next)]]])
        }
        router.post("/compute/v2.1/servers") { _, _ -> Response in
            await calls.boot()
            return Self.json(["computeFault": ["code": 503, "message": "Service Unavailable"]], .serviceUnavailable)
        }
        router.get("/compute/v2.1/os-keypairs") { _, _ -> Response in
            await calls.keyPairs()
            return Self.json(Self.unauthorized, .unauthorized)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let config = CloudConfig(
                name: "flaky", authURL: "http://127.0.0.1:\(port)/v3", username: "demo", password: "secret", projectName: "demo",
                userDomainName: "Default", projectDomainName: "Default")
            try await test(OpenStackCloud(config: config, pollInterval: 0.01), calls)
        }
    }

    @Test func readsAreRetriedThrough503sWithNovasMicroversion() async throws {
        try await withCloud { cloud, calls in
            let flavors = try await cloud.session(projectID: "p1").compute.flavors()
            #expect(flavors.map(\.name) == ["m1.tiny"])
            #expect(await calls.flavorCalls == 3)
            #expect(await calls.versions == ["compute 2.79"])
        }
    }

    @Test func aBurstOfRefusedTokensSignsInOnceMore() async throws {
        try await withCloud { cloud, calls in
            let compute = cloud.session(projectID: "p1").compute
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await compute.servers().count } }
                for try await count in group { #expect(count == 2) }
            }
            // tok-1 was refused by every call; one sign-in replaced it for all of them. Each call
            // read both pages of the list.
            #expect(await calls.signIns == 2)
        }
    }

    @Test func writesAreNotRetriedAndARefusedRenewalIsAnError() async throws {
        try await withCloud { cloud, calls in
            let compute = cloud.session(projectID: "p1").compute
            var boot: CloudError?
            do {
                _ = try await compute.createServer(ServerRequest(name: "x", flavorID: "m1.tiny", imageID: nil))
            } catch let error as CloudError {
                boot = error
            }
            #expect(boot == CloudError(.serverError, "Service Unavailable", httpStatus: 503))
            #expect(await calls.bootCalls == 1)

            var refused: CloudError?
            do { _ = try await compute.keyPairs() } catch let error as CloudError { refused = error }
            #expect(refused?.kind == .unauthorized && refused?.message == "The request you have made requires authentication.")
            #expect(await calls.keyPairCalls == 2)
        }
    }
}
