import KilnModel
/// `yaql: {expression: STRING, data: MAP}`: evaluates a YAQL expression with `$.data`
/// bound to the data. A literal expression is parsed up front, so syntax errors are
/// reported at validation; a computed one is parsed when evaluated. Like Heat, validation
/// only parses: an unknown function or a construct Kiln does not evaluate fails when the
/// expression is evaluated, never at validation.
public struct Yaql: TemplateFunction {
    public let expression: Expression
    public let data: Expression?
    /// The expression parsed at template-parse time, when it was written literally.
    let parsed: YaqlNode?

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Yaql? {
        let form = "{expression: STRING, data: MAP}"
        guard let entries = site.arguments.mapping else {
            return site.fail(&parser, "arguments must be a map", expected: form)
        }
        var valid = true
        for entry in entries where entry.key != "expression" && entry.key != "data" {
            parser.diagnostics.error(entry.keyLocation, "\(site.name): unknown key '\(entry.key)'", expected: form)
            valid = false
        }
        guard let expressionNode = site.arguments["expression"] else {
            return site.fail(&parser, "the 'expression' key is required", expected: form)
        }
        let expression = parser.parse(expressionNode)
        var parsed: YaqlNode?
        switch expression {
        case .literal(.string(let text), let at):
            do {
                parsed = try YaqlParser.parse(text)
            } catch {
                parser.diagnostics.error(at, "\(site.name): \(error.message)")
                valid = false
            }
        case .call:
            break
        case .literal(.null, let at) where parser.diagnostics.all.contains(where: { $0.location == at }):
            return nil  // a call inside that failed to parse, already reported
        default:
            return site.fail(&parser, "the expression must be a string", expected: "a string",
                             at: expressionNode.location)
        }
        let data = site.arguments["data"].map { parser.parse($0) }
        guard valid else { return nil }
        return Yaql(expression: expression, data: data, parsed: parsed)
    }

    public var children: [Expression] { [expression] + (data.map { [$0] } ?? []) }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let node: YaqlNode
        if let parsed {
            node = parsed
        } else {
            let text = try scope.value(of: expression)
            guard case .string(let source) = text else {
                throw EvaluationError("yaql: the expression must be a string, found \(text.kindName)", at: expression.location)
            }
            do { node = try YaqlParser.parse(source) } catch {
                throw EvaluationError("yaql: \(error.message)", at: expression.location)
            }
        }
        let dataValue = try data.map { try scope.value(of: $0) } ?? .map([:])
        do {
            let evaluator = YaqlEvaluator(budget: scope.budget, location: expression.location)
            return YaqlObject.plain(try evaluator.evaluate(node, YaqlEnvironment(root: .map(["data": dataValue]))))
        } catch let error as YaqlRuntimeError {
            throw EvaluationError("yaql: \(error.message)", at: expression.location)
        }
    }
}
