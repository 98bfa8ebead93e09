import KilnModel
import Testing
@testable import KilnTemplate

@Suite("TemplateParser")
struct TemplateParserTests {
    func parse(_ text: String) throws -> (Template?, [Diagnostic]) {
        let node = try YAMLReader().read(text, file: "t.yaml")
        var parser = TemplateParser()
        let template = parser.parse(node, file: "t.yaml")
        return (template, parser.diagnostics.sorted)
    }

    @Test(arguments: TemplateVersion.hot)
    func everyHOTVersionAndAliasIsAccepted(version: TemplateVersion) throws {
        for name in [version.date] + version.aliases {
            let (template, errors) = try parse("heat_template_version: \(name)\nresources: {}\n")
            #expect(errors.isEmpty)
            #expect(template?.version == version)
        }
    }

    @Test func cfnVersions() throws {
        let (aws, e1) = try parse("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\nConditions: {}\n")
        #expect(e1.isEmpty)
        #expect(aws?.version == .cfn2010)
        let (heat, e2) = try parse("HeatTemplateFormatVersion: '2012-12-12'\nResources: {}\nConditions: {}\n")
        #expect(heat?.version == .heat2012)
        #expect(e2.map(\.message) == ["The template section is invalid: Conditions (not supported in HeatTemplateFormatVersion: 2012-12-12)"])
    }

    @Test func versionErrors() throws {
        let (_, missing) = try parse("resources: {}\n")
        #expect(missing.map(\.description) == [
            "t.yaml:1:1: error: Template format version not found. (expected heat_template_version: 2021-04-16 (or another version))"
        ])
        let (_, unknown) = try parse("heat_template_version: 2019-01-01\n")
        #expect(unknown.count == 1)
        #expect(unknown[0].location.description == "t.yaml:1:24")
        #expect(unknown[0].message == "The template version is invalid: \"heat_template_version: 2019-01-01\"")
        #expect(unknown[0].expected?.contains("wallaby") == true)
        let (_, ambiguous) = try parse("heat_template_version: 2018-08-31\nAWSTemplateFormatVersion: '2010-09-09'\n")
        #expect(ambiguous.first?.message == "ambiguous template version")
        let (_, numeric) = try parse("heat_template_version: 2018\n")
        #expect(numeric.first?.text == "template version must be a string (found a number)")
        let (_, notMap) = try parse("- a\n- b\n")
        #expect(notMap.first?.text == "a template must be a mapping (expected a mapping of sections, found a list)")
    }

    @Test func sectionsPerVersion() throws {
        let (_, old) = try parse("heat_template_version: 2016-04-08\nconditions: {}\n")
        #expect(old.map(\.message) == ["The template section is invalid: conditions (not supported in heat_template_version: 2016-04-08)"])
        #expect(old.first?.location.description == "t.yaml:2:1")
        let (_, typo) = try parse("heat_template_version: 2018-08-31\nresource: {}\noutput: {}\n")
        #expect(typo.map(\.message) == [
            "The template section is invalid: resource (did you mean 'resources'?)",
            "The template section is invalid: output (did you mean 'outputs'?)",
        ])
    }

    @Test func resourceKeysPerVersion() throws {
        let text = """
            heat_template_version: 2016-04-08
            resources:
              a:
                type: OS::Heat::None
                condition: yes
                external_id: abc
                propertys: {}
              b:
                properties: {}
              c: just text
            """
        let (template, errors) = try parse(text)
        #expect(errors.map { "\($0.location.line):\($0.location.column) \($0.message)" } == [
            "5:5 \"condition\" is not a valid keyword inside a resource definition (resource 'a')",
            "6:5 \"external_id\" is not a valid keyword inside a resource definition (resource 'a')",
            "7:5 \"propertys\" is not a valid keyword inside a resource definition (resource 'a') (did you mean 'properties'?)",
            "8:3 resource 'b' has no type",
            "10:6 resource 'c' must be a mapping",
        ])
        #expect(template?.resources.map(\.name) == ["a", "b"])
    }

    @Test func resourceFields() throws {
        let text = """
            heat_template_version: 2021-04-16
            resources:
              a:
                type: OS::Heat::None
                depends_on: [b, c]
                deletion_policy: retain
                condition: enabled
                metadata: {k: v}
                update_policy: {rolling_update: {max_batch_size: 1}}
                external_id: ext-1
                description: the a
              b:
                type: OS::Heat::None
                depends_on: c
                deletion_policy: Keep
              c: {type: OS::Heat::None, depends_on: [{x: 1}]}
            """
        let (template, errors) = try parse(text)
        #expect(errors.map { "\($0.location.line):\($0.location.column) \($0.message)" } == [
            "15:22 invalid deletion_policy 'Keep' in resource 'b'",
            "16:42 depends_on of 'c' must list resource names",
        ])
        let a = try #require(template?.resource(named: "a"))
        #expect(a.dependsOn.map(\.name) == ["b", "c"])
        #expect(a.description == "the a")
        #expect(a.condition?.literalString == "enabled")
        #expect(a.externalID?.literalString == "ext-1")
        #expect(a.metadata?.staticValue == ["k": "v"])
        #expect(template?.resource(named: "b")?.dependsOn.map(\.name) == ["c"])
    }

    @Test func outputs() throws {
        let text = """
            heat_template_version: 2015-10-15
            outputs:
              good: {value: 1, description: one}
              bad: {description: none}
              odd: {value: 1, condition: c}
            """
        let (template, errors) = try parse(text)
        #expect(errors.map { "\($0.location.line):\($0.location.column) \($0.message)" } == [
            "4:3 Output validation error: outputs.bad: Each output definition must contain a value key.",
            "5:19 unknown key 'condition' in output 'odd' is ignored",
        ])
        #expect(template?.outputs.first?.description == "one")
    }

    @Test func parameterGroupsShape() throws {
        let text = """
            heat_template_version: 2018-08-31
            parameter_groups:
              - label: g
                parameters: [a]
              - label: h
              - wrong
            parameters:
              a: {type: string}
            """
        let (template, errors) = try parse(text)
        #expect(errors.map { "\($0.location.line):\($0.location.column) \($0.message)" } == [
            "5:5 parameter group has no 'parameters'",
            "6:5 a parameter group must be a mapping",
        ])
        #expect(template?.parameterGroups.first?.parameters == ["a"])
    }

    @Test func cfnResources() throws {
        let text = """
            AWSTemplateFormatVersion: '2010-09-09'
            Mappings:
              Region: {us: {ami: a-1}}
            Resources:
              R:
                Type: OS::Heat::None
                DependsOn: S
                Properties: {}
              S: {Type: OS::Heat::None, Condition: C}
            Conditions:
              C: true
            Outputs:
              O: {Value: 1}
            """
        let (template, errors) = try parse(text)
        #expect(errors.isEmpty)
        #expect(template?.resources.map(\.type) == ["OS::Heat::None", "OS::Heat::None"])
        #expect(template?.resource(named: "R")?.dependsOn.map(\.name) == ["S"])
        #expect(template?.mappings["Region"] == ["us": ["ami": "a-1"]])
        #expect(template?.conditions.map(\.name) == ["C"])
    }
}
