import KilnTemplate

/// Why an engine call was refused or could not run. Carries located diagnostics when the
/// template, environment or parameters are at fault.
public enum EngineError: Error, CustomStringConvertible, Sendable {
    case invalid([Diagnostic])
    case notFound(String)
    case conflict(String)
    case refused(String)
    /// The resource has no such action (Heat's ResourceActionNotSupported).
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalid(let diagnostics): return diagnostics.map(\.description).joined(separator: "\n")
        case .notFound(let m), .conflict(let m), .refused(let m), .unsupported(let m): return m
        }
    }
}
