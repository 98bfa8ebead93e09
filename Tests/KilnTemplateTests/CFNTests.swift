import KilnModel
import Testing
@testable import KilnTemplate

@Suite struct CFNTests {
    let cfn = TemplateVersion.cfn2010
    let context = StaticContext(
        parameters: ["KeyName": "mykey", "AWS::StackName": "teststack"],
        conditions: ["IsProd": true],
        mappings: ["Regions": ["us-east-1": ["AMI": "ami-123"]]],
        references: ["Server": "server-id"],
        attributes: ["Server": ["PublicIp": "10.0.0.1"]],
        facade: ["metadata": ["a": 1], "deletion_policy": "Retain"])

    private func run(_ yaml: String, _ version: TemplateVersion = .cfn2010, asCondition: Bool = false) throws -> Value? {
        try conditionsEvaluate(yaml, version, asCondition: asCondition, context: context)
    }

    @Test func refResolvesResourcesParametersAndPseudoParameters() throws {
        #expect(try run("Ref: Server") == "server-id")
        #expect(try run("Ref: KeyName") == "mykey")
        #expect(try run("Ref: AWS::StackName") == "teststack")
        #expect(try run("Ref: AWS::Region") == "ap-southeast-1")
        #expect(try run("Ref: Server", .v2013_05_23) == "server-id")
        let at = SourceLocation(file: "t.yaml", line: 1, column: 6)
        #expect(try conditionsParse("Ref: Server", cfn).0.references == [.resource("Server", at)])
        #expect(try conditionsParse("Ref: AWS::StackId", cfn).0.references == [.parameter("AWS::StackId", at)])
        #expect(try conditionsParse("Ref: Env", cfn, asCondition: true).0.references == [.parameter("Env", at)])
        #expect(try conditionsError("Ref: [a]", cfn) ==
            "1:6: Ref: argument must be the name of a parameter or resource (expected a string, found a list)")
        #expect(try conditionsEvaluationError("Ref: Nothing", cfn, context: context) ==
            "1:1: Ref: the reference of resource 'Nothing' is known only once it exists")
    }

    @Test func getAtt() throws {
        #expect(try run("Fn::GetAtt: [Server, PublicIp]") == "10.0.0.1")
        let at = SourceLocation(file: "t.yaml", line: 1, column: 14)
        #expect(try conditionsParse("Fn::GetAtt: [Server, PublicIp]", cfn).0.references ==
            [.attribute(resource: "Server", attribute: "PublicIp", at)])
        #expect(try conditionsError("Fn::GetAtt: [Server]", cfn) ==
            "1:13: Fn::GetAtt: arguments must be of the form [resource_name, attribute] (expected a list of 2 items, found 1 items)")
        #expect(try conditionsError("Fn::GetAtt: [[a], b]", cfn) ==
            "1:14: Fn::GetAtt: the resource name must be a string (expected a string)")
    }

    @Test func selectReturnsEmptyStringWhenMissing() throws {
        #expect(try run("Fn::Select: [1, [a, b, c]]") == "b")
        #expect(try run("Fn::Select: ['2', [a, b, c]]") == "c")
        #expect(try run("Fn::Select: [5, [a, b]]") == "")
        #expect(try run("Fn::Select: [k, {k: v}]") == "v")
        #expect(try run("Fn::Select: [x, {k: v}]") == "")
        #expect(try run("Fn::Select: [0, '[\"j\"]']") == "j")
        #expect(try run("Fn::Select: [0, '']") == "")
        #expect(try conditionsError("Fn::Select: [1]", cfn) ==
            "1:13: Fn::Select: arguments must be of the form [index, collection] (expected a list of 2 items, found 1 items)")
        #expect(try conditionsEvaluationError("Fn::Select: [a, [x]]", cfn, context: context) ==
            "1:14: Fn::Select: the index into a list must be an integer")
        #expect(try conditionsError("Fn::Select: [0, [a]]", .v2015_10_15) ==
            "1:1: function 'Fn::Select' is not supported in heat_template_version: 2015-10-15")
        #expect(try run("Fn::Select: [0, [a]]", .v2015_04_30) == "a")
    }

    @Test func joinSplitReplaceBase64() throws {
        #expect(try run("Fn::Join: [',', [a, null, {Ref: KeyName}]]") == "a,,mykey")
        #expect(try conditionsEvaluationError("Fn::Join: [',', [a, 1]]", cfn, context: context) ==
            "1:17: Fn::Join: items to join must be strings, found a number")
        #expect(try conditionsError("Fn::Join: [',']", cfn) ==
            "1:11: Fn::Join: arguments must be of the form [delimiter, [string, ...]] (expected a list of 2 items, found 1 items)")
        #expect(try run("Fn::Split: [',', 'a,b,,c']") == ["a", "b", "", "c"])
        #expect(try conditionsError("Fn::Split: [{Ref: KeyName}, 'a,b']", cfn) ==
            "1:13: Fn::Split: the delimiter must be a string (expected a string)")
        #expect(try run("Fn::Replace: [{$var: x, $variable: long, n: 2}, '$variable $var n']") == "long x 2")
        #expect(try run("Fn::Replace: [{a: b, b: c}, ab]") == "bc")
        #expect(try conditionsError("Fn::Replace: [[a], b]", cfn) ==
            "1:15: Fn::Replace: parameters must be a mapping (expected a mapping)")
        #expect(try run("Fn::Base64: {Fn::Join: ['', [a, b]]}") == "ab")
        #expect(try conditionsEvaluationError("Fn::Base64: [a]", cfn, context: context) ==
            "1:13: Fn::Base64: the argument must be a string, found a list")
    }

    @Test func memberListToMap() throws {
        let yaml = """
            Fn::MemberListToMap: [Name, Value, ['.member.0.Name=key', '.member.0.Value=door',
                                                '.member.1.Name=colour', '.member.1.Value=green=ish']]
            """
        #expect(try run(yaml) == .map(["key": "door", "colour": "green=ish"]))
        #expect(try conditionsError("Fn::MemberListToMap: [Name, Value]", cfn) ==
            "1:22: Fn::MemberListToMap: arguments must be of the form [key_name, value_name, member_list] (expected a list of 3 items, found 2 items)")
        #expect(try conditionsEvaluationError("Fn::MemberListToMap: [Name, Value, [novalue]]", cfn, context: context) ==
            "1:36: Fn::MemberListToMap: member 'novalue' has no '='")
    }

    @Test func resourceFacadeFindInMapGetAZs() throws {
        #expect(try run("Fn::ResourceFacade: Metadata") == .map(["a": 1]))
        #expect(try run("Fn::ResourceFacade: DeletionPolicy") == "Retain")
        #expect(try conditionsError("Fn::ResourceFacade: metadata", cfn) ==
            "1:21: Fn::ResourceFacade: argument must be one of Metadata, DeletionPolicy, UpdatePolicy (expected Metadata, DeletionPolicy or UpdatePolicy, found a string)")
        #expect(try run("Fn::FindInMap: [Regions, us-east-1, AMI]") == "ami-123")
        #expect(try conditionsParse("Fn::FindInMap: [Regions, a, b]", cfn).0.references ==
            [.mapping("Regions", SourceLocation(file: "t.yaml", line: 1, column: 17))])
        #expect(try conditionsEvaluationError("Fn::FindInMap: [Regions, eu-west-1, AMI]", cfn, context: context) ==
            "1:26: Fn::FindInMap: mapping 'Regions' has no key 'eu-west-1'")
        #expect(try conditionsError("Fn::FindInMap: [Regions, a]", cfn) ==
            "1:16: Fn::FindInMap: arguments must be of the form [map_name, key, value] (expected a list of 3 items, found 2 items)")
        #expect(try run("Fn::GetAZs: {Ref: AWS::Region}") == ["nova"])
    }

    @Test func cfnConditionFunctions() throws {
        #expect(try run("Fn::If: [IsProd, {Ref: KeyName}, other]") == "mykey")
        #expect(try run("Fn::If: [{Fn::Equals: [a, b]}, x, y]") == "y")
        #expect(try conditionsError("Fn::If: [IsProd, x]", cfn) ==
            "1:9: Fn::If: arguments must be of the form [condition, value_if_true, value_if_false] (expected 3 items, found 2 items)")
        #expect(try run("Fn::Equals: [{Ref: KeyName}, mykey]", asCondition: true) == true)
        #expect(try run("Fn::Not: [{Fn::Equals: [a, a]}]", asCondition: true) == false)
        #expect(try run("Fn::Not: [IsProd]", asCondition: true) == false)
        #expect(try conditionsError("Fn::Not: {Fn::Equals: [a, a]}", cfn, asCondition: true) ==
            "1:10: Fn::Not: arguments must be of the form [condition] (expected a list of 1 condition, found a mapping)")
        #expect(try run("Fn::And: [IsProd, {Fn::Or: [false, true]}]", asCondition: true) == true)
        #expect(try conditionsError("Fn::Or: [IsProd]", cfn, asCondition: true) ==
            "1:9: Fn::Or: the minimum number of condition arguments is 2 (expected a list of 2 or more conditions, found 1 items)")
        #expect(try conditionsError("Fn::And: [true, {Fn::GetAtt: [a, b]}]", cfn, asCondition: true) ==
            "1:18: function 'Fn::GetAtt' is not allowed in a condition (expected one of Fn::And, Fn::Equals, Fn::FindInMap, Fn::Not, Fn::Or, Ref)")
    }

    @Test func heatFormatHasNoConditions() throws {
        #expect(try conditionsError("Fn::If: [a, b, c]", .heat2012) ==
            "1:1: unknown function 'Fn::If' (expected one of Fn::Base64, Fn::FindInMap, Fn::GetAZs, Fn::GetAtt, Fn::Join, Fn::MemberListToMap, Fn::Replace, Fn::ResourceFacade, Fn::Select, Fn::Split, Ref)")
    }
}
