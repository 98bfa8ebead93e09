import Testing
@testable import KilnTemplate

@Suite("ExpressionParser")
struct ExpressionParserTests {
    func errors(_ yaml: String, version: TemplateVersion, condition: Bool = false) throws -> [String] {
        let node = try YAMLReader().read(yaml, file: "t.yaml")
        var parser = ExpressionParser(version: version)
        _ = condition ? parser.parseConditionDefinition(node) : parser.parse(node)
        return parser.diagnostics.sorted.map { "\($0.location.line):\($0.location.column) \($0.text)" }
    }

    @Test func functionFromALaterVersion() throws {
        #expect(try errors("{str_split: [',', 'a,b']}", version: .v2015_04_30) == [
            "1:2 function 'str_split' is not available in heat_template_version: 2015-04-30 (expected heat_template_version 2015-10-15 or later)"
        ])
        #expect(try errors("x:\n  list_concat: [[1], [2]]\n", version: .v2017_02_24) == [
            "2:3 function 'list_concat' is not available in heat_template_version: 2017-02-24 (expected heat_template_version 2017-09-01 or later)"
        ])
    }

    @Test func removedFunctions() throws {
        #expect(try errors("{'Fn::Join': [',', [a]]}", version: .v2016_10_14) == [
            "1:2 function 'Fn::Join' is not supported in heat_template_version: 2016-10-14"
        ])
        #expect(try errors("{'Fn::Select': [0, [a]]}", version: .v2015_10_15) == [
            "1:2 function 'Fn::Select' is not supported in heat_template_version: 2015-10-15"
        ])
        #expect(try errors("{Ref: x}", version: .v2018_08_31) == [
            "1:2 function 'Ref' is not supported in heat_template_version: 2018-08-31"
        ])
    }

    @Test func misspeltAndCrowdedCalls() throws {
        #expect(try errors("{get_parm: x}", version: .v2018_08_31) == [
            "1:2 unknown function 'get_parm' (did you mean 'get_param'?)"
        ])
        #expect(try errors("{get_param: x, other: 1}", version: .v2018_08_31) == [
            // Heat: a plain map (measured with heat-oracle), so a warning.
            "1:2 function 'get_param' is not the only key of its mapping, so the mapping is plain data and 'get_param' is not called (expected {get_param: ARGUMENTS}, found 2 keys)"
        ])
        #expect(try errors("{'Fn::Nope': x}", version: .cfn2010).first?.hasPrefix("1:2 unknown function 'Fn::Nope'") == true)
    }

    @Test func plainMapsStayData() throws {
        #expect(try errors("{value: 1}", version: .v2013_05_23).isEmpty)
        #expect(try errors("{my_key: 1}", version: .v2021_04_16).isEmpty)
    }

    @Test func onlyConditionFunctionsInConditions() throws {
        #expect(try errors("{get_resource: a}", version: .v2018_08_31, condition: true) == [
            "1:2 function 'get_resource' is not allowed in a condition (expected one of and, contains, equals, get_param, not, or, yaql)"
        ])
        #expect(try errors("{contains: [a, [a]]}", version: .v2016_10_14, condition: true) == [
            "1:2 function 'contains' is not available in heat_template_version: 2016-10-14 (expected heat_template_version 2017-09-01 or later)"
        ])
    }

    @Test func functionTablesMatchHeat() {
        let counts = TemplateVersion.hot.map { version -> Int in
            FunctionTable.of(version).functions.keys.filter { !["equals", "not", "and", "or"].contains($0) }.count
        }
        // Heat 27's active function counts per HOT version (heat-inventory §1.2).
        #expect(counts == [16, 8, 10, 10, 11, 14, 16, 21, 21, 21, 21])
        #expect(FunctionTable.of(.cfn2010).functions.count == 12 + 4)
        #expect(FunctionTable.of(.heat2012).functions.count == 11)
        #expect(FunctionTable.of(.v2016_10_14).conditionFunctions == ["get_param", "equals", "not", "and", "or"])
        #expect(FunctionTable.of(.v2017_09_01).conditionFunctions.count == 7)
        #expect(FunctionTable.of(.v2016_04_08).conditionFunctions.isEmpty)
    }
}

@Suite("ExpressionParser conditions")
struct ConditionShapeTests {
    @Test func conditionMustBeBooleanNameOrFunction() throws {
        let node = try YAMLReader().read("[1, 2]", file: "t.yaml")
        var parser = ExpressionParser(version: .v2018_08_31)
        _ = parser.parseConditionDefinition(node)
        #expect(parser.diagnostics.all.map(\.text) == [
            "invalid condition (expected a boolean, the name of a condition or a condition function, found a list)"
        ])
    }
}
