import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// One authenticated call to the Heat API: the path below `/v1/{project_id}`, the query and
/// the caller's token.
struct HeatRequest: Sendable {
    let request: Request
    let token: IssuedToken
    let projectID: String
    /// Path segments after `/v1/{project_id}`, percent-decoded.
    let path: [String]
    /// Query parameters; a repeated key keeps every value.
    let query: [String: [String]]

    var method: HTTPRequest.Method { request.method }
    /// `http://host:port/v1/{project_id}`: links and redirects are absolute.
    var base: String { "\(request.baseURL)/v1/\(projectID)" }

    func stackURL(_ stack: StackRecord) -> String { "\(base)/stacks/\(stack.name)/\(stack.id)" }

    func first(_ key: String) -> String? { query[key]?.first }

    /// A query flag as Heat reads them: true/yes/1/on.
    func flag(_ key: String, default value: Bool = false) -> Bool {
        Self.flag(first(key), default: value)
    }

    static func flag(_ text: String?, default value: Bool = false) -> Bool {
        guard let text = text?.lowercased() else { return value }
        return ["true", "yes", "1", "on", "t", "y"].contains(text)
    }

    func integer(_ key: String) throws -> Int? {
        guard let text = first(key) else { return nil }
        guard let number = Int(text), number >= 0 else {
            throw HeatError.badRequest("Invalid value '\(text)' for \(key): expected a non-negative integer")
        }
        return number
    }

    func body() async throws -> Value {
        let value = try await request.jsonBody()
        guard value.mapValue != nil else { throw HeatError.badRequest("The request body must be a JSON object.") }
        return value
    }

    /// The original query string, for redirects: clients drop their own params when they follow one.
    var rawQuery: String? { request.uri.query.flatMap { $0.isEmpty ? nil : $0 } }
}
