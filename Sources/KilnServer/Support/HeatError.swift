import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// An error as Heat reports it: `{"explanation", "code", "error": {"message", "traceback", "type"}, "title"}`.
struct HeatError: Error {
    var status: HTTPResponse.Status
    var type: String
    var message: String
    /// Extra headers for the answer (a 405's `Allow`).
    var headers: HTTPFields = [:]

    static func badRequest(_ message: String, type: String = "HTTPBadRequest") -> HeatError {
        HeatError(status: .badRequest, type: type, message: message)
    }

    static func notFound(_ message: String, type: String = "EntityNotFound") -> HeatError {
        HeatError(status: .notFound, type: type, message: message)
    }

    static func stackNotFound(_ name: String) -> HeatError { .notFound("The Stack (\(name)) could not be found.") }

    /// A body over `max_json_body_size`: Heat answers 400 with the exception's name as the type.
    static func requestLimitExceeded(bodySize: Int, limit: Int) -> HeatError {
        .badRequest(
            "Request limit exceeded: JSON body size (\(bodySize) bytes) exceeds maximum allowed size (\(limit) bytes).",
            type: "RequestLimitExceeded")
    }

    /// A known route asked with a method it does not answer; `Allow` lists the ones it does.
    static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> HeatError {
        var error = HeatError(status: .methodNotAllowed, type: "HTTPMethodNotAllowed", message: "The method is not allowed for this resource.")
        error.headers[.allow] = allowed.map(\.rawValue).joined(separator: ",")
        return error
    }

    static let unauthorized = HeatError(
        status: .unauthorized, type: "HTTPUnauthorized", message: "The request you have made requires authentication.")

    /// Engine and store failures in Heat's terms; bad input is never a 500.
    init(_ error: Error) {
        switch error {
        case let heat as HeatError: self = heat
        case EngineError.notFound(let message): self = .notFound(message)
        case EngineError.invalid(let diagnostics):
            self = .badRequest(diagnostics.map(\.description).joined(separator: "\n"), type: "StackValidationFailed")
        case EngineError.conflict(let message): self = HeatError(status: .conflict, type: "ActionInProgress", message: message)
        case EngineError.refused(let message): self = .badRequest(message)
        case let hook as InvalidBreakPointHook: self = .badRequest(hook.description, type: "InvalidBreakPointHook")
        case EngineError.unsupported(let message): self = .badRequest(message, type: "ResourceActionNotSupported")
        case let failure as ValidationFailure: self = .badRequest("\(failure)", type: "StackValidationFailed")
        case let store as StoreError:
            self = HeatError(status: .internalServerError, type: "StoreError", message: store.description)
        default: self = .badRequest("\(error)")
        }
    }

    init(status: HTTPResponse.Status, type: String, message: String) {
        self.status = status
        self.type = type
        self.message = message
    }

    var response: Response {
        let title = status.reasonPhrase
        let body: Value = [
            "explanation": .string(explanation),
            "code": .int(status.code),
            "error": ["message": .string(message), "traceback": .null, "type": .string(type)],
            "title": .string(title),
        ]
        return .json(body, status: status, headers: headers)
    }

    private var explanation: String {
        switch status.code {
        case 400: return "The server could not comply with the request since it is either malformed or otherwise incorrect."
        case 401: return "This server could not verify that you are authorized to access the document you requested."
        case 403: return "Access was denied to this resource."
        case 404: return "The resource could not be found."
        case 405: return "The method is not allowed for the requested URL."
        case 409: return "There was a conflict when trying to complete your request."
        default: return "The server has either erred or is incapable of performing the requested operation."
        }
    }
}
