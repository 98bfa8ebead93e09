import KilnModel
@testable import KilnTemplate

/// Parses the value under the document's `v:` key as an expression of `version`.
func parseFunction(_ yaml: String, _ version: TemplateVersion) throws -> (Expression, [Diagnostic]) {
    let root = try YAMLReader().read(yaml, file: "t.yaml")
    var parser = ExpressionParser(version: version)
    let expression = parser.parse(root["v"] ?? root)
    return (expression, parser.diagnostics.sorted)
}

/// The value of `v:` evaluated against `context`; parse errors fail the test through the throw.
func evaluateFunction(
    _ yaml: String, _ version: TemplateVersion, _ context: StaticContext = StaticContext()
) throws -> Value {
    let (expression, diagnostics) = try parseFunction(yaml, version)
    if !diagnostics.isEmpty { throw ValidationFailure(diagnostics) }
    return try EvaluationScope(context: context, version: version).value(of: expression)
}

/// The parse diagnostics as printed: `t.yaml:LINE:COL: error: message (expected ..., found ...)`.
func functionErrors(_ yaml: String, _ version: TemplateVersion) throws -> [String] {
    try parseFunction(yaml, version).1.map(\.description)
}

/// The evaluation error as printed, or nil when evaluation succeeds.
func evaluationError(
    _ yaml: String, _ version: TemplateVersion, _ context: StaticContext = StaticContext()
) throws -> String? {
    do {
        _ = try evaluateFunction(yaml, version, context)
        return nil
    } catch let error as EvaluationError {
        return error.description
    }
}
