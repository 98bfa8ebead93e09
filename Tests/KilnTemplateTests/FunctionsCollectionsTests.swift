import Testing
@testable import KilnTemplate

@Suite struct FunctionsCollectionsTests {
    // MARK: repeat

    @Test func repeatOverAList() throws {
        #expect(try evaluateFunction("v: {repeat: {template: {'key-%var%': 'this is %var%'}, for_each: {'%var%': [a, b, c]}}}", .v2015_04_30)
            == [["key-a": "this is a"], ["key-b": "this is b"], ["key-c": "this is c"]])
        #expect(try evaluateFunction("v: {repeat: {template: ['this is %var%', static], for_each: {'%var%': [a, b]}}}", .v2015_04_30)
            == [["this is a", "static"], ["this is b", "static"]])
        #expect(try evaluateFunction("v: {repeat: {template: 'this is var%', for_each: {'var%': {get_param: p}}}}", .v2015_04_30,
                                     StaticContext(parameters: ["p": ["x", "y"]])) == ["this is x", "this is y"])
        // A null list repeats nothing.
        #expect(try evaluateFunction("v: {repeat: {template: '%v%', for_each: {'%v%': null}}}", .v2015_04_30) == [])
    }

    @Test func repeatTakesTheProductInWrittenOrder() throws {
        #expect(try evaluateFunction("v: {repeat: {template: '%a%-%b%', for_each: {'%a%': [x, y], '%b%': ['1', '2']}}}", .v2015_04_30)
            == ["x-1", "x-2", "y-1", "y-2"])
    }

    @Test func repeatEvaluatesTheTemplateFirst() throws {
        let context = StaticContext(parameters: ["t": "port-%p%"])
        #expect(try evaluateFunction("v: {repeat: {template: {get_param: t}, for_each: {'%p%': ['80', '443']}}}", .v2015_04_30, context)
            == ["port-80", "port-443"])
    }

    @Test func repeatOverMapKeysFrom2016_10_14() throws {
        let yaml = "v: {repeat: {template: 'k=%k%', for_each: {'%k%': {b: 1, a: 2}}}}"
        #expect(try evaluateFunction(yaml, .v2016_10_14) == ["k=b", "k=a"])
        #expect(try functionErrors(yaml, .v2016_04_08)
            == ["t.yaml:1:51: error: repeat: the values of for_each must be lists (expected a list, found a mapping)"])
    }

    @Test func repeatPermutationsFrom2017_09_01() throws {
        let zip = "v: {repeat: {template: {network: '%net%', port: '%port%'}, for_each: {'%net%': [n1, n2], '%port%': [p1, p2]}, permutations: false}}"
        #expect(try evaluateFunction(zip, .v2017_09_01) == [["network": "n1", "port": "p1"], ["network": "n2", "port": "p2"]])
        // Before 2017-09-01 the key is ignored: the product is taken.
        #expect(try evaluateFunction(zip, .v2017_02_24).listValue?.count == 4)
        #expect(try evaluationError("v: {repeat: {template: '%a%%b%', for_each: {'%a%': [x, y], '%b%': [z]}, permutations: false}}", .v2017_09_01)
            == "t.yaml:1:5: error: repeat: the for_each lists must have equal lengths when permutations is false")
        #expect(try functionErrors("v: {repeat: {template: '%a%', for_each: {'%a%': {k: v}}, permutations: false}}", .v2017_09_01)
            == ["t.yaml:1:49: error: repeat: the values of for_each must be lists (expected a list, found a mapping)"])
        #expect(try functionErrors("v: {repeat: {template: '%a%', for_each: {'%a%': [x]}, permutations: 'no'}}", .v2017_09_01)
            == ["t.yaml:1:69: error: repeat: permutations must be a boolean (expected true or false, found a string)"])
    }

    @Test func repeatShapeErrors() throws {
        #expect(try functionErrors("v: {repeat: {template: 'this is %var%'}}", .v2015_04_30)
            == ["t.yaml:1:13: error: repeat: the 'for_each' key is missing (expected a map {template: ..., for_each: {VAR: LIST}}, found no 'for_each' key)"])
        #expect(try functionErrors("v: {repeat: {template: 'this is %var%', for_each: '%var%'}}", .v2015_04_30)
            == ["t.yaml:1:51: error: repeat: for_each must be a map of variables to lists (expected a map, found a string)"])
        #expect(try functionErrors("v: {repeat: [a]}", .v2015_04_30)
            == ["t.yaml:1:13: error: repeat: invalid arguments (expected a map {template: ..., for_each: {VAR: LIST}}, found a list)"])
        #expect(try evaluationError("v: {repeat: {template: '%n%', for_each: {'%n%': [1]}}}", .v2015_04_30)
            == "t.yaml:1:5: error: repeat: the value 1 of '%n%' must be a string to replace it in the template")
    }

    // MARK: map_merge, map_replace

    @Test func mapMerge() throws {
        #expect(try evaluateFunction("v: {map_merge: [{k1: v1, k2: v2}, {k1: v3}, null]}", .v2016_04_08) == ["k1": "v3", "k2": "v2"])
        #expect(try evaluationError("v: {map_merge: [{get_param: l}]}", .v2016_04_08, StaticContext(parameters: ["l": ["x"]]))
            == "t.yaml:1:5: error: map_merge: items to merge must be maps, found ['x']")
        #expect(try functionErrors("v: {map_merge: {a: b}}", .v2016_04_08)
            == ["t.yaml:1:16: error: map_merge: invalid arguments (expected a list of maps, found a mapping)"])
        #expect(try functionErrors("v: {map_merge: [{a: b}, [c]]}", .v2016_04_08)
            == ["t.yaml:1:25: error: map_merge: every item must be a map (expected a map, found a list)"])
    }

    @Test func mapReplace() throws {
        #expect(try evaluateFunction("v: {map_replace: [{k1: v1, k2: v2}, {keys: {k1: K1}, values: {v2: V2}}]}", .v2016_10_14)
            == ["K1": "v1", "k2": "V2"])
        #expect(try evaluationError("v: {map_replace: [{k1: v1, k2: v2}, {keys: {k1: k2}}]}", .v2016_10_14)
            == "t.yaml:1:5: error: map_replace: key replacement k2 collides with a key in the input map")
        #expect(try evaluationError("v: {map_replace: [{k1: v1, k2: v2}, {keys: {k1: k3, k2: k3}}]}", .v2016_10_14)
            == "t.yaml:1:5: error: map_replace: key replacement k3 collides with a key in the output map")
        #expect(try functionErrors("v: {map_replace: [{k1: v1}, {names: {}}]}", .v2016_10_14)
            == ["t.yaml:1:30: error: map_replace: unknown replacement 'names' (expected keys or values)"])
        #expect(try functionErrors("v: {map_replace: [{k1: v1}]}", .v2016_10_14)
            == ["t.yaml:1:18: error: map_replace: invalid arguments (expected a list [MAP, {keys: MAP, values: MAP}], found 1 item)"])
    }

    // MARK: list_concat, filter, contains

    @Test func listConcat() throws {
        #expect(try evaluateFunction("v: {list_concat: [[a, b], null, [c, a]]}", .v2017_09_01) == ["a", "b", "c", "a"])
        #expect(try evaluateFunction("v: {list_concat_unique: [[a, b], [c, a], [1, 1.0]]}", .v2017_09_01) == ["a", "b", "c", 1])
        #expect(try evaluationError("v: {list_concat: [[a], {get_param: s}]}", .v2017_09_01, StaticContext(parameters: ["s": "x"]))
            == "t.yaml:1:5: error: list_concat: items to concat must be lists. [[\"a\"], \"x\"] contains an item that is not a list: \"x\"")
        #expect(try functionErrors("v: {list_concat: [[a], b]}", .v2017_09_01)
            == ["t.yaml:1:24: error: list_concat: every item must be a list (expected a list, found a string)"])
    }

    @Test func filter() throws {
        #expect(try evaluateFunction("v: {filter: [[a, 1], [a, b, 1.0, c]]}", .v2017_02_24) == ["b", "c"])
        #expect(try evaluateFunction("v: {filter: [null, [a]]}", .v2017_02_24) == ["a"])
        #expect(try evaluateFunction("v: {filter: [[a], null]}", .v2017_02_24) == nil)
        #expect(try functionErrors("v: {filter: ['abcd', [a, b]]}", .v2017_02_24)
            == ["t.yaml:1:14: error: filter: both arguments must be lists (expected a list, found a string)"])
        #expect(try functionErrors("v: {filter: [[a]]}", .v2017_02_24)
            == ["t.yaml:1:13: error: filter: invalid arguments (expected a list [values, list], found 1 item)"])
    }

    @Test func contains() throws {
        #expect(try evaluateFunction("v: {contains: [a, [a, b]]}", .v2017_09_01) == true)
        #expect(try evaluateFunction("v: {contains: [1, ['1', 2]]}", .v2017_09_01) == false)
        #expect(try evaluateFunction("v: {contains: [ell, hello]}", .v2017_09_01) == true)
        #expect(try evaluateFunction("v: {contains: [x, {get_param: l}]}", .v2017_09_01, StaticContext(parameters: ["l": ["x"]])) == true)
        #expect(try functionErrors("v: {contains: [a, {b: c}]}", .v2017_09_01)
            == ["t.yaml:1:19: error: contains: the second argument must be a sequence (expected a list, found a mapping)"])
        #expect(try functionErrors("v: {contains: a}", .v2017_09_01)
            == ["t.yaml:1:15: error: contains: invalid arguments (expected a list [value, list], found a string)"])
    }
}
