import Foundation
import Hummingbird
import KilnTemplate

extension Response {
    /// A JSON answer. The content type is exactly `application/json` (gabbi compares it literally).
    static func json(_ body: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body.jsonText())))
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
    /// The body as a JSON value: empty is `{}`, malformed is a 400.
    func jsonBody(limit: Int = 32 * 1024 * 1024) async throws -> Value {
        let buffer = try await body.collect(upTo: limit)
        let text = String(buffer: buffer)
        if text.allSatisfy(\.isWhitespace) { return .map([:]) }
        do {
            return try Value.parseJSON(text)
        } catch {
            throw HeatError.badRequest("The request body is not valid JSON: \(error)")
        }
    }

    /// `http://host:port` as the client addressed us: links and redirects must be absolute.
    var baseURL: String {
        let host = head.authority ?? "localhost"
        return "http://\(host)"
    }
}
