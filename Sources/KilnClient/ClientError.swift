import Foundation

/// Why client mode could not do what was asked: a configuration problem, an error the
/// server reported (in Heat's or Keystone's words), or a connection failure.
public enum KilnClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// clouds.yaml or the OS_* variables are missing or incomplete.
    case configuration(String)
    /// The server answered with an error status: its message and Heat's error type.
    case server(status: Int, type: String, message: String)
    /// The server could not be reached or answered with something that is not its API.
    case transport(String)

    public var description: String {
        switch self {
        case .configuration(let message), .transport(let message): return message
        case .server(let status, let type, let message):
            return message.isEmpty ? "the server answered \(status) \(type)" : message
        }
    }

    /// Heat's "not found" (the stack, resource, output or snapshot does not exist).
    public var isNotFound: Bool {
        if case .server(404, _, _) = self { return true }
        return false
    }
}
