/// One problem found in user input, tied to where it is.
/// Printed as `FILE:LINE:COLUMN: error: message (expected ..., found ...)`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible, Error {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var expected: String?
    public var found: String?

    public init(
        _ severity: Severity = .error, at location: SourceLocation, _ message: String,
        expected: String? = nil, found: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.expected = expected
        self.found = found
    }

    public static func error(
        at location: SourceLocation, _ message: String, expected: String? = nil, found: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, at: location, message, expected: expected, found: found)
    }

    /// A finding that does not make the template invalid: Heat accepts it at validate (it
    /// depends on values given later, or Heat only meets it while creating).
    public static func warning(
        at location: SourceLocation, _ message: String, expected: String? = nil, found: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, at: location, message, expected: expected, found: found)
    }

    /// The same finding with another severity.
    public func with(_ severity: Severity) -> Diagnostic {
        var copy = self
        copy.severity = severity
        return copy
    }

    /// The message with its expected/found detail, on one line.
    public var text: String {
        var detail: [String] = []
        if let expected { detail.append("expected \(expected)") }
        if let found { detail.append("found \(found)") }
        return Self.oneLine(detail.isEmpty ? message : "\(message) (\(detail.joined(separator: ", ")))")
    }

    public var description: String { "\(Self.oneLine(location.description)): \(severity.rawValue): \(text)" }

    /// `text` with line breaks and other control characters escaped (`\n`, `\x1b`, `\u2028`).
    /// Messages quote user values, and a value holding a newline would otherwise end the
    /// diagnostic's line, leaving the rest of the message on an unlocated line of its own
    /// (and a terminal would act on escape sequences). Done here, where every diagnostic is
    /// rendered, so no message has to remember it.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let escape: String
            switch scalar {
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                escape = scalar.value < 0x100
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

/// Collects every diagnostic of a run, so users see all their errors at once.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }
    public var isEmpty: Bool { all.isEmpty }

    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }
    public mutating func append(contentsOf other: [Diagnostic]) { all.append(contentsOf: other) }

    public mutating func error(
        _ location: SourceLocation, _ message: String, expected: String? = nil, found: String? = nil
    ) {
        all.append(.error(at: location, message, expected: expected, found: found))
    }

    public mutating func warning(
        _ location: SourceLocation, _ message: String, expected: String? = nil, found: String? = nil
    ) {
        all.append(.warning(at: location, message, expected: expected, found: found))
    }

    /// Reports at `severity`: an error, or a warning for what only fails later.
    public mutating func report(
        _ severity: Diagnostic.Severity, _ location: SourceLocation, _ message: String,
        expected: String? = nil, found: String? = nil
    ) {
        all.append(Diagnostic(severity, at: location, message, expected: expected, found: found))
    }

    /// Sorted by file, line and column, without repeats.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        // Files sort by name (not by interning order) so output is stable.
        return all.filter { seen.insert($0).inserted }.sorted {
            ($0.location.file, $0.location.line, $0.location.column, $0.message)
                < ($1.location.file, $1.location.line, $1.location.column, $1.message)
        }
    }
}

/// Thrown when input cannot be used at all; carries every diagnostic found.
public struct ValidationFailure: Error, CustomStringConvertible, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostics: Diagnostics) { self.diagnostics = diagnostics.sorted }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
