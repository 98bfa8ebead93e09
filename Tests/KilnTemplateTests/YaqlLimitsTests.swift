import Testing
@testable import KilnTemplate
import KilnModel

/// Inputs a fuzzer found to crash `kiln template validate` inside yaql: integer overflow
/// trapped the process, deep nesting overflowed the stack. Each must be a located error.
@Suite struct YaqlLimitsTests {
    /// The evaluation error of a one-line yaql expression, as "LINE:COL: message".
    private func failure(_ expression: String) throws -> String {
        try conditionsEvaluationError("yaql: {expression: \"\(expression)\"}")
    }

    private func yaql(_ expression: String) throws -> Value? {
        try conditionsEvaluate("yaql: {expression: \"\(expression)\"}")
    }

    @Test func integerOverflowIsAnErrorNotATrap() throws {
        #expect(try failure("-(-9223372036854775807 - 1)") ==
            "1:20: yaql: integer overflow: -(-9223372036854775808) does not fit in 64 bits")
        #expect(try failure("(-9223372036854775807 - 1) / -1") ==
            "1:20: yaql: integer overflow: -9223372036854775808 / -1 does not fit in 64 bits")
        #expect(try failure("9223372036854775807 + 1") ==
            "1:20: yaql: integer overflow: 9223372036854775807 + 1 does not fit in 64 bits")
        #expect(try failure("-9223372036854775807 - 2") ==
            "1:20: yaql: integer overflow: -9223372036854775807 - 2 does not fit in 64 bits")
        #expect(try failure("4611686018427387904 * 2") ==
            "1:20: yaql: integer overflow: 4611686018427387904 * 2 does not fit in 64 bits")
        #expect(try failure("[9223372036854775807, 1].sum()") ==
            "1:20: yaql: integer overflow: 9223372036854775807 + 1 does not fit in 64 bits")
    }

    @Test func remaindersAreExactAtTheEdges() throws {
        // Python (and Heat): min_int mod -1 is 0, and the floored remainder keeps b's sign.
        #expect(try yaql("(-9223372036854775807 - 1) mod -1") == 0)
        #expect(try yaql("9223372036854775807 mod -2") == -1)
        #expect(try yaql("(-9223372036854775807 - 1) mod 3") == 1)
        #expect(try yaql("(-9223372036854775807 - 1) / 2") == .int(-4611686018427387904))
        #expect(try yaql("-7 / 2") == -4)
    }

    @Test func hugeCountsDoNotOverflowTheirChecks() throws {
        #expect(try failure("'ab' * 9223372036854775807") == "1:20: yaql: expression exceeds the memory quota of 10000")
        #expect(try failure("[1] * 9223372036854775807") == "1:20: yaql: collection is too large: more than 200 items")
        #expect(try yaql("[] * 9223372036854775807") == [])
        #expect(try yaql("'' * 9223372036854775807") == "")
        #expect(try yaql("range(9223372036854775800, 9223372036854775807, 5)") ==
            [.int(9223372036854775800), .int(9223372036854775805)])
        #expect(try yaql("'abc'.substring(1, 9223372036854775807)") == "bc")
        #expect(try yaql("('a' * 5000).replace('a', 'xx').len()") == 10000)
        #expect(try failure("('a' * 5000).replace('a', 'xxx')") == "1:20: yaql: expression exceeds the memory quota of 10000")
    }

    @Test func deepNestingIsRefusedAtParseTime() throws {
        let limit = EvaluationLimits.maxYaqlDepth
        let cases = [
            String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "1" + String(repeating: "+1", count: 20000),
            String(repeating: "not ", count: 20000) + "true",
            String(repeating: "-", count: 20000) + "1",
            "$" + String(repeating: ".a", count: 20000),
            String(repeating: "len(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000),
            String(repeating: "$[0]", count: 1) + String(repeating: "[0]", count: 20000),
            "1" + String(repeating: " -> $", count: 5000),
        ]
        for expression in cases {
            let message = try conditionsError("yaql: {expression: '\(expression)'}")
            #expect(message.hasPrefix("1:20: yaql: expression nested too deeply at position "), "\(message)")
            #expect(message.hasSuffix("(limit \(limit) levels)"), "\(message)")
        }
    }

    @Test func nestingWithinTheLimitStillWorks() throws {
        let parens = String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
        #expect(try yaql(parens) == 1)
        #expect(try yaql("1" + String(repeating: "+1", count: 150)) == 151)
        #expect(try yaql(String(repeating: "not ", count: 150) + "true") == true)
    }

    @Test func computedExpressionsAreLimitedToo() throws {
        let deep = "1" + String(repeating: "+1", count: 20000)
        let message = try conditionsEvaluationError("yaql: {expression: {list_join: ['', ['\(deep)']]}}")
        #expect(message.hasPrefix("1:21: yaql: expression nested too deeply"), "\(message)")
    }

    @Test func nestedLambdasAreBoundedByTheTemplateBudget() throws {
        // Every collection is within yaql's 200 items, but the nesting builds 200^4 of them.
        let message = try failure("range(200).select(range(200).select(range(200).select(range(200))))")
        #expect(message == "1:20: yaql: the results of all the template's functions together pass the limit of 2000000 items")
    }
}
