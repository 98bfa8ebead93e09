import KilnModel
import Testing
@testable import KilnTemplate

/// Parses YAML text as one expression of `version`, as a value or as a condition.
func conditionsParse(
    _ yaml: String, _ version: TemplateVersion = .v2021_04_16, asCondition: Bool = false
) throws -> (Expression, [Diagnostic]) {
    let node = try YAMLReader().read(yaml, file: "t.yaml")
    var parser = ExpressionParser(version: version)
    let expression = asCondition ? parser.parseCondition(node) : parser.parse(node)
    return (expression, parser.diagnostics.sorted)
}

/// Parses and evaluates, requiring no diagnostics.
func conditionsEvaluate(
    _ yaml: String, _ version: TemplateVersion = .v2021_04_16, asCondition: Bool = false,
    context: StaticContext = StaticContext()
) throws -> Value? {
    let (expression, diagnostics) = try conditionsParse(yaml, version, asCondition: asCondition)
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    return try EvaluationScope(context: context, version: version).evaluate(expression)
}

/// The single diagnostic of a parse, as "LINE:COL: text".
func conditionsError(_ yaml: String, _ version: TemplateVersion = .v2021_04_16, asCondition: Bool = false) throws -> String {
    let (_, diagnostics) = try conditionsParse(yaml, version, asCondition: asCondition)
    #expect(diagnostics.count == 1, "\(diagnostics)")
    guard let first = diagnostics.first else { return "" }
    return "\(first.location.line):\(first.location.column): \(first.text)"
}

/// The evaluation error of a parse that succeeded, as "LINE:COL: message".
func conditionsEvaluationError(
    _ yaml: String, _ version: TemplateVersion = .v2021_04_16, context: StaticContext = StaticContext()
) throws -> String {
    do {
        let value = try conditionsEvaluate(yaml, version, context: context)
        Issue.record("expected an evaluation error, got \(String(describing: value))")
        return ""
    } catch let error as EvaluationError {
        return "\(error.location.line):\(error.location.column): \(error.message)"
    }
}
