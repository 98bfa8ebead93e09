import Testing
@testable import KilnTemplate
import KilnModel

/// str_replace substitutes every param in one pass over the text (it took one pass per param:
/// 1,000 params over 100 KB took seconds), with Heat's rule for which match wins.
@Suite struct StrReplaceOnePassTests {
    private func replace(_ template: String, _ params: [String: Value], _ name: String = "str_replace") throws -> Value {
        try evaluateFunction("v: {\(name): {template: {get_param: t}, params: {get_param: p}}}", .v2018_08_31,
                             StaticContext(parameters: ["t": .string(template), "p": .map(params)]))
    }

    @Test func heatsOrderOfMatches() throws {
        // Each result is what Heat 27 returns for the same str_replace (heat-oracle outputs).
        #expect(try replace("abcd", ["bcd": "X", "ab": "Y"]) == "aX")
        #expect(try replace("aaaaa", ["aa": "X"]) == "XXa")
        #expect(try replace("abcabca", ["abc": "1", "bca": "2", "ca": "3"]) == "11a")
        #expect(try replace("ab", ["a": "b", "b": "c"]) == "bc")
        #expect(try replace("héllo wörld ö", ["ö": "o", "é": "e", "llo": "L"]) == "heL world o")
        #expect(try replace("xabcy", ["abc": "1", "xa": "2", "cy": "3"]) == "x1y")
        #expect(try replace("aXbXa aXb", ["aXb": "1", "Xa": "2", "bX": "3", "X": "4"]) == "12 1")
        #expect(try replace("$a$ab$abc", ["$a": "A", "$ab": "B", "$abc": "C", "b": "Z"]) == "ABC")
        #expect(try replace("ababab", ["aba": "1", "bab": "2", "ab": "3", "b": "4"]) == "12")
        #expect(try replace("mississippi", ["issi": "1", "ss": "2", "si": "3", "i": "4", "p": "5"]) == "m1s3554")
        #expect(try replace("key is value", ["key": "value", "value": "key"]) == "value is key")
    }

    @Test func strictVariantsSeeWhichParamsMatched() throws {
        // "ab" occurs in the text, but only inside "bcd"'s match: Heat finds it nowhere.
        let context = StaticContext(parameters: ["t": "abcd", "p": ["bcd": "X", "ab": "Y"]])
        #expect(try evaluationError("v: {str_replace_strict: {template: {get_param: t}, params: {get_param: p}}}",
                                    .v2018_08_31, context) ==
            "t.yaml:1:5: error: str_replace_strict: the following params were not found in the template: ab")
        #expect(try replace("abcd ab", ["bcd": "X", "ab": "Y"], "str_replace_strict") == "aX Y")
    }

    /// Heat's own algorithm, one split per param, to compare with on generated input.
    private func heatReplace(_ text: String, _ params: [(String, String)]) -> String {
        func replace(_ strings: [String], _ rest: ArraySlice<(String, String)>) -> [String] {
            guard let (key, value) = rest.first else { return strings }
            return strings.map { replace(PythonString.split($0, by: key), rest.dropFirst()).joined(separator: value) }
        }
        let ordered = params.sorted { PythonString.less($0.0, $1.0) }
            .sorted { $0.0.unicodeScalars.count > $1.0.unicodeScalars.count }
        return replace([text], ordered[...])[0]
    }

    @Test func agreesWithHeatsAlgorithmOnGeneratedInput() throws {
        var generator = SplitMix(seed: 7)
        let alphabet: [Character] = ["a", "b", "c", "é", "%"]
        func word(_ length: Int) -> String { String((0..<length).map { _ in alphabet[generator.next(alphabet.count)] }) }
        for _ in 0..<300 {
            let text = word(generator.next(40))
            var params: [String: String] = [:]
            for _ in 0..<(1 + generator.next(6)) { params[word(1 + generator.next(4))] = word(generator.next(4)) }
            let expected = heatReplace(text, params.map { ($0.key, $0.value) })
            #expect(try replace(text, params.mapValues(Value.string)) == .string(expected), "\(text) \(params)")
        }
    }

    @Test func manyParamsOverALongTextFinish() throws {
        // 10,000 params over a 140 KB text of 20,000 placeholders (one pass per param was
        // 10,000 passes over the text).
        let keys = (0..<10_000).map { "%k\($0)%" }
        var text = ""
        for n in 0..<20_000 { text += keys[(n * 7919) % keys.count] + "ab " }
        let params = Dictionary(uniqueKeysWithValues: keys.map { ($0, Value.string("v" + $0.dropFirst(2).dropLast())) })
        guard case .string(let result) = try replace(text, params) else {
            Issue.record("str_replace did not return a string")
            return
        }
        #expect(!result.contains("%"))
        #expect(result.hasPrefix("v0ab v7919ab v5838ab "))
        #expect(result.split(separator: " ").count == 20_000)
    }

    @Test func paramsMatchingEverywhereAtOnceAreRefused() throws {
        // "a", "aa", ... "a" x 20 over 10,000 a's: 200,000 places to weigh, past 8 per byte.
        let params = Dictionary(uniqueKeysWithValues: (1...20).map { (String(repeating: "a", count: $0), Value.string("b")) })
        let context = StaticContext(parameters: ["t": .string(String(repeating: "a", count: 10_000)), "p": .map(params)])
        #expect(try evaluationError("v: {str_replace: {template: {get_param: t}, params: {get_param: p}}}", .v2018_08_31, context)
            == "t.yaml:1:5: error: str_replace: the params match the template in more than 84096 places (the limit)")
        // Five of them are weighed and replaced as Heat does: the longest first.
        let five = Dictionary(uniqueKeysWithValues: (1...5).map { (String(repeating: "a", count: $0), Value.string("\($0)")) })
        #expect(try replace(String(repeating: "a", count: 12), five) == "552")
    }

    @Test func fnReplaceUsesTheSameOnePass() throws {
        let context = StaticContext(parameters: ["t": "abcd xaby"])
        #expect(try evaluateFunction("v: {'Fn::Replace': [{bcd: X, ab: Y}, {Ref: t}]}", .cfn2010, context) == "aX xYy")
    }
}

/// A small deterministic generator, so the generated cases are the same on every run.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
