import KilnModel
/// An intrinsic function, one type per function (or per behaviour variant across
/// versions). Parsed once from its argument node; evaluated many times.
public protocol TemplateFunction: Sendable {
    /// Builds the call from its arguments, reporting every shape error into `parser`.
    /// Returns nil when the call is unusable (its diagnostics are already recorded).
    static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Self?

    /// Sub-expressions, walked for references, dependencies and validation.
    var children: [Expression] { get }

    /// What this call itself refers to (not counting its children's references).
    var references: [Reference] { get }

    /// The call's value. `nil` means "omit the enclosing item" (wallaby's two-argument `if`).
    func evaluate(_ scope: EvaluationScope) throws -> Value?
}

extension TemplateFunction {
    public var references: [Reference] { [] }
}

/// Where and how a function is called.
public struct FunctionSite: Sendable {
    /// The name as written.
    public let name: String
    /// The argument node (the value under the function's key).
    public let arguments: Node
    /// Location of the function key.
    public let location: SourceLocation
    public let version: TemplateVersion

    public init(name: String, arguments: Node, location: SourceLocation, version: TemplateVersion) {
        self.name = name
        self.arguments = arguments
        self.location = location
        self.version = version
    }

    /// Records an argument-shape error for this call and returns nil, for `return site.fail(...)`.
    public func fail<T>(
        _ parser: inout ExpressionParser, _ message: String, expected: String? = nil,
        at location: SourceLocation? = nil
    ) -> T? {
        parser.diagnostics.error(
            location ?? arguments.location, "\(name): \(message)", expected: expected,
            found: location == nil ? arguments.shapeName : nil)
        return nil
    }
}

/// A failure while computing a value: bad data reaching a function at run time, a
/// missing parameter, an attribute that does not exist yet.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    public var description: String { diagnostic.description }
    public var diagnostic: Diagnostic { .error(at: location, message) }
}
