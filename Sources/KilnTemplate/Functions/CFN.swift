// Placeholder: replaced by the real implementations.
public struct Ref: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Ref? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnGetAtt: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnGetAtt? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnSelect: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnSelect? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnJoin: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnJoin? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnSplit: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnSplit? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnReplace: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnReplace? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnBase64: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnBase64? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnMemberListToMap: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnMemberListToMap? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnResourceFacade: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnResourceFacade? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnFindInMap: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnFindInMap? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnGetAZs: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnGetAZs? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnIf: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnIf? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnEquals: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnEquals? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnNot: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnNot? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnAnd: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnAnd? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct FnOr: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnOr? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

