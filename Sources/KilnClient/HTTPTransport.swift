import AsyncHTTPClient
import Foundation
import KilnModel
import KilnTemplate
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One HTTP answer: status, headers (names lowercased) and body.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as JSON (an empty body is an empty object).
    public func json() throws(KilnClientError) -> Value {
        if body.isEmpty { return .map([:]) }
        do {
            return try Value.parseJSON(String(decoding: body, as: UTF8.self))
        } catch {
            throw .transport("the server answered \(status) with a body that is not JSON")
        }
    }
}

/// JSON over HTTP with AsyncHTTPClient: one shared client (pooled connections, the
/// swift-nio event loops Hummingbird already runs), no libcurl. Redirects (Heat answers name
/// lookups with 302) are followed here, with the same method, headers and body, as
/// keystoneauth does.
public struct HTTPTransport: Sendable {
    public var timeout: TimeInterval
    /// The most a body may be: larger answers are an error, not a memory blow-up.
    public var maxBodyBytes = 64 << 20

    public init(timeout: TimeInterval = 60) {
        self.timeout = timeout
    }

    public func send(
        _ method: String, _ url: String, headers: [String: String] = [:], body: Value? = nil
    ) async throws(KilnClientError) -> HTTPAnswer {
        var target = url
        for _ in 0..<5 {
            let answer = try await once(method, target, headers: headers, body: body)
            guard [301, 302, 303, 307, 308].contains(answer.status), let location = answer.header("location") else {
                return answer
            }
            target = URL(string: location, relativeTo: URL(string: target))?.absoluteString ?? location
        }
        throw .transport("too many redirects from \(url)")
    }

    private func once(
        _ method: String, _ url: String, headers: [String: String], body: Value?
    ) async throws(KilnClientError) -> HTTPAnswer {
        guard let address = URL(string: url), address.scheme == "http" || address.scheme == "https" else {
            throw .configuration("not an http(s) URL: \(url)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonText()))
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let data = try await response.body.collect(upTo: maxBodyBytes)
            var fields: [String: String] = [:]
            for header in response.headers { fields[header.name.lowercased()] = header.value }
            return HTTPAnswer(status: Int(response.status.code), headers: fields, body: Data(buffer: data))
        } catch {
            throw .transport("cannot reach \(address.scheme ?? "http")://\(address.host ?? "")\(address.port.map { ":\($0)" } ?? ""): \(error)")
        }
    }
}
