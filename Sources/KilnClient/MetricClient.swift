import Foundation
import KilnModel

/// The `metric` (Gnocchi) service of a cloud, as client mode's `kiln cloud load set` reaches
/// `kiln serve`'s emulated telemetry: sign in, find the endpoint by type, send JSON.
public struct MetricClient: Sendable {
    public let token: String
    /// The catalog's metric endpoint, without a trailing slash (`http://host:8004/metric`).
    public let endpoint: String
    let transport: HTTPTransport

    public static func connect(_ cloud: CloudConfig) async throws(KilnClientError) -> MetricClient {
        let transport = HTTPTransport(config: cloud)
        let signedIn = try await Keystone(transport: transport).authenticate(cloud)
        let url = try Keystone.endpoint(signedIn.body, types: ["metric"], region: cloud.regionName, interface: cloud.interface)
        return MetricClient(token: signedIn.token, endpoint: url.hasSuffix("/") ? String(url.dropLast()) : url, transport: transport)
    }

    /// One call below the endpoint (`v1/kiln/load`); an error status becomes Gnocchi's description.
    public func call(_ method: String, _ path: String, body: Value? = nil) async throws(KilnClientError) -> Value {
        let answer = try await transport.send(method, endpoint + "/" + path, headers: ["X-Auth-Token": token, "User-Agent": "kiln"], body: body)
        guard answer.status < 400 else {
            let json = (try? answer.json())?.mapValue ?? [:]
            let message = json["description"]?.stringValue
                ?? String(decoding: answer.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .server(status: answer.status, type: json["title"]?.stringValue ?? "HTTP \(answer.status)", message: message)
        }
        return answer.body.isEmpty ? .map([:]) : try answer.json()
    }
}
