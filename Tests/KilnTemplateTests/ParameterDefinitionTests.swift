import KilnModel
import Testing
@testable import KilnTemplate

@Suite struct ParameterDefinitionTests {
    @Test func readsEveryHOTKey() throws {
        let (definition, errors) = try parseParameter("""
            p:
              type: string
              description: the name
              label: Name
              default: abc
              hidden: true
              immutable: true
              tags: [a, b]
              constraints:
                - length: {min: 2, max: 8}
                  description: two to eight
            """)
        #expect(errors.isEmpty)
        let p = try #require(definition)
        #expect(p.type == .string)
        #expect(p.description == "the name")
        #expect(p.label == "Name")
        #expect(p.defaultValue == "abc")
        #expect(p.defaultLocation?.line == 5)
        #expect(p.hidden && p.immutable)
        #expect(p.tags == ["a", "b"])
        #expect(p.constraints.count == 1)
        #expect(p.location.line == 1 && p.location.column == 1)
    }

    @Test func tagsOnlyFrom20180302() throws {
        let (_, errors) = try parseParameter("p:\n  type: string\n  tags: [a]\n", version: .v2017_09_01)
        #expect(paramsHasError(errors, 3, 3, "Invalid key 'tags' for parameter (p)"))
        #expect(errors[0].expected?.contains("one of type, description") == true)
        let (_, ok) = try parseParameter("p:\n  type: string\n  tags: [a]\n", version: .v2018_03_02)
        #expect(ok.isEmpty)
    }

    @Test func missingAndUnknownType() throws {
        let (none, missing) = try parseParameter("p:\n  default: 1\n")
        #expect(none == nil)
        #expect(paramsHasError(missing, 1, 1, "Missing parameter type for parameter: p"))
        let (_, unknown) = try parseParameter("p:\n  type: integer\n")
        #expect(paramsHasError(unknown, 2, 9, "Invalid type (integer) for parameter (p)"))
        #expect(unknown[0].found == "'integer'")
        #expect(unknown[0].expected == "one of string, number, json, comma_delimited_list, boolean")
    }

    @Test func wrongShapes() throws {
        let (_, notMap) = try parseParameter("p: [1]\n")
        #expect(paramsHasError(notMap, 1, 4, "Invalid parameter (p), expected a mapping"))
        let (_, errors) = try parseParameter("""
            p:
              type: string
              hidden: "yes"
              immutable: 3
              description: [x]
              tags: x
              constraints: {length: {min: 1}}
            """)
        #expect(paramsHasError(errors, 3, 11, "'hidden' of parameter (p) must be a boolean"))
        #expect(paramsHasError(errors, 4, 14, "'immutable' of parameter (p) must be a boolean"))
        #expect(paramsHasError(errors, 5, 16, "'description' of parameter (p) must be a string"))
        #expect(paramsHasError(errors, 6, 9, "Tags property should be a list for parameter: p"))
        #expect(paramsHasError(errors, 7, 16, "Invalid parameter constraints for parameter p, expected a list"))
    }

    @Test func readsCFNKeys() throws {
        let (definition, errors) = try parseParameter("""
            Size:
              Type: Number
              Default: 5
              MinValue: 1
              MaxValue: 10
              NoEcho: "true"
              Description: size
              Label: Size
              ConstraintDescription: one to ten
            """, version: .cfn2010)
        #expect(errors.isEmpty)
        let p = try #require(definition)
        #expect(p.type == .number && p.hidden && p.description == "size" && p.label == "Size")
        guard case .range(let min, let max, let description)? = p.constraints.first else {
            Issue.record("expected a range")
            return
        }
        #expect(min == 1 && max == 10 && description == "one to ten")
        #expect(p.check(.int(11), constraints: BuiltinConstraints()) == ["one to ten"])
    }

    @Test func cfnErrors() throws {
        let (_, errors) = try parseParameter("""
            Name:
              Type: String
              MinValue: 1
              AllowedPattern: "[a-"
              type: x
            """, version: .cfn2010)
        #expect(paramsHasError(errors, 5, 3, "Invalid key 'type' for parameter (Name)"))
        #expect(paramsHasError(errors, 3, 3, "MinValue constraint invalid for string parameter (Name)"))
        #expect(paramsHasError(errors, 4, 19, "Invalid allowed_pattern '[a-'"))
        let (_, lower) = try parseParameter("Name:\n  Type: string\n", version: .cfn2010)
        #expect(paramsHasError(lower, 2, 9, "Invalid type (string) for parameter (Name)"))
    }

    @Test func defaultMustPassItsConstraintsButNotCustomOnes() throws {
        let (_, errors) = try parseParameter("""
            p:
              type: string
              default: a
              constraints:
                - length: {min: 2}
                - custom_constraint: ip_addr
            """)
        #expect(errors.count == 1)
        #expect(paramsHasError(errors, 3, 12, "Parameter 'p' is invalid: Invalid default a (length (1) is out of range (min: 2, max: None))"))
    }

    @Test func defaultMustCoerce() throws {
        let (_, errors) = try parseParameter("p:\n  type: number\n  default: abc\n")
        #expect(paramsHasError(errors, 3, 12, "Parameter 'p' is invalid: Invalid default abc (Value 'abc' is not a number)"))
        // Heat's validate accepts a default of the wrong type (measured with heat-oracle): a warning.
        #expect(errors.allSatisfy { $0.severity == .warning })
        let (_, list) = try parseParameter("""
            p:
              type: comma_delimited_list
              default: "a,b,c"
              constraints: [{allowed_values: [a, b]}]
            """)
        #expect(paramsHasError(list, 3, 12, "Parameter 'p' is invalid: Invalid default a,b,c ([\"a\", \"b\", \"c\"] is not an allowed value [\"a\", \"b\"])"))
    }
}
