import Foundation
import PostgresNIO

/// PostgreSQL failures as one-line messages people can act on. PostgresNIO's own description
/// hides everything (to keep queries out of logs); the server's message and SQLSTATE are
/// read here. The password is never in a message: the location's description has none.
extension StoreError {
    static func postgres(_ error: any Error, location: PostgresLocation, opening: Bool) -> any Error {
        if error is StoreError { return error }
        guard let error = error as? PSQLError else {
            // An error of the transaction's own code (a cloud refusal, say) is its caller's to read.
            if opening { return StoreError("cannot open database \(location): \(error)") }
            return error
        }
        let prefix = opening ? "cannot open database \(location)" : "database error on \(location)"
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?"
            let message = error.serverInfo?[.message] ?? "unknown error"
            if state == "23503" {
                return StoreError("a record refers to a stack or template that does not exist (\(message))")
            }
            return StoreError("\(prefix): \(message) (SQLSTATE \(state))")
        case .connectionError:
            let cause = connectionFailure(error.underlying)
            return StoreError("\(prefix): cannot connect to PostgreSQL at \(location.host):\(location.port): \(cause)")
        case .authMechanismRequiresPassword:
            return StoreError("\(prefix): the server asks for a password and the URL (or PGPASSWORD) gives none")
        case .sslUnsupported:
            return StoreError("\(prefix): the server does not offer TLS (use ?sslmode=disable or prefer)")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return StoreError("\(prefix): the connection was closed (\(error.code))")
        default:
            return StoreError("\(prefix): \(error.code)")
        }
    }

    /// NIO's connection errors list every address tried; one phrase says it.
    private static func connectionFailure(_ error: (any Error)?) -> String {
        let text = error.map { "\($0)" } ?? ""
        for (needle, phrase) in [
            ("Connection refused", "connection refused"), ("timed out", "timed out"), ("imeout", "timed out"),
            ("No route", "no route to host"), ("Unknown host", "unknown host"), ("Name or service", "unknown host"),
        ] where text.contains(needle) {
            return phrase
        }
        return text.isEmpty ? "connection failed" : String(text.prefix(200))
    }

    /// Serialization failures and deadlocks: PostgreSQL rolled the transaction back, and running
    /// it again is correct.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        let state = error.serverInfo?[.sqlState]
        return state == "40001" || state == "40P01"
    }
}
