// Placeholder: replaced by the real implementations.
public struct Repeat: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Repeat? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct MapMerge: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> MapMerge? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct MapReplace: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> MapReplace? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct ListConcat: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> ListConcat? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct Filter: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Filter? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

public struct Contains: TemplateFunction {
    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Contains? {
        site.fail(&parser, "not implemented yet")
    }
    public var children: [Expression] { [] }
    public func evaluate(_ scope: EvaluationScope) throws -> Value? { nil }
}

