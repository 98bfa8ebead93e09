import KilnModel
import Testing
@testable import KilnTemplate

@Suite("Validation")
struct ValidationTests {
    @Test func validTemplateGivesHeatsValidateBody() {
        let report = validate("""
            heat_template_version: 2018-08-31
            description: Demo
            parameter_groups:
              - label: Sizing
                parameters: [length]
            parameters:
              length:
                type: number
                default: 8
                label: Length
                description: How long
                constraints:
                  - range: {min: 4, max: 64}
                    description: between 4 and 64
              secret:
                type: string
                hidden: true
                default: hunter2
            resources:
              rand:
                type: OS::Heat::RandomString
                properties:
                  length: {get_param: length}
              value:
                type: OS::Heat::Value
                properties:
                  value: {get_attr: [rand, value]}
            outputs:
              out:
                value: {get_attr: [value, value]}
            """, parameters: ["length": "12"])
        #expect(report.errorLines == [])
        let body = report.heatBody
        #expect(body.mapValue?["Description"] == "Demo")
        let length = body.mapValue?["Parameters"]?.mapValue?["length"]
        #expect(length == [
            "Type": "Number", "Description": "How long", "NoEcho": "false", "Label": "Length",
            "Default": 8, "Value": 12, "MinValue": 4, "MaxValue": 64, "ConstraintDescription": "between 4 and 64",
        ])
        let secret = body.mapValue?["Parameters"]?.mapValue?["secret"]
        #expect(secret?.mapValue?["Default"] == "******")
        #expect(secret?.mapValue?["NoEcho"] == "true")
        #expect(body.mapValue?["ParameterGroups"] == [["label": "Sizing", "parameters": ["length"]]])
        #expect(body.mapValue?["Environment"]?.mapValue?["parameters"] == [:])
        #expect(report.graph?.edges["value"] == ["rand"])
    }

    @Test func everyReferenceErrorAtOnce() {
        let report = validate("""
            heat_template_version: 2021-04-16
            parameters:
              p: {type: string}
            conditions:
              c1: {equals: [{get_param: p}, x]}
              c2: {not: c9}
            resources:
              a:
                type: OS::Heat::Value
                depends_on: [ghost]
                condition: c3
                properties:
                  value:
                    - {get_param: q}
                    - {get_resource: nobody}
                    - {get_attr: [nothing, value]}
                    - {get_attr: [b, no_such_attr]}
                    - {get_file: missing.txt}
              b:
                type: OS::Heat::RandomString
            outputs:
              o:
                value: {get_attr: [b, value]}
                condition: c1
            """)
        // Heat's words, measured with heat-oracle; c1 is used by output o, so its parameter
        // must have a value.
        #expect(report.errorLines == [
            "5:29 The Parameter (p) was not provided. (expected a value for 'p' (read by condition 'c1'): --parameter p=VALUE, an environment or a default)",
            "6:13 Invalid condition \"c9\" (in condition 'c2') (expected one of c1, c2)",
            "10:18 The specified reference \"ghost\" (in a) is incorrect. (expected one of a, b)",
            "11:16 resources.a.condition: Invalid condition \"c3\" (expected one of c1, c2)",
            "14:23 parameter 'q' is not defined (expected one of p)",
            "15:26 The specified reference \"nobody\" (in a.Properties.value[1]) is incorrect. (expected one of a, b)",
            "16:23 The specified reference \"nothing\" (in a.Properties.value[2]) is incorrect. (expected one of a, b)",
            "17:23 resources.a.properties.value[3].get_attr: The Referenced Attribute (b no_such_attr) is incorrect. (resource 'b' (OS::Heat::RandomString) has no attribute 'no_such_attr') (expected one of value, show)",
            "18:22 Could not fetch contents for missing.txt (expected a key of the files map or a readable path)",
        ])
    }

    @Test func cyclesNameEveryResource() {
        let report = validate("""
            heat_template_version: 2018-08-31
            resources:
              a: {type: OS::Heat::None, depends_on: [c]}
              b: {type: OS::Heat::None, properties: {x: {get_resource: a}}}
              c: {type: OS::Heat::None, properties: {x: {get_attr: [b, y]}}}
              d: {type: OS::Heat::None}
              e: {type: OS::Heat::None, depends_on: e}
            """)
        #expect(report.errorLines == [
            "3:3 Circular Dependency Found: a, b, c (expected no cycle among depends_on, get_resource and get_attr)",
            "7:3 Circular Dependency Found: resource 'e' depends on itself (expected no cycle among depends_on, get_resource and get_attr)",
        ])
    }

    @Test func conditionCycles() {
        let report = validate("""
            heat_template_version: 2018-08-31
            conditions:
              x: {not: y}
              y: {and: [x, true]}
            """)
        #expect(report.errorLines == ["3:3 Condition validation error: Circular definition for condition \"x\" (x -> y)"])
    }

    @Test func typesAndProperties() {
        let report = validate("""
            heat_template_version: 2018-08-31
            resources:
              a:
                type: OS::Heat::RandomStrin
              b:
                type: OS::Heat::RandomString
                properties:
                  lenght: 3
                  length: many
                  character_classes: abc
              c:
                type: OS::Heat::Value
                properties:
                  type: text
              d:
                type: OS::Heat::ResourceGroup
                properties: {resource_def: {type: OS::Heat::None}}
                update_policy: {rolling_updates: {}}
            """)
        #expect(report.errorLines == [
            "4:11 The Resource Type (OS::Heat::RandomStrin) could not be found. (did you mean 'OS::Heat::RandomString'?)",
            "8:7 Property error: resources.b.properties: Unknown Property lenght (OS::Heat::RandomString has no such property) (did you mean 'length'?) (expected one of character_classes, character_sequences, length, salt, sequence)",
            "11:3 resource 'c' (OS::Heat::Value) is missing required property 'value'",
            "18:21 unknown update_policy 'rolling_updates' for OS::Heat::ResourceGroup (expected one of rolling_update, batch_create)",
        ])
        // Heat's validate does not check property values (measured with heat-oracle): warnings.
        #expect(report.warningLines == [
            "9:15 Property error: resources.b.properties.length: wrong type (expected integer, found a string)",
            "10:26 Property error: resources.b.properties.character_classes: wrong type (expected list, found a string)",
            "14:13 Property error: resources.c.properties.type: value is not allowed (expected one of string, number, comma_delimited_list, json, boolean, found text)",
        ])
    }

    @Test func providerTemplates() {
        let nested = """
            heat_template_version: 2018-08-31
            parameters:
              size: {type: number}
              name: {type: string, default: x}
            resources:
              inner: {type: OS::Heat::None}
            outputs:
              ip: {value: 10.0.0.1}
            """
        let broken = """
            heat_template_version: 2018-08-31
            resources:
              inner: {type: OS::Heat::Nothing}
            """
        let report = validate("""
            heat_template_version: 2018-08-31
            resources:
              a:
                type: server.yaml
                properties: {size: 1, colour: red}
              b:
                type: My::Server
              c:
                type: broken.yaml
              d:
                type: OS::Heat::Value
                properties:
                  value: [{get_attr: [a, ip]}, {get_attr: [a, nope]}]
              e:
                type: gone.yaml
            """, environments: [("env.yaml", "resource_registry:\n  My::Server: server.yaml\n")],
            files: ["server.yaml": nested, "broken.yaml": broken])
        // Measured with heat-oracle: Heat's validate checks the parent's property names against
        // the provider template's parameters, but neither requires the nested parameters nor
        // checks the nested template's own resources: those are warnings here.
        #expect(report.warnings.map(\.description) == [
            "broken.yaml:3:17: warning: The Resource Type (OS::Heat::Nothing) could not be found.",
            "t.yaml:6:3: warning: resource 'b' is missing property 'size' required by provider template 'server.yaml' (expected a value for the nested parameter 'size', which has no default)",
            // Heat's validate accepts any attribute of a provider template (measured with heat-oracle).
            "t.yaml:13:48: warning: resources.d.properties.value[1].get_attr: The Referenced Attribute (a nope) is incorrect. (resource 'a' (server.yaml) has no attribute 'nope') (expected an output of server.yaml: ip)",
        ])
        #expect(report.errors.map(\.description) == [
            "t.yaml:5:27: error: Property error: resources.a.properties: Unknown Property colour (provider template 'server.yaml' has no such parameter) (expected one of size, name)",
            "t.yaml:15:11: error: Could not fetch contents for gone.yaml (the provider template of 'e') (expected a key of the files map or a readable path)",
        ])
    }

    @Test func userParameters() {
        let template = """
            heat_template_version: 2018-08-31
            parameters:
              count: {type: number}
              password: {type: string, hidden: true, constraints: [{length: {min: 12}}]}
            """
        let report = validate(template, environments: [("env.yaml", "parameters:\n  count: 3\n  extra: 1\n")],
                              parameters: ["password": "short", "nope": "1"])
        let lines = report.errors.map(\.description)
        #expect(lines.count == 3)
        #expect(lines.contains { $0.hasPrefix("env.yaml:3:10: error: parameter 'extra' is not defined in the template") })
        #expect(lines.contains { $0.hasPrefix("--parameter nope: error: parameter 'nope' is not defined") })
        #expect(lines.contains { $0.contains("invalid value for parameter 'password'") })
        #expect(!lines.joined().contains("short"))
        #expect(report.heatBody.mapValue?["Parameters"]?.mapValue?["count"]?.mapValue?["Value"] == 3)
    }

    @Test func staticEvaluationFindsRuntimeErrorsEarly() {
        let text = """
            heat_template_version: 2018-08-31
            parameters:
              csv: {type: string, default: "a,b"}
            resources:
              v:
                type: OS::Heat::Value
                properties:
                  value: {str_split: [',', {get_param: csv}, 5]}
            """
        // Computed from a parameter: Heat's validate does not evaluate it (a warning), its
        // create fails the resource (an error there).
        let report = validate(text)
        #expect(report.errors.isEmpty)
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.location.line == 8)
        let created = validate(text, purpose: .create)
        #expect(created.errors.count == 1)
        #expect(created.errors.first?.location.line == 8)
    }

    @Test func badYAMLStopsWithLocatedError() {
        let report = validate("heat_template_version: 2018-08-31\nresources:\n  a: {type: [\n")
        #expect(report.errors.count == 1)
        #expect(report.errors[0].location.file == "t.yaml")
        #expect(report.errors[0].message.hasPrefix("invalid YAML"))
    }
}

