import Testing
@testable import KilnTemplate

@Suite struct ConditionsTests {
    let context = StaticContext(parameters: ["env": "prod", "count": 3], conditions: ["is_prod": true, "is_dev": false])

    @Test func equalsComparesEvaluatedValues() throws {
        #expect(try conditionsEvaluate("equals: [{yaql: {expression: $.data, data: prod}}, prod]") == .bool(true))
        #expect(try conditionsEvaluate("equals: [1, 1.0]") == .bool(true))
        #expect(try conditionsEvaluate("equals: [[a, {b: 1}], [a, {b: 1}]]") == .bool(true))
        #expect(try conditionsEvaluate("equals: ['1', 1]") == .bool(false))
        #expect(try conditionsEvaluate("equals: [null, null]") == .bool(true))
    }

    @Test func equalsNeedsExactlyTwoItems() throws {
        #expect(try conditionsError("equals: [a, b, c]") ==
            "1:9: equals: arguments must be of the form [value_1, value_2] (expected a list of 2 items, found 3 items)")
        #expect(try conditionsError("equals: a") ==
            "1:9: equals: arguments must be of the form [value_1, value_2] (expected a list of 2 items, found a string)")
    }

    @Test func notNegatesOneCondition() throws {
        #expect(try conditionsEvaluate("not: is_prod", asCondition: true, context: context) == .bool(false))
        #expect(try conditionsEvaluate("not: false", asCondition: true) == .bool(true))
        #expect(try conditionsEvaluate("not: {equals: [1, 2]}", asCondition: true) == .bool(true))
        #expect(try conditionsError("not: null") ==
            "1:6: not: argument must be a condition (expected a boolean, a condition name or a condition function, found null)")
        #expect(try conditionsError("not: [a, b]") ==
            "1:6: not: invalid condition (expected a boolean, a condition name or a condition function, found a list)")
    }

    @Test func andOrCombineAtLeastTwoConditions() throws {
        #expect(try conditionsEvaluate("and: [is_prod, true]", asCondition: true, context: context) == .bool(true))
        #expect(try conditionsEvaluate("and: [is_prod, is_dev]", asCondition: true, context: context) == .bool(false))
        #expect(try conditionsEvaluate("or: [is_dev, {not: is_prod}]", asCondition: true, context: context) == .bool(false))
        #expect(try conditionsEvaluate("or: [is_dev, {equals: [3, 3]}]", asCondition: true, context: context) == .bool(true))
        #expect(try conditionsError("and: [true]") ==
            "1:6: and: the minimum number of condition arguments is 2 (expected a list of 2 or more conditions, found 1 items)")
        #expect(try conditionsError("or: is_prod") ==
            "1:5: or: arguments must be a list of conditions (expected a list of 2 or more conditions, found a string)")
        #expect(try conditionsError("or:\n  - true\n  - 3\n") ==
            "3:5: or: invalid condition (expected a boolean, a condition name or a condition function, found a number)")
    }

    @Test func conditionNamesAreReferences() throws {
        let (expression, diagnostics) = try conditionsParse("and: [is_prod, {not: is_dev}]", asCondition: true)
        #expect(diagnostics.isEmpty)
        let names = expression.references.compactMap { ref -> String? in
            if case .condition(let name, _) = ref { return name } else { return nil }
        }
        #expect(names == ["is_prod", "is_dev"])
        let at = expression.references.first?.location
        #expect(at?.line == 1 && at?.column == 7)
    }

    @Test func unknownConditionNameFailsAtItsLocation() throws {
        do {
            _ = try conditionsEvaluate("and: [true, missing]", asCondition: true)
            Issue.record("expected an error")
        } catch let error as EvaluationError {
            #expect(error.location.line == 1 && error.location.column == 13)
            #expect(error.message == "condition 'missing' is not defined")
        }
    }

    @Test func ifChoosesOneBranchOnly() throws {
        // The false branch would fail (index out of range), but it is never evaluated.
        let yaml = "if: [is_prod, big, {yaql: {expression: '$.data[5]', data: []}}]"
        #expect(try conditionsEvaluate(yaml, .v2016_10_14, context: context) == "big")
        #expect(try conditionsEvaluate("if: [is_dev, big, small]", context: context) == "small")
        #expect(try conditionsEvaluate("if: [{equals: [1, 1]}, yes-value, no-value]") == "yes-value")
        #expect(try conditionsEvaluate("if: [false, [1], {a: b}]") == .map(["a": "b"]))
    }

    @Test func twoArgumentIfOnlyFromWallaby() throws {
        #expect(try conditionsEvaluate("if: [is_dev, x]", .v2021_04_16, context: context) == nil)
        #expect(try conditionsEvaluate("if: [is_prod, x]", .v2021_04_16, context: context) == "x")
        #expect(try conditionsError("if: [is_dev, x]", .v2018_08_31) ==
            "1:5: if: arguments must be of the form [condition, value_if_true, value_if_false] (expected 3 items, found 2 items)")
        #expect(try conditionsError("if: [a, b, c, d]") ==
            "1:5: if: arguments must be of the form [condition, value_if_true] or [condition, value_if_true, value_if_false] (expected 2 or 3 items, found 4 items)")
        #expect(try conditionsError("if: a", .v2016_10_14) ==
            "1:5: if: arguments must be a list (expected [condition, value_if_true, value_if_false], found a string)")
    }

    @Test func twoArgumentIfRemovesTheEnclosingItem() throws {
        let yaml = """
            list: [a, {if: [is_dev, b]}, c]
            map:
              kept: 1
              dropped: {if: [is_dev, 2]}
            """
        let value = try conditionsEvaluate(yaml, context: context)
        #expect(value == .map(["list": ["a", "c"], "map": ["kept": 1]]))
    }

    @Test func ifIsNotAllowedInsideConditions() throws {
        #expect(try conditionsError("not: {if: [a, true, false]}", asCondition: true) ==
            "1:7: function 'if' is not allowed in a condition (expected one of and, contains, equals, get_param, not, or, yaql)")
    }

    @Test func ifConditionReferencesAndBadConditionShape() throws {
        let (expression, _) = try conditionsParse("if: [is_prod, 1, 2]")
        #expect(expression.references == [.condition("is_prod", SourceLocation(file: "t.yaml", line: 1, column: 6))])
        #expect(try conditionsError("if: [[x], 1, 2]") ==
            "1:6: if: invalid condition (expected a boolean, a condition name or a condition function, found a list)")
    }

    @Test func beforeNewtonEqualsIsAPlainMap() throws {
        #expect(try conditionsEvaluate("equals: [a, b]", .v2016_04_08) == .map(["equals": ["a", "b"]]))
    }

    @Test func ifFailingBranchIsReported() throws {
        #expect(try conditionsEvaluationError("if: [true, {yaql: {expression: '$.data[5]', data: []}}, 1]") ==
            "1:32: yaql: list index 5 out of range")
    }
}
