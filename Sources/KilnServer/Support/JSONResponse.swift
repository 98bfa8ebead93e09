import Foundation
import Hummingbird
import KilnModel
import KilnTemplate

extension Response {
    /// A JSON answer. The content type is exactly `application/json` (gabbi compares it literally).
    /// Maps in their own order, as Heat writes its Python dicts (see `ValueMap`).
    static func json(_ body: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body.jsonText(sortKeys: false))))
    }

    static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: ResponseBody())
    }
}

extension HTTPFields.Element.Name {
    static let authToken = HTTPFields.Element.Name("X-Auth-Token")!
    static let subjectToken = HTTPFields.Element.Name("X-Subject-Token")!
}

extension Request {
    /// Heat's `max_json_body_size` default: a larger body is refused before it is parsed.
    static let maxJSONBodySize = 1 << 20

    /// The body as a JSON value: empty is `{}`, malformed is a 400, larger than `limit` bytes
    /// is Heat's 400 `RequestLimitExceeded` (read no further than the limit).
    func jsonBody(limit: Int = Request.maxJSONBodySize) async throws -> Value {
        if let declared = head.headerFields[.contentLength].flatMap(Int.init), declared > limit {
            throw HeatError.requestLimitExceeded(bodySize: declared, limit: limit)
        }
        var buffer = ByteBuffer()
        for try await chunk in body {
            guard buffer.readableBytes + chunk.readableBytes <= limit else {
                throw HeatError.requestLimitExceeded(bodySize: buffer.readableBytes + chunk.readableBytes, limit: limit)
            }
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
        let text = String(buffer: buffer)
        if text.allSatisfy(\.isWhitespace) { return .map([:]) }
        do {
            return try Value.parseJSON(text)
        } catch {
            throw HeatError.badRequest("The request body is not valid JSON: \(error)")
        }
    }

    /// `http://host:port` (https behind TLS, see `HTTPSSchemeMiddleware`) as the client
    /// addressed us: links and redirects must be absolute.
    var baseURL: String {
        let host = head.authority ?? "localhost"
        return "\(head.scheme == "https" ? "https" : "http")://\(host)"
    }
}
