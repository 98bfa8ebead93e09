import KilnModel
import Testing
@testable import KilnTemplate

/// Evaluates `yaql` with the expression written as a single-quoted YAML scalar.
private func yaql(_ expression: String, data: String = "{}") throws -> Value? {
    let escaped = expression.replacingOccurrences(of: "'", with: "''")
    return try conditionsEvaluate("yaql: {expression: '\(escaped)', data: \(data)}")
}

@Suite struct YaqlTests {
    @Test func literalsAndArithmetic() throws {
        #expect(try yaql("1 + 2 * 3") == 7)
        #expect(try yaql("(1 + 2) * 3") == 9)
        #expect(try yaql("7 / 2") == 3)
        #expect(try yaql("-7 / 2") == -4)
        #expect(try yaql("7.0 / 2") == 3.5)
        #expect(try yaql("-7 mod 3") == 2)
        #expect(try yaql("\"a\" + 'b'") == "ab")
        #expect(try yaql("[1, 2] + [3]") == [1, 2, 3])
        #expect(try yaql("{a => 1, 'b' => [true, null]}") == .map(["a": 1, "b": [true, nil]]))
        #expect(try yaql("`raw\\n`") == "raw\\n")
    }

    @Test func comparisonsAndLogic() throws {
        #expect(try yaql("1 = 1.0 and 2 != 3") == true)
        #expect(try yaql("'a' < 'b' and not 3 <= 2") == true)
        #expect(try yaql("null < 1") == true)
        #expect(try yaql("2 in [1, 2]") == true)
        #expect(try yaql("'b' in 'abc'") == true)
        #expect(try yaql("false or 'fallback'") == "fallback")
        #expect(try yaql("0 and 1") == 0)
    }

