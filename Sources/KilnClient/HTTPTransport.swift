import Foundation
import KilnModel
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KilnTemplate

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

/// JSON over HTTP with URLSession. Redirects (Heat answers name lookups with 302) are
/// followed here, with the same method, headers and body, as keystoneauth does.
public struct HTTPTransport: Sendable {
    private let session: URLSession
    public var timeout: TimeInterval

    public init(timeout: TimeInterval = 60) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
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
        var request = URLRequest(url: address, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.jsonText().utf8)
        }
        let result: Result<(Data, URLResponse), Error> = await withCheckedContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(returning: .failure(error))
                } else if let response {
                    continuation.resume(returning: .success((data ?? Data(), response)))
                } else {
                    continuation.resume(returning: .failure(URLError(.badServerResponse)))
                }
            }.resume()
        }
        switch result {
        case .failure(let error):
            throw .transport("cannot reach \(address.scheme ?? "http")://\(address.host ?? "")\(address.port.map { ":\($0)" } ?? ""): \(error.localizedDescription)")
        case .success(let (data, response)):
            guard let http = response as? HTTPURLResponse else { throw .transport("\(url) did not answer over HTTP") }
            var fields: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
            }
            return HTTPAnswer(status: http.statusCode, headers: fields, body: data)
        }
    }
}

/// Keeps URLSession from following redirects itself: it would turn some methods into GET.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
