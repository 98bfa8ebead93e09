import Testing
@testable import KilnTemplate
import KilnModel

/// Small templates whose functions ask for gigabytes (found by a fuzzer: each ran
/// `kiln template validate` out of memory). Results are refused before they are built,
/// with an error at the function.
@Suite struct FunctionBudgetTests {
    /// A context whose parameter `l` is the list 0...299 as strings.
    private let threeHundred = StaticContext(parameters: ["l": .list((0..<300).map { .string(String($0)) })])

    @Test func repeatPermutationsAreCountedFirst() throws {
        let yaml = """
            v:
              repeat:
                template: <%a%>-<%b%>-<%c%>
                for_each: {<%a%>: {get_param: l}, <%b%>: {get_param: l}, <%c%>: {get_param: l}}
            """
        #expect(try evaluationError(yaml, .v2018_08_31, threeHundred) ==
            "t.yaml:2:3: error: repeat: the result would have 27000000 items (limit 100000)")
        // Two lists are fine: 90,000 items.
        let two = "v: {repeat: {template: <%a%><%b%>, for_each: {<%a%>: {get_param: l}, <%b%>: {get_param: l}}}}"
        guard case .list(let items) = try evaluateFunction(two, .v2018_08_31, threeHundred) else {
            Issue.record("repeat did not return a list")
            return
        }
        #expect(items.count == 90_000)
        #expect(items.last == "299299")
    }

    @Test func repeatOfALargeBodyCountsTheBody() throws {
        // 300 copies of a 1,000-item body: 300,300 items.
        let context = StaticContext(parameters: [
            "l": .list((0..<300).map { .string(String($0)) }), "body": .list(Array(repeating: "x", count: 1000)),
        ])
        #expect(try evaluationError("v: {repeat: {template: {get_param: body}, for_each: {x: {get_param: l}}}}",
                                    .v2018_08_31, context) ==
            "t.yaml:1:5: error: repeat: the result would have 300300 items (limit 100000)")
    }

    @Test func repeatReplacementsAreMeasuredBeforeTheyAreMade() throws {
        // A one-letter variable occurring 10,000 times, replaced by 1,000 bytes: 10 MB per copy.
        let context = StaticContext(parameters: [
            "body": .string(String(repeating: "x", count: 10_000)), "values": [.string(String(repeating: "y", count: 1000))],
        ])
        #expect(try evaluationError("v: {repeat: {template: {get_param: body}, for_each: {x: {get_param: values}}}}",
                                    .v2018_08_31, context) ==
            "t.yaml:1:5: error: repeat: the result would be 10000000 bytes long (limit 1048576)")
    }

    @Test func strReplaceOfALongValueIntoALongTemplate() throws {
        let long = String(repeating: "x", count: 33_000)
        let context = StaticContext(parameters: ["text": .string(long)])
        #expect(try evaluationError("v: {str_replace: {template: {get_param: text}, params: {x: {get_param: text}}}}",
                                    .v2018_08_31, context) ==
            "t.yaml:1:5: error: str_replace: the result would be 1089000000 bytes long (limit 1048576)")
        let cfn = try evaluationError("v: {'Fn::Replace': [{x: {Ref: text}}, {Ref: text}]}", .cfn2010, context)
        #expect(cfn ==
            "t.yaml:1:40: error: Fn::Replace: the result would be 1089000000 bytes long (limit 1048576)")
    }

    @Test func joinsWithALongDelimiterAreMeasuredFirst() throws {
        let yaml = "v: {list_join: [{list_join: ['\(String(repeating: "y", count: 1000))', {get_param: l}]}, {get_param: l}]}"
        #expect(try evaluationError(yaml, .v2018_08_31, threeHundred) ==
            "t.yaml:1:5: error: list_join: the result would be 89637210 bytes long (limit 1048576)")
        let context = StaticContext(parameters: [
            "d": .string(String(repeating: "y", count: 100_000)), "l": .list(Array(repeating: "a", count: 100)),
        ])
        let cfn = try evaluationError("v: {'Fn::Join': [{Ref: d}, {Ref: l}]}", .cfn2010, context)
        #expect(cfn ==
            "t.yaml:1:19: error: Fn::Join: the result would be 9900100 bytes long (limit 1048576)")
    }

    @Test func listJoinOfJSONItemsIsMeasuredAsItIsWritten() throws {
        // Each item is a map of 100,000 entries... shared 20 times: refused at the first item.
        let big = Value.map(Dictionary(uniqueKeysWithValues: (0..<100_001).map { ("k\($0)", Value.int($0)) }))
        let context = StaticContext(parameters: ["m": big])
        let error = try evaluationError("v: {list_join: [',', [{get_param: m}, {get_param: m}]]}", .v2018_08_31, context)
        #expect(error == "t.yaml:1:5: error: list_join: the result has more than 100000 items (the limit)")
    }

    @Test func splitsAreCountedBeforeThePartsAreMade() throws {
        let context = StaticContext(parameters: ["s": .string(String(repeating: ",", count: 200_000))])
        #expect(try evaluationError("v: {str_split: [',', {get_param: s}]}", .v2018_08_31, context) ==
            "t.yaml:1:5: error: str_split: the result would have 200001 items (limit 100000)")
        let cfn = try evaluationError("v: {'Fn::Split': [',', {Ref: s}]}", .cfn2010, context)
        #expect(cfn ==
            "t.yaml:1:25: error: Fn::Split: the result would have 200001 items (limit 100000)")
    }

    @Test func concatenationsOfOneListManyTimes() throws {
        let context = StaticContext(parameters: [
            "l": .list(Array(repeating: "a", count: 30_000)),
            "m": .map(Dictionary(uniqueKeysWithValues: (0..<30_000).map { ("k\($0)", Value.int($0)) })),
        ])
        let lists = Array(repeating: "{get_param: l}", count: 4).joined(separator: ", ")
        #expect(try evaluationError("v: {list_concat: [\(lists)]}", .v2018_08_31, context) ==
            "t.yaml:1:5: error: list_concat: the result would have 120000 items (limit 100000)")
        let maps = Array(repeating: "{get_param: m}", count: 4).joined(separator: ", ")
        #expect(try evaluationError("v: {map_merge: [\(maps)]}", .v2018_08_31, context) ==
            "t.yaml:1:5: error: map_merge: the result would have 120000 items (limit 100000)")
        // Three copies are within the limit; unique keeps one of each, by Python equality.
        #expect(try evaluateFunction("v: {list_concat_unique: [[1, 1.0, true, '1'], [2, [1], [1.0]]]}", .v2018_08_31)
            == [1, "1", 2, [1]])
    }

    @Test func sharedStructuresAreMeasuredAsTheyExpand() throws {
        // 400 references to one 400-item list: small in memory, 160,000 items once written out.
        let context = StaticContext(parameters: [
            "l": .list(Array(repeating: "a", count: 400)),
        ])
        let inner = Array(repeating: "{get_param: l}", count: 400).joined(separator: ", ")
        #expect(try evaluationError("v: {list_concat: [[\(inner)]]}", .v2018_08_31, context) ==
            "t.yaml:1:5: error: list_concat: the result has more than 100000 items (the limit)")
    }

    @Test func resultsNestedTooDeeplyAreRefused() throws {
        // yaql builds 150 levels on top of its data; three in a row pass the 512 levels a
        // result may have (recursive code walks results).
        let wrap = String(repeating: "[", count: 150) + "$.data" + String(repeating: "]", count: 150)
        let yaml = "v: {yaql: {expression: '\(wrap)', data: {yaql: {expression: '\(wrap)', data: {yaql: {expression: '\(wrap)', data: {yaql: {expression: '\(wrap)'}}}}}}}}"
        let error = try evaluationError(yaml, .v2018_08_31)
        #expect(error == "t.yaml:1:5: error: yaql: the result is nested more than 512 levels deep (the limit)")
    }

    @Test func manyResultsTogetherStopAtTheTemplateBudget() throws {
        // Each call stays within the single-result limit; a small budget stands for the
        // template-wide one, and every call after it is spent fails with the same error.
        let budget = EvaluationBudget(maxItems: 250_000)
        let scope = EvaluationScope(context: threeHundred, version: .v2018_08_31, budget: budget)
        let (expression, _) = try parseFunction(
            "v: {repeat: {template: <%a%><%b%>, for_each: {<%a%>: {get_param: l}, <%b%>: {get_param: l}}}}", .v2018_08_31)
        _ = try scope.value(of: expression)
        _ = try scope.value(of: expression)
        let expected = "t.yaml:1:5: error: repeat: the results of all the template's functions together pass the limit of 250000 items"
        for _ in 0..<2 {
            #expect(throws: EvaluationError.self) { try scope.value(of: expression) }
            do { _ = try scope.value(of: expression) } catch { #expect("\(error)" == expected) }
        }
    }

    @Test func aTemplateOfManyLargeResultsIsOneLocatedError() {
        // 25 outputs of 90,000 items each: 2,250,000 items, over the 2,000,000 of one template.
        let list = Array(repeating: "a", count: 90_000).joined(separator: ",")
        var template = """
            heat_template_version: 2018-08-31
            parameters:
              l: {type: comma_delimited_list, default: "\(list)"}
            resources: {}
            outputs:

            """
        for n in 0..<25 { template += "  o\(n): {value: {list_concat: [{get_param: l}]}}\n" }
        let report = validate(template)
        #expect(report.errors.count == 1)
        #expect(report.errorLines.first?.hasSuffix(
            "list_concat: the results of all the template's functions together pass the limit of 2000000 items") == true,
            "\(report.errorLines)")
    }
}
