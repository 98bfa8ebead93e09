// Placeholder: replaced by the real implementations.
public struct GetParam: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetParam? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct GetResource: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetResource? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct GetAttr: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetAttr? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct GetFile: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetFile? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct ResourceFacade: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> ResourceFacade? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

