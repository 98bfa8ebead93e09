import KilnModel
import Testing
@testable import KilnTemplate

@Suite struct FunctionsStringsTests {
    // MARK: list_join

    @Test func listJoinSingleList() throws {
        #expect(try evaluateFunction("v: {list_join: [',', [bar, baz]]}", .v2013_05_23) == "bar,baz")
        #expect(try evaluateFunction("v: {list_join: [',', []]}", .v2015_04_30) == "")
        #expect(try evaluateFunction("v: {list_join: [',', [a, null, b]]}", .v2015_04_30) == "a,,b")
        #expect(try evaluateFunction("v: {list_join: ['-', {get_param: l}]}", .v2015_04_30,
                                     StaticContext(parameters: ["l": ["x", "y"]])) == "x-y")
    }

    @Test func listJoinMultipleListsAndJSONFrom2015_10_15() throws {
        #expect(try evaluateFunction("v: {list_join: [',', [bar, baz], [bar2, baz2]]}", .v2015_10_15) == "bar,baz,bar2,baz2")
        #expect(try evaluateFunction("v: {list_join: [',', [{foo: json}, {foo2: json2}]]}", .v2015_10_15)
            == "{\"foo\": \"json\"},{\"foo2\": \"json2\"}")
        #expect(try evaluationError("v: {list_join: [',', [{foo: json}]]}", .v2015_04_30)
            == "t.yaml:1:5: error: list_join: items to join must be strings, not {'foo': 'json'}")
        #expect(try evaluationError("v: {list_join: [',', [1]]}", .v2021_04_16)
            == "t.yaml:1:5: error: list_join: items to join must be string, map or list, not 1")
    }

    @Test func listJoinShapeErrors() throws {
        #expect(try functionErrors("v: {list_join: bad}", .v2015_10_15)
            == ["t.yaml:1:16: error: list_join: invalid arguments (expected a list [delimiter, list, list...], found a string)"])
        #expect(try functionErrors("v: {list_join: [',']}", .v2015_10_15)
            == ["t.yaml:1:16: error: list_join: invalid arguments (expected a list [delimiter, list, list...], found 1 item)"])
        #expect(try functionErrors("v: {list_join: [',', [a], [b]]}", .v2015_04_30)
            == ["t.yaml:1:16: error: list_join: invalid arguments (expected a list [delimiter, list], found 3 items)"])
        #expect(try functionErrors("v: {list_join: [3, [a]]}", .v2021_04_16)
            == ["t.yaml:1:17: error: list_join: the delimiter must be a string (expected a string, found a number)"])
        #expect(try functionErrors("v: {list_join: [',', abc]}", .v2021_04_16)
            == ["t.yaml:1:22: error: list_join: the items to join must be a list (expected a list, found a string)"])
    }

    // MARK: str_replace

    @Test func strReplaceHeatCases() throws {
        let order = "v: {str_replace: {template: '1234567890', params: {'1': a, '12': b, '123': c, '1234': d, '12345': e, '123456': f, '1234567': g}}}"
        #expect(try evaluateFunction(order, .v2013_05_23) == "g890")
        let singlePass = "v: {str_replace: {template: '1234567890', params: {'1': a, '4': d, '8': h, '9': i, '123': '1', '456': '4', '890': '8', '90': '9'}}}"
        #expect(try evaluateFunction(singlePass, .v2021_04_16) == "1478")
        let sortOrder = "v: {str_replace: {template: '9876543210', params: {'987654': a, '876543': b, '765432': c, '654321': d, '543210': e}}}"
        #expect(try evaluateFunction(sortOrder, .v2021_04_16) == "9876e")
        #expect(try evaluateFunction("v: {str_replace: {template: Template number string bar, params: {number: 1}}}", .v2013_05_23)
            == "Template 1 string bar")
        #expect(try evaluateFunction("v: {str_replace: {template: 'a x b y', params: {x: null, y: 1.5}}}", .v2013_05_23) == "a  b 1.5")
    }

    @Test func strReplaceJSONValuesFrom2015_10_15() throws {
        let yaml = "v: {str_replace: {template: jsonvar1, params: {jsonvar1: {foo: 123}}}}"
        #expect(try evaluateFunction(yaml, .v2015_10_15) == "{\"foo\": 123}")
        #expect(try evaluationError(yaml, .v2015_04_30)
            == "t.yaml:1:5: error: str_replace: params must be strings or numbers, param jsonvar1 is not valid")
        #expect(try evaluateFunction("v: {str_replace: {template: L, params: {L: [1, b]}}}", .v2021_04_16) == "[1, \"b\"]")
    }

    @Test func strReplaceStrictVariants() throws {
        let tricky = "v: {str_replace_strict: {template: 'Template var1 var1 s var2 t varvarvar3', params: {var1: foo, var2: bar, var3: zed, var: 'tricky '}}}"
        #expect(try evaluateFunction(tricky, .v2017_02_24) == "Template foo foo s bar t tricky tricky zed")
        #expect(try evaluationError("v: {str_replace_strict: {template: 'Template var1 string var2', params: {var1: foo, var2: bar, var3: zed}}}", .v2017_02_24)
            == "t.yaml:1:5: error: str_replace_strict: the following params were not found in the template: var3")
        #expect(try evaluationError("v: {str_replace_vstrict: {template: 'Template var1 string var2', params: {var1: foo, var2: bar, var: x, longvarname: y, var0: z}}}", .v2017_09_01)
            == "t.yaml:1:5: error: str_replace_vstrict: the following params were not found in the template: longvarname,var0,var")
        // Empty values: fine for _strict, an error for _vstrict.
        let empty = "{template: 'Template var1 string var2', params: {var1: foo, var2: ''}}}"
        #expect(try evaluateFunction("v: {str_replace_strict: " + empty, .v2017_09_01) == "Template foo string ")
        #expect(try evaluationError("v: {str_replace_vstrict: " + empty, .v2017_09_01)
            == "t.yaml:1:5: error: str_replace_vstrict: param var2 has an undefined or empty value, must be a defined non-empty value")
        #expect(try evaluationError("v: {str_replace_vstrict: {template: ab, params: {a: []}}}", .v2017_09_01)
            == "t.yaml:1:5: error: str_replace_vstrict: param a has an undefined or empty value, must be a defined non-empty value")
    }

    @Test func strReplaceShapeErrors() throws {
        #expect(try functionErrors("v: {str_replace: [{template: a}, {params: {}}]}", .v2021_04_16)
            == ["t.yaml:1:18: error: str_replace: invalid arguments (expected a map {template: STRING, params: MAP}, found a list)"])
        #expect(try functionErrors("v: {str_replace: {template: a}}", .v2021_04_16)
            == ["t.yaml:1:18: error: str_replace: the 'params' key is missing (expected a map {template: STRING, params: MAP}, found no 'params' key)"])
        #expect(try functionErrors("v:\n  str_replace:\n    template: a\n    params: [x]\n", .v2021_04_16)
            == ["t.yaml:4:13: error: str_replace: the params must be a map (expected a map, found a list)"])
        #expect(try functionErrors("v: {str_replace: {template: [a], params: {}}}", .v2021_04_16)
            == ["t.yaml:1:29: error: str_replace: the template must be a string (expected a string, found a list)"])
    }

    @Test func strReplaceParamsMayBeCalls() throws {
        let context = StaticContext(parameters: ["p": ["$x": "1"], "t": "v=$x"])
        #expect(try evaluateFunction("v: {str_replace: {template: {get_param: t}, params: {get_param: p}}}", .v2021_04_16, context) == "v=1")
    }

    // MARK: str_split

    @Test func strSplit() throws {
        #expect(try evaluateFunction("v: {str_split: [',', 'a,b,,c']}", .v2015_10_15) == ["a", "b", "", "c"])
        #expect(try evaluateFunction("v: {str_split: [',', 'a,b,c', 1]}", .v2015_10_15) == "b")
        #expect(try evaluateFunction("v: {str_split: [',', 'a,b,c', '2']}", .v2015_10_15) == "c")
        #expect(try evaluateFunction("v: {str_split: [',', null]}", .v2015_10_15) == nil)
        #expect(try evaluationError("v: {str_split: [',', 'a,b,c', 3]}", .v2015_10_15)
            == "t.yaml:1:5: error: str_split: index 3 is out of range, it should be between 0 and 2")
    }

    @Test func strSplitShapeErrors() throws {
        #expect(try functionErrors("v: {str_split: 'a,b'}", .v2021_04_16)
            == ["t.yaml:1:16: error: str_split: invalid arguments (expected a list [delimiter, string] or [delimiter, string, index], found a string)"])
        #expect(try functionErrors("v: {str_split: [',']}", .v2021_04_16)
            == ["t.yaml:1:16: error: str_split: invalid arguments (expected a list [delimiter, string] or [delimiter, string, index], found 1 item)"])
        #expect(try functionErrors("v: {str_split: [',', 'a,b', x]}", .v2021_04_16)
            == ["t.yaml:1:29: error: str_split: the index must be an integer (expected an integer, found a string)"])
    }

    // MARK: digest

    @Test func digest() throws {
        #expect(try evaluateFunction("v: {digest: [sha256, abc]}", .v2015_04_30)
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try evaluateFunction("v: {digest: [MD5, abc]}", .v2021_04_16) == "900150983cd24fb0d6963f7d28e17f72")
        // Heat encodes the value as Latin-1 before hashing.
        #expect(try evaluateFunction("v: {digest: [md5, 'café']}", .v2021_04_16) == "961f50f6282239d09e48f812c1ca7276")
        #expect(try evaluateFunction("v: {digest: [sha1, {get_param: p}]}", .v2021_04_16, StaticContext(parameters: ["p": "abc"]))
            == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(try evaluationError("v: {digest: [md5, '€']}", .v2021_04_16)
            == "t.yaml:1:5: error: digest: the value cannot be encoded as Latin-1 (character U+20AC)")
    }

    @Test func digestShapeErrors() throws {
        #expect(try functionErrors("v: {digest: [md5]}", .v2021_04_16)
            == ["t.yaml:1:13: error: digest: invalid arguments (expected a list [algorithm, value], found 1 item)"])
        #expect(try functionErrors("v: {digest: [whirlpool, abc]}", .v2021_04_16)
            == ["t.yaml:1:14: error: digest: unsupported algorithm (expected one of md5, sha1, sha224, sha256, sha384, sha512, found 'whirlpool')"])
        #expect(try functionErrors("v: {digest: [md5, 12]}", .v2021_04_16)
            == ["t.yaml:1:19: error: digest: the algorithm and the value must be strings (expected a string, found a number)"])
    }

    // MARK: make_url

    @Test func makeURLHeatCases() throws {
        func url(_ args: String) throws -> Value { try evaluateFunction("v: {make_url: \(args)}", .v2017_09_01) }
        #expect(try url("{scheme: http, host: example.com, path: /foo/bar}") == "http://example.com/foo/bar")
        #expect(try url("{scheme: http, host: '::1', path: /foo/bar}") == "http://[::1]/foo/bar")
        #expect(try url("{scheme: http, host: '[::1]', path: /foo/bar}") == "http://[::1]/foo/bar")
        #expect(try url("{scheme: https, host: example.com, port: '80', path: /foo/bar}") == "https://example.com:80/foo/bar")
        #expect(try url("{scheme: https, host: example.com, port: 80, path: /foo/bar}") == "https://example.com:80/foo/bar")
        #expect(try url("{scheme: http, username: wibble, password: blarg, host: example.com, path: /foo/bar}")
            == "http://wibble:blarg@example.com/foo/bar")
        #expect(try url("{scheme: http, host: example.com, path: /foo/?bar, query: {'foo#': bar & baz, blarg: /wib=ble/}}")
            == "http://example.com/foo/%3Fbar?foo%23=bar+%26+baz&blarg=/wib%3Dble/")
        #expect(try url("{scheme: http, host: example.com, path: foo/bar, fragment: baz}") == "http://example.com/foo/bar#baz")
        #expect(try url("{scheme: http, username: 'a b', host: 'h', path: 'é'}") == "http://a%20b@h/%C3%A9")
    }

    @Test func makeURLErrors() throws {
        #expect(try functionErrors("v: {make_url: {scheme: https, host: example.com, port: 100000}}", .v2017_09_01)
            == ["t.yaml:1:56: error: make_url: invalid port (expected an integer in 1-65535, found a number)"])
        #expect(try functionErrors("v: {make_url: {port: '1.1'}}", .v2017_09_01)
            == ["t.yaml:1:22: error: make_url: invalid port (expected an integer in 1-65535, found a string)"])
        #expect(try functionErrors("v: {make_url: {host: h, user: x}}", .v2017_09_01)
            == ["t.yaml:1:25: error: make_url: unknown URL part 'user' (expected one of scheme, username, password, host, port, path, query, fragment)"])
        #expect(try functionErrors("v: {make_url: {host: h, query: [a]}}", .v2017_09_01)
            == ["t.yaml:1:32: error: make_url: the query must be a map (expected a map, found a list)"])
        #expect(try functionErrors("v: {make_url: [h]}", .v2017_09_01)
            == ["t.yaml:1:15: error: make_url: invalid arguments (expected a map of URL parts (scheme, username, password, host, port, path, query, fragment), found a list)"])
        #expect(try evaluationError("v: {make_url: {port: {get_param: p}}}", .v2017_09_01, StaticContext(parameters: ["p": "0"]))
            == "t.yaml:1:5: error: make_url: invalid URL port 0, must be in range 1-65535")
        #expect(try evaluationError("v: {make_url: {scheme: 'a:b'}}", .v2017_09_01)
            == "t.yaml:1:5: error: make_url: the scheme must not contain ':'")
    }
}
