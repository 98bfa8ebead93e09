import KilnModel
/// Condition functions (`equals`, `not`, `and`, `or`) and `if`, shared by HOT and CFN
/// (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::If` behave as their HOT counterparts in Heat).

/// `if: [condition, value_if_true, value_if_false]`. Only the chosen branch is evaluated.
/// From 2021-04-16 the false branch may be left out: a false condition then removes the
/// enclosing list item, map key or property.
public struct If: TemplateFunction {
    public let condition: Expression
    public let whenTrue: Expression
    /// nil for wallaby's two-argument form.
    public let whenFalse: Expression?

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> If? {
        let nullable = site.version >= .v2021_04_16
        let form = nullable
            ? "[condition, value_if_true] or [condition, value_if_true, value_if_false]"
            : "[condition, value_if_true, value_if_false]"
        guard let items = site.arguments.sequence else {
            return site.fail(&parser, "arguments must be a list", expected: form)
        }
        guard items.count == 3 || (nullable && items.count == 2) else {
            return site.reject(&parser, "arguments must be of the form \(form)",
                             expected: nullable ? "2 or 3 items" : "3 items", found: "\(items.count) items")
        }
        let condition = parser.parseCondition(items[0])
        guard checkConditionOperand(condition, site, &parser) else { return nil }
        return If(
            condition: condition, whenTrue: parser.parseValue(items[1]),
            whenFalse: items.count == 3 ? parser.parseValue(items[2]) : nil)
    }

    public var children: [Expression] { [condition, whenTrue] + (whenFalse.map { [$0] } ?? []) }
    public var references: [Reference] { condition.conditionReference.map { [$0] } ?? [] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        if try scope.condition(condition) { return try scope.evaluate(whenTrue) }
        guard let whenFalse else { return nil }
        return try scope.evaluate(whenFalse)
    }
}

/// `equals: [a, b]`: both values are evaluated and compared as Python compares them.
public struct Equals: TemplateFunction {
    public let left: Expression
    public let right: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Equals? {
        guard let items = site.arguments.sequence, items.count == 2 else {
            return site.reject(&parser, "arguments must be of the form [value_1, value_2]",
                             expected: "a list of 2 items",
                             found: site.arguments.sequence.map { "\($0.count) items" })
        }
        return Equals(left: parser.parse(items[0]), right: parser.parse(items[1]))
    }

    public var children: [Expression] { [left, right] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        .bool(try scope.value(of: left).equalsAsHeat(try scope.value(of: right)))
    }
}

/// `not: condition` (HOT) or `Fn::Not: [condition]` (CFN).
public struct Not: TemplateFunction {
    public let operand: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Not? {
        guard !site.arguments.isNull else {
            return site.fail(&parser, "argument must be a condition",
                             expected: "a boolean, a condition name or a condition function")
        }
        let operand = parser.parseCondition(site.arguments)
        guard checkConditionOperand(operand, site, &parser) else { return nil }
        return Not(operand: operand)
    }

    init(operand: Expression) { self.operand = operand }

    public var children: [Expression] { [operand] }
    public var references: [Reference] { operand.conditionReference.map { [$0] } ?? [] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        .bool(!(try scope.condition(operand)))
    }
}

/// `and: [c1, c2, ...]`: true when every condition is true.
public struct And: TemplateFunction {
    public let operands: [Expression]

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> And? {
        parseConditionList(site, &parser).map(And.init(operands:))
    }

    public var children: [Expression] { operands }
    public var references: [Reference] { operands.compactMap(\.conditionReference) }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        // Heat resolves every operand before combining them, so an error anywhere surfaces.
        let values = try operands.map { try scope.condition($0) }
        return .bool(values.allSatisfy { $0 })
    }
}

/// `or: [c1, c2, ...]`: true when any condition is true.
public struct Or: TemplateFunction {
    public let operands: [Expression]

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Or? {
        parseConditionList(site, &parser).map(Or.init(operands:))
    }

    public var children: [Expression] { operands }
    public var references: [Reference] { operands.compactMap(\.conditionReference) }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let values = try operands.map { try scope.condition($0) }
        return .bool(values.contains(true))
    }
}

/// The operands of `and` / `or`: a list of at least two conditions.
func parseConditionList(_ site: FunctionSite, _ parser: inout ExpressionParser) -> [Expression]? {
    guard let items = site.arguments.sequence else {
        return site.fail(&parser, "arguments must be a list of conditions", expected: "a list of 2 or more conditions")
    }
    guard items.count >= 2 else {
        return site.reject(&parser, "the minimum number of condition arguments is 2",
                         expected: "a list of 2 or more conditions", found: "\(items.count) items")
    }
    var operands: [Expression] = []
    var valid = true
    for item in items {
        let operand = parser.parseCondition(item)
        valid = checkConditionOperand(operand, site, &parser) && valid
        operands.append(operand)
    }
    return valid ? operands : nil
}

/// A condition operand is a boolean, a condition name or a function call; anything else
/// could never be evaluated, so it is reported up front (Heat fails later with "Invalid condition").
func checkConditionOperand(_ operand: Expression, _ site: FunctionSite, _ parser: inout ExpressionParser) -> Bool {
    switch operand {
    case .literal(.bool, _), .literal(.string, _), .call: return true
    case .literal(let scalar, let at):
        // A call that failed to parse became a null literal; its error is already reported.
        if scalar == .null, parser.diagnostics.all.contains(where: { $0.location == at }) { return false }
        parser.diagnostics.error(
            at, "\(site.name): invalid condition", expected: "a boolean, a condition name or a condition function",
            found: Value(scalar).kindName)
        return false
    case .list(_, let at), .map(_, let at):
        parser.diagnostics.error(
            at, "\(site.name): invalid condition", expected: "a boolean, a condition name or a condition function",
            found: operand.location == at && isList(operand) ? "a list" : "a mapping")
        return false
    }
}

extension FunctionSite {
    /// `fail` with an explicit "found" detail (the argument count rather than its shape).
    func reject<T>(_ parser: inout ExpressionParser, _ message: String, expected: String?, found: String?) -> T? {
        parser.diagnostics.error(arguments.location, "\(name): \(message)", expected: expected,
                                 found: found ?? arguments.shapeName)
        return nil
    }
}

private func isList(_ expression: Expression) -> Bool {
    if case .list = expression { return true }
    return false
}

extension Value {
    /// Python's `==` on the JSON model: numbers compare by value (1 == 1.0, True == 1).
    public func equalsAsHeat(_ other: Value) -> Bool {
        switch (self, other) {
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.equalsAsHeat($1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map(value.equalsAsHeat) ?? false }
        case (.int(let a), .int(let b)):
            return a == b
        default:
            if let a = heatNumber, let b = other.heatNumber { return a == b }
            return self == other
        }
    }

    /// The number Python sees for ints, floats and booleans (not strings).
    var heatNumber: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}
