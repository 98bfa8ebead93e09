import KilnModel
import Testing
@testable import KilnTemplate

@Suite struct ParameterValueTests {
    func definition(_ type: ParameterType, _ constraints: [ParameterConstraint] = []) -> ParameterDefinition {
        var p = ParameterDefinition(name: "p", location: .synthetic("t"), type: type)
        p.constraints = constraints
        return p
    }

    func coerced(_ type: ParameterType, _ raw: Value) -> Value? {
        try? definition(type).coerce(raw).get()
    }

    func failure(_ type: ParameterType, _ raw: Value) -> String? {
        if case .failure(let error) = definition(type).coerce(raw) { return error.message }
        return nil
    }

    @Test func strings() {
        #expect(coerced(.string, "x") == "x")
        #expect(coerced(.string, 5) == "5")
        #expect(coerced(.string, 1.5) == "1.5")
        #expect(coerced(.string, true) == "True")
        #expect(failure(.string, ["a"]) == "Value must be a string, not a list")
    }

    @Test func numbers() {
        #expect(coerced(.number, "42") == 42)
        #expect(coerced(.number, " 7 ") == 7)
        #expect(coerced(.number, "2.5") == 2.5)
        #expect(coerced(.number, 3) == 3)
        #expect(failure(.number, "abc") == "Value 'abc' is not a number")
        #expect(failure(.number, "inf") == "Value 'inf' is not a number")
        #expect(failure(.number, true) == "Value 'True' is not a number")
    }

    @Test func commaDelimitedLists() {
        #expect(coerced(.commaDelimitedList, "a,b") == ["a", "b"])
        // Heat splits without trimming.
        #expect(coerced(.commaDelimitedList, "a, b") == ["a", " b"])
        #expect(coerced(.commaDelimitedList, "") == [])
        #expect(coerced(.commaDelimitedList, ["x", 1]) == ["x", "1"])
        #expect(failure(.commaDelimitedList, ["k": 1]) == "Value must be a comma-delimited list string, not a map")
    }

    @Test func json() {
        #expect(coerced(.json, ["k": 1]) == ["k": 1])
        #expect(coerced(.json, [1]) == [1])
        #expect(coerced(.json, #"{"a": [1, 2]}"#) == ["a": [1, 2]])
        #expect(failure(.json, "{nope")?.hasPrefix("Value must be valid JSON: ") == true)
    }

    @Test func booleans() {
        for word in ["t", "TRUE", "on", "Y", "yes", "1"] { #expect(coerced(.boolean, .string(word)) == true) }
        for word in ["f", "False", "OFF", "n", "no", "0"] { #expect(coerced(.boolean, .string(word)) == false) }
        #expect(coerced(.boolean, 1) == true)
        #expect(coerced(.boolean, false) == false)
        #expect(failure(.boolean, "maybe")?.hasPrefix("Unrecognized value 'maybe', acceptable values are: '0', '1'") == true)
        #expect(failure(.boolean, 2) != nil)
    }

    @Test func nullStaysNull() {
        #expect(coerced(.number, nil) == .null)
    }

    @Test func checkMessagesAsHeat() {
        let catalog = BuiltinConstraints()
        #expect(definition(.string, [.length(min: 2, max: 8, description: nil)]).check("a", constraints: catalog)
            == ["length (1) is out of range (min: 2, max: 8)"])
        #expect(definition(.commaDelimitedList, [.length(min: nil, max: 1, description: nil)]).check(["a", "b"], constraints: catalog)
            == ["length (2) is out of range (min: None, max: 1)"])
        #expect(definition(.number, [.range(min: 1, max: 10, description: nil)]).check(11, constraints: catalog)
            == ["11 is out of range (min: 1, max: 10)"])
        #expect(definition(.number, [.range(min: 1, max: 10, description: nil)]).check(10, constraints: catalog).isEmpty)
        #expect(definition(.number, [.modulo(step: 2, offset: 1, description: nil)]).check(4, constraints: catalog)
            == ["4 is not a multiple of 2 with an offset of 1"])
        #expect(definition(.number, [.modulo(step: 2, offset: 1, description: nil)]).check(-3, constraints: catalog).isEmpty)
        #expect(definition(.string, [.allowedValues(["a", "b"], description: nil)]).check("c", constraints: catalog)
            == [#""c" is not an allowed value ["a", "b"]"#])
        #expect(definition(.number, [.allowedValues(["1", 2], description: nil)]).check(1, constraints: catalog).isEmpty)
        #expect(definition(.string, [.allowedPattern("[a-z]+", description: nil)]).check("abc1", constraints: catalog)
            == [#""abc1" does not match pattern "[a-z]+""#])
        #expect(definition(.string, [.allowedPattern("(?P<w>[a-z])(?P=w)", description: nil)]).check("aa", constraints: catalog).isEmpty)
        #expect(definition(.string, [.customConstraint("ip_addr", description: nil)]).check("10.0.0.300", constraints: catalog)
            == ["Error validating value '10.0.0.300': Invalid IP address"])
        #expect(definition(.string, [.customConstraint("nope", description: nil)]).check("x", constraints: catalog)
            == [#""x" does not validate nope (constraint not found)"#])
    }

    @Test func descriptionReplacesMessage() {
        let p = definition(.string, [
            .length(min: 2, max: nil, description: "too short"), .allowedPattern("[0-9]*", description: "digits"),
        ])
        #expect(p.check("a", constraints: BuiltinConstraints()) == ["too short", "digits"])
    }
}