@Suite("Validation at scale")
struct LargeTemplateValidationTests {
    /// Large templates are checked on several cores: every error must still be found, once, in order.
    @Test func everyErrorOfALargeTemplate() {
        var text = "heat_template_version: 2018-08-31\nresources:\n"
        for i in 0..<3_000 {
            let value = i == 0 ? "first" : "{get_resource: \(i % 1_000 == 999 ? "missing\(i)" : "r\(i - 1)")}"
            text += "  r\(i):\n    type: OS::Heat::Value\n    properties:\n      value: \(value)\n"
        }
        let report = validate(text)
        #expect(report.errors.count == 3)
        #expect(report.errors.map(\.location.line) == [4_002, 8_002, 12_002])
        #expect(report.errors.first?.text == "The specified reference \"missing999\" (in r999.Properties.value) is incorrect. (expected one of r0, r1, r10, r100, r1000, r1001, r1002, r1003, r1004, r1005, r1006, r1007, ...)")
        #expect(report.graph?.edges["r5"] == ["r4"])
    }
}

@Suite("Validation messages")
struct ValidationMessageTests {
    @Test func suggestionsAndNoCascades() {
        let report = validate("""
            heat_template_version: 2018-08-31
            parameters:
              flavor: {type: strin}
            resources:
              rand:
                type: OS::Heat::RandomString
                properties:
                  salt: {get_param: flavor}
              v:
                type: OS::Heat::Value
                properties:
                  value: [{get_attr: [rand, valeu]}, {get_resource: rnad}]
            """)
        #expect(report.errorLines == [
            "3:18 Invalid type (strin) for parameter (flavor) (expected one of string, number, json, comma_delimited_list, boolean, found 'strin')",
            "12:27 resources.v.properties.value[0].get_attr: The Referenced Attribute (rand valeu) is incorrect. (resource 'rand' (OS::Heat::RandomString) has no attribute 'valeu' (did you mean 'value'?)) (expected one of value, show)",
            "12:57 The specified reference \"rnad\" (in v.Properties.value[1]) is incorrect. (did you mean 'rand'?) (expected one of rand, v)",
        ])
    }
}
