// Placeholder: replaced by the real implementations.
public struct Yaql: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Yaql? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

