import Foundation
import KilnClient
import KilnModel
import KilnTemplate

/// `template_url`: as Heat does, the server fetches an http(s) template itself when the body
/// names one instead of carrying the template; the result is used as if it had been sent.
extension HeatAPI {
    func templateBody(_ call: HeatRequest) async throws -> Value {
        let body = try await call.body()
        guard var map = body.mapValue, map["template"] == nil || map["template"] == .null,
              let url = map["template_url"], url != .null
        else { return body }
        guard let text = url.stringValue else {
            throw HeatError.badRequest("template_url must be a string, not \(url.kindName)")
        }
        map["template"] = .string(try await TemplateFetch.text(at: text, maxBytes: engine.limits.maxBytes))
        return .map(map)
    }
}

enum TemplateFetch {
    static func text(at text: String, maxBytes: Int) async throws -> String {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw failure("Invalid URL scheme in \(text): only http and https are allowed")
        }
        // AsyncHTTPClient (redirects followed), not URLSession: FoundationNetworking would load
        // libcurl, gnutls and Kerberos at every `kiln` start. A body a few times over the limit
        // is still read to report its size; a larger one is cut off as a transport failure.
        var transport = HTTPTransport(timeout: 10)
        transport.maxBodyBytes = max(maxBytes, 1) * 4
        let answer: HTTPAnswer
        do {
            answer = try await transport.send("GET", url.absoluteString, headers: ["Accept": "*/*"])
        } catch {
            throw failure("\(text): \(error)")
        }
        if !(200..<300).contains(answer.status) {
            throw failure("\(text): HTTP \(answer.status)")
        }
        let data = answer.body
        guard data.count <= maxBytes else {
            throw HeatError.badRequest("Template size (\(data.count) bytes) exceeds maximum allowed size (\(maxBytes) bytes).")
        }
        guard let content = String(data: data, encoding: .utf8) else { throw failure("\(text): the template is not UTF-8 text") }
        return content
    }

    static func failure(_ detail: String) -> HeatError {
        HeatError.badRequest("Could not retrieve template: Failed to retrieve template: \(detail)")
    }
}