    @Test func dataAccess() throws {
        let data = "{list: [a, b, c], nested: {x: {y: 42}}, servers: [{name: s1}, {name: s2}]}"
        #expect(try yaql("$.data.list[0]", data: data) == "a")
        #expect(try yaql("$.data.list[-1]", data: data) == "c")
        #expect(try yaql("$.data.nested.x.y", data: data) == 42)
        #expect(try yaql("$.data.nested['x']", data: data) == .map(["y": 42]))
        // Heat fails on a missing key (measured with heat-oracle).
        #expect(try conditionsEvaluationError("yaql: {expression: '$.data.missing', data: {}}") ==
            "1:20: yaql: no key 'missing' in the dict")
        #expect(try yaql("$.data.servers.name", data: data) == ["s1", "s2"])
        #expect(try yaql("$.data", data: "[1, 2]") == [1, 2])
    }

    /// Shapes used by openstack/heat-templates and tripleo-heat-templates.
    @Test func realTemplateExpressions() throws {
        #expect(try yaql("$.data.where($ != '')", data: "[a, '', b, '']") == ["a", "b"])
        #expect(try yaql("len($.data.list)", data: "{list: [1, 2, 3]}") == 3)
        #expect(try yaql("$.data.list.len()", data: "{list: [1, 2, 3]}") == 3)
        #expect(try yaql("$.data.var1.sum()", data: "{var1: [3, 2, 1]}") == 6)
        #expect(try yaql("$.data.list.select($.name)", data: "{list: [{name: a}, {name: b}]}") == ["a", "b"])
        #expect(try yaql("$.data.list.select($ * 2).where($ > 2)", data: "{list: [1, 2, 3]}") == [4, 6])
        #expect(try yaql("$.data.services.select($.toUpper()).join(',')", data: "{services: [nova, neutron]}") ==
            "NOVA,NEUTRON")
        #expect(try yaql("coalesce($.data.roles, []).flatten().distinct()", data: "{roles: [[a, b], [b, c]]}") ==
            ["a", "b", "c"])
        #expect(try yaql("dict($.data.names.select([$, $.len()]))", data: "{names: [ab, c]}") ==
            .map(["ab": 2, "c": 1]))
        // The data's order, as Heat keeps it (heat-oracle: `$.data.keys().toList()` of {zz, aa, mm} is [zz, aa, mm]).
        #expect(try yaql("$.data.map.keys()", data: "{map: {b: 1, a: 2}}") == ["b", "a"])
        #expect(try yaql("$.data.map.values().sum()", data: "{map: {b: 1, a: 2}}") == 3)
        #expect(try yaql("$.data.map.items()", data: "{map: {a: 1}}") == [["a", 1]])
        #expect(try yaql("let(x => 2) -> $x * $.data", data: "5") == 10)
        // Heat refuses `->` after anything but let() (heat-oracle: "$.data -> $.a" fails).
        #expect(try conditionsEvaluationError("yaql: {expression: '$.data -> $.a', data: {a: 1}}") ==
            "1:20: yaql: '->' needs let(...) on its left")
        #expect(try yaql("$.data.a.mergeWith($.data.b)", data: "{a: {x: [1], y: 1}, b: {x: [2], z: 3}}") ==
            .map(["x": [1, 2], "y": 1, "z": 3]))
    }

    @Test func collectionFunctions() throws {
        let data = "[3, 1, 2]"
        #expect(try yaql("$.data.orderBy($)", data: data) == [1, 2, 3])
        #expect(try yaql("$.data.orderByDescending($)", data: data) == [3, 2, 1])
        #expect(try yaql("$.data.first()", data: data) == 3)
        #expect(try yaql("$.data.last()", data: data) == 2)
        #expect(try yaql("[].first(0)") == 0)
        #expect(try yaql("$.data.max() + $.data.min()", data: data) == 4)
        #expect(try yaql("max(4, 9)") == 9)
        #expect(try yaql("$.data.skip(1).take(1)", data: data) == [1])
        #expect(try yaql("$.data.any($ > 2) and not $.data.all($ > 2)", data: data) == true)
        #expect(try yaql("$.data.contains(1)", data: data) == true)
        #expect(try yaql("$.data.count()", data: data) == 3)
        #expect(try yaql("range(3)") == [0, 1, 2])
        #expect(try yaql("range(1, 7, 3)") == [1, 4])
        #expect(try yaql("list(1, [2, 3])") == [1, [2, 3]])  // nested, as Heat (heat-oracle)
        #expect(try yaql("[1, 2].concat([3])") == [1, 2, 3])
        #expect(try yaql("$.data.groupBy($ mod 2)", data: "[1, 2, 3]") == [[1, [1, 3]], [0, [2]]])
        #expect(try yaql("$.data.get(a, 0) + $.data.get(b, 5)", data: "{a: 1}") == 6)
        #expect(try yaql("$.data.selectMany($)", data: "[[1], [2, 3]]") == [1, 2, 3])
    }

    @Test func stringFunctions() throws {
        #expect(try yaql("'a,b,c'.split(',')") == ["a", "b", "c"])
        #expect(try yaql("'a,b,c'.split(',', 1)") == ["a", "b,c"])
        #expect(try yaql("'  x '.trim()") == "x")
        #expect(try yaql("'Hello'.toLower() + 'x'.toUpper()") == "helloX")
        #expect(try yaql("'a-b-c'.replace('-', '_')") == "a_b_c")
        #expect(try yaql("'nova-api'.startsWith('nova') and 'nova-api'.endsWith('api')") == true)
        #expect(try yaql("concat('a', 'b', 'c')") == "abc")
        #expect(try yaql("','.join([1, null, true])") == "1,null,true")
        #expect(try yaql("str(1) + str(null)") == "1null")
        #expect(try yaql("int('12') + int(2.9) + int(null)") == 14)
        #expect(try yaql("float('1.5')") == 1.5)
        #expect(try yaql("bool([]) or bool('x')") == true)
        #expect(try yaql("'abcdef'.substring(1, 3)") == "bcd")
        #expect(try yaql("' '.isEmpty()") == true)
    }

    @Test func expressionMayBeComputed() throws {
        #expect(try conditionsEvaluate("yaql: {expression: {if: [true, '$.data.len()', '0']}, data: [1, 2]}") == 2)
        // A computed expression is parsed when evaluated, so its errors come then.
        #expect(try conditionsEvaluationError("yaql: {expression: {if: [true, '$.data +', '0']}}") ==
            "1:21: yaql: bad yaql expression: unexpected end of expression at position 8")
    }

    /// Heat's validate accepts whatever yaql parses (measured with heat-oracle: `foo()`,
    /// `$.x.(1)`, `$.a?.b()`, `$[1, 2]` validate; `$.data +` and `$.a{1}` do not). An unknown
    /// function fails when the output is evaluated, at the expression.
    @Test func unknownFunctionsFailWhenEvaluatedNotAtValidation() throws {
        for expression in ["foo()", "$.data.frobnicate()", "$.x.(1)", "$.a?.b()", "$[1, 2]"] {
            let (_, diagnostics) = try conditionsParse("yaql: {expression: '\(expression)', data: {}}")
            #expect(diagnostics.isEmpty, "\(expression): \(diagnostics)")
        }
        #expect(try conditionsEvaluationError("yaql:\n  expression: $.data.frobnicate()\n  data: {}\n") ==
            "2:15: yaql: unknown method 'frobnicate'")
        #expect(try conditionsEvaluationError("yaql: {expression: 'foo()'}") == "1:20: yaql: unknown function 'foo'")
        #expect(try conditionsEvaluationError("yaql: {expression: '$.x.(1)'}") ==
            "1:20: yaql: unsupported yaql construct '.(...)'")
        #expect(try conditionsEvaluate("yaql: {expression: '$.data?.len()', data: null}") == .null)
    }

    @Test func syntaxErrorsAreReportedAtTheExpression() throws {
        #expect(try conditionsError("yaql: {expression: '$.a{1}'}") ==
            "1:20: yaql: bad yaql expression: unexpected '{' at position 3")
        #expect(try conditionsError("yaql: {expression: '$.data +'}") ==
            "1:20: yaql: bad yaql expression: unexpected end of expression at position 8")
        #expect(try conditionsError("yaql: {expression: '[1, 2'}") ==
            "1:20: yaql: bad yaql expression: expected ',', found end of expression at position 5")
    }

    @Test func argumentShapeErrors() throws {
        #expect(try conditionsError("yaql: '$.data'") ==
            "1:7: yaql: arguments must be a map (expected {expression: STRING, data: MAP}, found a string)")
        #expect(try conditionsError("yaql: {data: {}}") ==
            "1:7: yaql: the 'expression' key is required (expected {expression: STRING, data: MAP}, found a mapping)")
        #expect(try conditionsError("yaql: {expression: '1', extra: 2}") ==
            "1:25: yaql: unknown key 'extra' (expected {expression: STRING, data: MAP})")
        #expect(try conditionsError("yaql:\n  expression: 12\n") ==
            "2:15: yaql: the expression must be a string (expected a string)")
    }

    @Test func heatLimits() throws {
        #expect(try conditionsEvaluationError("yaql: {expression: 'range(500)'}") ==
            "1:20: yaql: collection is too large: more than 200 items")
        #expect(try conditionsEvaluationError("yaql: {expression: \"'x' * 20000\"}") ==
            "1:20: yaql: expression exceeds the memory quota of 10000")
        #expect(try yaql("range(200).len()") == 200)
    }

    @Test func runtimeErrorsPointAtTheExpression() throws {
        #expect(try conditionsEvaluationError("yaql:\n  expression: $.data.list[3]\n  data: {list: []}\n") ==
            "2:15: yaql: list index 3 out of range")
        #expect(try conditionsEvaluationError("yaql: {expression: '1 + a'}") ==
            "1:20: yaql: '+' cannot combine a number and a string")
    }

    @Test func yaqlInAConditionFromPike() throws {
        let yaml = "and: [true, {yaql: {expression: '$.data.len() > 1', data: [1, 2]}}]"
        #expect(try conditionsEvaluate(yaml, .v2017_09_01, asCondition: true) == true)
        #expect(try conditionsError("not: {yaql: {expression: 'true'}}", .v2017_02_24, asCondition: true) ==
            "1:7: function 'yaql' is not allowed in a condition (expected one of and, equals, get_param, not, or)")
    }
}
