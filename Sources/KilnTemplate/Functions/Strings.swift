// Placeholder: replaced by the real implementations.
public struct ListJoin: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> ListJoin? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct StrReplace: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> StrReplace? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct StrSplit: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> StrSplit? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct Digest: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Digest? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct MakeURL: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> MakeURL? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

