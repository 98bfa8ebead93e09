import KilnModel
import Testing
@testable import KilnTemplate

/// One measured case: an expression, its `data` (JSON), and Heat's result as JSON, or nil
/// when Heat fails the stack create (the output carries an output_error).
typealias YaqlCase = (expression: String, data: String, heat: String?)

/// Kiln's value for `yaql: {expression: E, data: D}`, or the error's message.
private func kilnResult(_ c: YaqlCase) -> Result<Value?, Error> {
    let escaped = c.expression.replacingOccurrences(of: "'", with: "''")
    return Result { try conditionsEvaluate("yaql: {expression: '\(escaped)', data: \(c.data)}") }
}

/// Compares every case with Heat's measured answer.
func checkAgainstHeat(_ cases: [YaqlCase], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    for c in cases {
        let kiln = kilnResult(c)
        guard let heat = c.heat else {
            if case .success(let value) = kiln {
                Issue.record("\(c.expression): Heat fails, Kiln gave \(String(describing: value))", sourceLocation: sourceLocation)
            } else if case .failure(let error) = kiln, !(error is EvaluationError) {
                Issue.record("\(c.expression): expected an evaluation error, got \(error)", sourceLocation: sourceLocation)
            }
            continue
        }
        let expected = try Value.parseJSON(heat)
        switch kiln {
        case .success(let value):
            #expect(value == expected, "\(c.expression)", sourceLocation: sourceLocation)
            // Key order too: Heat's dicts keep insertion order, and `heat` is written in it.
            #expect(value?.jsonText(sortKeys: false) == expected.jsonText(sortKeys: false),
                "\(c.expression): key order", sourceLocation: sourceLocation)
        case .failure(let error):
            Issue.record("\(c.expression): Heat gives \(heat), Kiln failed: \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// yaql's standard library as Heat 27 runs it. Every expected value below was measured with
/// heat-oracle (`heat-oracle outputs`, one output per case; nil where Heat's create fails).
@Suite struct YaqlLibraryTests {
    /// Strings, regexes, branching, sets, dicts and queries.
    @Test func measuredWithHeat() throws {
        try checkAgainstHeat(Self.library)
    }

    /// Math, conversions, type checks, operators and more sets.
    @Test func mathAndTypesMeasuredWithHeat() throws {
        try checkAgainstHeat(Self.math)
    }

    /// Dict key order: insertion order, as Heat's Python dicts keep it, for dicts yaql builds
    /// and for maps from the template's data (source order).
    @Test func keyOrderMeasuredWithHeat() throws {
        try checkAgainstHeat(Self.keyOrder)
    }

    /// Dates and timespans (UTC).
    @Test func datesMeasuredWithHeat() throws {
        try checkAgainstHeat(Self.dates)
    }

    /// Heat's iterator limit (200) holds for what the new functions build; infinite
    /// sequences stop there, so `take` on them works.
    @Test func newFunctionsKeepHeatsLimits() throws {
        #expect(try conditionsEvaluate("yaql: {expression: 'sequence(5).take(2)'}") == [5, 6])
        #expect(try conditionsEvaluate("yaql: {expression: '[1, 2].cycle().len()'}") == 200)
        for expression in [
            "range(150).toSet().union(range(150, 300).toSet())", "range(150).insertMany(0, range(150))",
            "generate(0, true, $ + 1)", "1.repeat(500)",
        ] {
            #expect(try conditionsEvaluationError("yaql: {expression: '\(expression)'}") ==
                "1:20: yaql: collection is too large: more than 200 items", "\(expression)")
        }
    }

    /// Lexical errors fail at validation in Heat too (measured with heat-oracle).
    @Test func lexicalErrorsFailAtValidation() throws {
        for expression in ["$.data.x ?? 1", "str(1e20)", "1.5e2", "$.a{1}"] {
            let (_, diagnostics) = try conditionsParse("yaql: {expression: '\(expression)', data: {}}")
            #expect(diagnostics.count == 1, "\(expression)")
        }
    }

    /// Measured with heat-oracle's outputs, printed without sort_keys so Heat's own key order
    /// shows (`keys()` and `items()` alone are views Heat cannot output: `.toList()` is added).
    static let keyOrder: [YaqlCase] = [
        // A dict is no collection for these (Heat fails the create).
        (#"$.data.select($)"#, #"{zz: 1, aa: 2}"#, nil),
        (#"$.data.orderBy($)"#, #"{zz: 1, aa: 2}"#, nil),
        (#"$.data.toList()"#, #"{zz: 1, aa: 2}"#, nil),
        (#"$.data.dict()"#, #"[[z, 1], [a, 2]]"#, nil),
        (#"dict(b=>1, a=>2, c=>3)"#, #"{}"#, #"{"b": 1, "a": 2, "c": 3}"#),
        (#"dict(b=>1, a=>2).values()"#, #"{}"#, #"[1, 2]"#),
        (#"dict(b=>1, a=>2).items().select(list($))"#, #"{}"#, #"[[["b", 1]], [["a", 2]]]"#),
        (#"$.data"#, #"{zz: 1, aa: 2, mm: 3}"#, #"{"zz": 1, "aa": 2, "mm": 3}"#),
        (#"$.data.values()"#, #"{zz: 1, aa: 2, mm: 3}"#, #"[1, 2, 3]"#),
        (#"$.data.items().select($[0])"#, #"{zz: 1, aa: 2, mm: 3}"#, #"["zz", "aa", "mm"]"#),
        (#"str(dict(b=>1, a=>2))"#, #"{}"#, #""{'b': 1, 'a': 2}""#),
        (#"str($.data)"#, #"{zz: 1, aa: {y: 1, b: 2}}"#, #""{'zz': 1, 'aa': {'y': 1, 'b': 2}}""#),
        (#"dict(b=>1, a=>2).set(c, 3)"#, #"{}"#, #"{"b": 1, "a": 2, "c": 3}"#),
        (#"dict(b=>1, a=>2).set(a, 3)"#, #"{}"#, #"{"b": 1, "a": 3}"#),
        (#"dict(b=>1, a=>2).set({z=>1, c=>2})"#, #"{}"#, #"{"b": 1, "a": 2, "z": 1, "c": 2}"#),
        (#"$.data.toDict($.name, $.v)"#, #"[{"name": "z", "v": 1}, {"name": "a", "v": 2}]"#, #"{"z": 1, "a": 2}"#),
        (#"dict(z=>1, a=>2).mergeWith(dict(y=>1, b=>2))"#, #"{}"#, #"{"z": 1, "a": 2, "y": 1, "b": 2}"#),
        (#"dict(z=>1, a=>{x=>1}).mergeWith(dict(a=>{q=>2, c=>1}, b=>2))"#, #"{}"#, #"{"z": 1, "a": {"x": 1, "q": 2, "c": 1}, "b": 2}"#),
        (#"$.data.select(dict(k=>$, j=>1))"#, #"[1, 2]"#, #"[{"k": 1, "j": 1}, {"k": 2, "j": 1}]"#),
        (#"{z => 1, a => 2}"#, #"{}"#, #"{"z": 1, "a": 2}"#),
        (#"dict([[z, 1], [a, 2]])"#, #"{}"#, #"{"z": 1, "a": 2}"#),
        (#"dict($.data.select([$, $ * 2]))"#, #"[3, 1, 2]"#, #"{"3": 6, "1": 2, "2": 4}"#),
        (#"dict(z=>1, a=>2, m=>3).delete(a)"#, #"{}"#, #"{"z": 1, "m": 3}"#),
        (#"dict(z=>1, a=>2, m=>3).delete(a).set(a, 5)"#, #"{}"#, #"{"z": 1, "m": 3, "a": 5}"#),
        (#"dict(z=>1, a=>2) + dict(b=>3, z=>4)"#, #"{}"#, #"{"z": 4, "a": 2, "b": 3}"#),
        (#"$.data.deleteAll([m])"#, #"{zz: 1, m: 2, aa: 3}"#, #"{"zz": 1, "aa": 3}"#),
        (#"$.data.select($.value)"#, #"[{value: {q: 1, b: 2}}]"#, #"[{"q": 1, "b": 2}]"#),
        (#"'abc'.replace(dict(b=>x, a=>b))"#, #"{}"#, #""bxc""#),
        (#"$.data.keys().first()"#, #"{zz: 1, aa: 2}"#, #""zz""#),
        (#"list($.data)"#, #"{zz: 1, aa: 2}"#, #"[{"zz": 1, "aa": 2}]"#),
        (#"dict(b=>1, a=>2).keys().toList()"#, #"{}"#, #"["b", "a"]"#),
        (#"$.data.keys().toList()"#, #"{zz: 1, aa: 2, mm: 3}"#, #"["zz", "aa", "mm"]"#),
        (#"{z => 1, a => 2}.keys().toList()"#, #"{}"#, #"["z", "a"]"#),
        (#"$.data.select($.keys().toList())"#, #"[{z: 1, a: 2}, {y: 1, b: 2}]"#, #"[["z", "a"], ["y", "b"]]"#),
        (#"$.data.keys().toList().join(',')"#, #"{zz: 1, aa: 2, mm: 3}"#, #""zz,aa,mm""#),
        (#"$.data.values().toList()"#, #"{zz: 1, aa: 2, mm: 3}"#, #"[1, 2, 3]"#),
        (#"$.data.items().toList().select($[1])"#, #"{zz: 1, aa: 2, mm: 3}"#, #"[1, 2, 3]"#),
        (#"$.data.set(b, 0)"#, #"{zz: 1, aa: 2}"#, #"{"zz": 1, "aa": 2, "b": 0}"#),
        (#"$.data.set(zz, 0)"#, #"{zz: 1, aa: 2}"#, #"{"zz": 0, "aa": 2}"#),
        (#"$.data.mergeWith({aa => 5, bb => 6})"#, #"{zz: 1, aa: 2}"#, #"{"zz": 1, "aa": 5, "bb": 6}"#),
        (#"$.data.toDict($, $.len())"#, #"[ccc, a, bb]"#, #"{"ccc": 3, "a": 1, "bb": 2}"#),
        (#"$.data.toDict($)"#, #"[ccc, a, bb]"#, #"{"ccc": "ccc", "a": "a", "bb": "bb"}"#),
        (#"$.data.select(dict($.items().toList().select([$[0].toUpper(), $[1]])))"#, #"[{zz: 1, aa: 2}]"#, #"[{"ZZ": 1, "AA": 2}]"#),
        (#"str($.data.keys().toList())"#, #"{zz: 1, aa: 2}"#, #""('zz', 'aa')""#),
        (#"$.data.c.mergeWith($.data.b)"#, #"{c: {y: [1], x: 1}, b: {z: 3, y: [2]}}"#, #"{"y": [1, 2], "x": 1, "z": 3}"#),
        (#"$.data + {bb => 1, zz => 2}"#, #"{zz: 1, aa: 2}"#, #"{"zz": 2, "aa": 2, "bb": 1}"#),
        (#"dict(z => 1, y => 2, x => 3).values().toList()"#, #"{}"#, #"[1, 2, 3]"#),
        (#"$.data.where($.values().toList().len() > 0)"#, #"[{z: 1, a: 2}]"#, #"[{"z": 1, "a": 2}]"#),
        (#"$.data.z.items().toList().select($[0] + '=' + str($[1])).join('&')"#, #"{z: {q: 1, b: 2, m: 3}}"#, #""q=1&b=2&m=3""#),
        (#"$.data.aa"#, #"{zz: {y: 1, b: 2}, aa: {n: 1, c: 2}}"#, #"{"n": 1, "c": 2}"#),
        (#"$.data.select([$.keys().toList().first(), $.values().toList().last()])"#, #"[{q: 1, a: 2}]"#, #"[["q", 2]]"#),
    ]

    static let library: [YaqlCase] = [
        (#"regex('(\d)').split('a1b2c')"#, #"{}"#, #"["a", "1", "b", "2", "c"]"#),
        (#"regex('x').search('abc')"#, #"{}"#, #"null"#),
        (#"regex('x').searchAll('abc')"#, #"{}"#, #"[]"#),
        (#"'aaa'.replace('a', 'b', 2)"#, #"{}"#, #""bba""#),
        (#"regex('a').replace('aaa', 'b', 2)"#, #"{}"#, #""bba""#),
        (#"regex('(a)(b)?').replaceBy('ac', $2.value + '!')"#, #"{}"#, #""a!c""#),
        (#"'a.b' =~ 'a\.b'"#, #"{}"#, #"true"#),
        (#"'héllo'.len()"#, #"{}"#, #"5"#),
        (#"'héllo'.toUpper()"#, #"{}"#, #""H\u00c9LLO""#),
        (#"'a b c'.rightSplit(null, 1)"#, #"{}"#, #"["a b", "c"]"#),
        (#"'  a  '.trimRight()"#, #"{}"#, #""  a""#),
        (#"'xyx'.trimLeft('x')"#, #"{}"#, #""yx""#),
        (#"[1, 2, 3].slice(2).len()"#, #"{}"#, #"2"#),
        (#"[3, 1, 2].orderBy($).thenBy($)"#, #"{}"#, #"[1, 2, 3]"#),
        (#"set(1, 2).union(set(3)).len()"#, #"{}"#, #"3"#),
        (#"set([1, 2], [1, 2]).len()"#, #"{}"#, #"1"#),
        (#"[1, 2].toSet().contains(1)"#, #"{}"#, #"true"#),
        (#"2 in set(1, 2)"#, #"{}"#, #"true"#),
        (#"isSet([1])"#, #"{}"#, #"false"#),
        (#"isRegex('a')"#, #"{}"#, #"false"#),
        (#"escapeRegex('(a)*')"#, #"{}"#, #""\\(a\\)\\*""#),
        (#"{a => 1}.deleteAll([b])"#, #"{}"#, #"{"a": 1}"#),
        (#"[1, 2, 3].delete(-1)"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[1, 2, 3].insert(-1, x)"#, #"{}"#, #"[1, 2, "x", 3]"#),
        (#"[1, 2, 3].insert(10, x)"#, #"{}"#, #"[1, 2, 3, "x"]"#),
        (#"','.join([1, null, true])"#, #"{}"#, #""1,null,true""#),
        (#"[1, 2].concat([3])"#, #"{}"#, #"[1, 2, 3]"#),
        (#"{a => 1}.set(b, [1])"#, #"{}"#, #"{"a": 1, "b": [1]}"#),
        (#"set({a => 1}, b, 2)"#, #"{}"#, nil),  // Heat: unhashable type: 'dict'
        (#"{a => 1}.delete(b)"#, #"{}"#, #"{"a": 1}"#),
        (#"[3, 1].orderBy($).first()"#, #"{}"#, #"1"#),
        (#"$.data.where($.x > 1).select($.y)"#, #"[{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]"#, #"["b"]"#),
        (#"$.data.selectMany($.items)"#, #"[{"items": [1, 2]}, {"items": [3]}]"#, #"[1, 2, 3]"#),
        (#"$.data.toDict($.name, $.v)"#, #"[{"name": "a", "v": 1}, {"name": "b", "v": 2}]"#, #"{"a": 1, "b": 2}"#),
        (#"$.data.a?.b"#, #"{"a": null}"#, #"null"#),
        (#"$.data.a?.len()"#, #"{"a": null}"#, #"null"#),
        (#"let(x => 3) -> $x * 2"#, #"{}"#, #"6"#),
        (#"$.data -> $.a"#, #"{"a": 5}"#, nil),  // Heat: No function "#operator_->" matches supplied arguments
        (#"'abc'.replace('b', regex('x'))"#, #"{}"#, nil),  // Heat: No method "replace" for receiver abc matches supplied arguments
        (#"'a,b'.split(',').select($.toUpper()).join('+')"#, #"{}"#, #""A+B""#),
        (#"regex('(b)').search('abc', $2.value)"#, #"{}"#, #""b""#),
        (#"regex('b').searchAll('abcb', $.start)"#, #"{}"#, #"[1, 3]"#),
        (#"regex('\s+').split('a  b c', 1)"#, #"{}"#, #"["a", "b c"]"#),
        (#"'Ab' =~ regex('ab', ignoreCase => true)"#, #"{}"#, #"true"#),
        (#"range(5).where($ mod 2 = 0).sum()"#, #"{}"#, #"6"#),
        (#"[1, 2, 3].sum(10)"#, #"{}"#, #"16"#),
        (#"[].max(0)"#, #"{}"#, #"0"#),
        (#"[[1, 2], [3]].len()"#, #"{}"#, #"2"#),
        (#"len({a => 1, b => 2})"#, #"{}"#, #"2"#),
        (#"[1, 2, 3].repeat(2)"#, #"{}"#, #"[[1, 2, 3], [1, 2, 3]]"#),
        (#"1.repeat(2)"#, #"{}"#, #"[1, 1]"#),
        (#"[1, 2, 3].enumerate().select($[0] + $[1])"#, #"{}"#, #"[1, 3, 5]"#),
        (#"[1, [2, 3]].flatten()"#, #"{}"#, #"[1, 2, 3]"#),
        (#"dict(a => 1).mergeWith({b => 2})"#, #"{}"#, #"{"a": 1, "b": 2}"#),
        (#"{a => {x => 1}}.mergeWith({a => {y => 2}})"#, #"{}"#, #"{"a": {"x": 1, "y": 2}}"#),
        (#"coalesce(null, 2, 3)"#, #"{}"#, #"2"#),
        (#"[null, 1].where($ != null)"#, #"{}"#, #"[1]"#),
        (#"[a, b, c].indexOf(c)"#, #"{}"#, #"2"#),
        (#"$.data.sum()"#, #"[1.5, 2.5]"#, #"4.0"#),
        (#"[1, 2] = [1, 2]"#, #"{}"#, #"true"#),
        (#"{a => 1} = {a => 1}"#, #"{}"#, #"true"#),
        (#"[2, 1].orderBy(-$)"#, #"{}"#, #"[2, 1]"#),
        (#"[1, 2, 3].aggregate($1 * $2, 1)"#, #"{}"#, #"6"#),
        (#"$.data.groupBy($.k).select([$[0], $[1].len()])"#, #"[{"k": "a"}, {"k": "b"}, {"k": "a"}]"#, #"[["a", 2], ["b", 1]]"#),
        (#"[1, 2, 3].select($ + $1)"#, #"{}"#, #"[2, 4, 6]"#),
        (#"[1, 2, 3].where($ > 5).first(none)"#, #"{}"#, #""none""#),
        (#"format('{0}-{1}', 1, 2)"#, #"{}"#, nil),  // Heat: Unknown function "format"
        (#"format('{}', [1, 2])"#, #"{}"#, nil),  // Heat: Unknown function "format"
        (#"str([1, 2])"#, #"{}"#, #""(1, 2)""#),
        (#"str($.data)"#, #"[1, "a"]"#, #""(1, 'a')""#),
        (#"'abc' =~ 'b'"#, #"{}"#, #"true"#),
        (#"'abc' !~ '^b'"#, #"{}"#, #"true"#),
        (#"regex('b+').matches('abbc')"#, #"{}"#, #"true"#),
        (#"'abbc'.matches('b+')"#, #"{}"#, #"true"#),
        (#"regex('(b+)').search('abbc')"#, #"{}"#, #""bb""#),
        (#"'abbc'.search('b+')"#, #"{}"#, nil),  // Heat: No method "search" for receiver abbc matches supplied arguments
        (#"regex('(\d)').searchAll('a1b2')"#, #"{}"#, #"["1", "2"]"#),
        (#"'a1b2'.searchAll('\d')"#, #"{}"#, nil),  // Heat: No method "searchAll" for receiver a1b2 matches supplied arguments
        (#"regex('\d').split('a1b2c')"#, #"{}"#, #"["a", "b", "c"]"#),
        (#"'a1b2c'.replace(regex('\d'), '-')"#, #"{}"#, #""a-b-c""#),
        (#"regex('\d').replace('a1b2c', '-')"#, #"{}"#, #""a-b-c""#),
        (#"regex('\d').replace('a1b2c', '-', 1)"#, #"{}"#, #""a-b2c""#),
        (#"regex('(\d)').replaceBy('a1b2c', $.value + 'x')"#, #"{}"#, #""a1xb2xc""#),
        (#"escapeRegex('a.b')"#, #"{}"#, #""a\\.b""#),
        (#"isRegex(regex('a'))"#, #"{}"#, #"true"#),
        (#"regex('A', ignoreCase => true).matches('a')"#, #"{}"#, #"true"#),
        (#"regex('(b)(c)').search('abc', $.value)"#, #"{}"#, #""bc""#),
        (#"regex('(b)(c)').search('abc', $)"#, #"{}"#, #"{"value": "bc", "start": 1, "end": 3}"#),
        (#"regex('(b)(c)').search('abc', $.start)"#, #"{}"#, #"1"#),
        (#"'a1b2'.searchAll('\d', $.value + '!')"#, #"{}"#, nil),  // Heat: No method "searchAll" for receiver a1b2 matches supplied arguments
        (#"switch(1 > 2 => a, 2 > 1 => b)"#, #"{}"#, #""b""#),
        (#"switch(false => a, true => b, true => c)"#, #"{}"#, #""b""#),
        (#"switch(false => a)"#, #"{}"#, #"null"#),
        (#"selectCase(false, true, true)"#, #"{}"#, #"1"#),
        (#"selectAllCases(false, true, true)"#, #"{}"#, #"[1, 2]"#),
        (#"examine(false, true)"#, #"{}"#, #"[false, true]"#),
        (#"zip([1, 2], [a, b])"#, #"{}"#, nil),  // Heat: Unknown function "zip"
        (#"zip([1, 2, 3], [a, b])"#, #"{}"#, nil),  // Heat: Unknown function "zip"
        (#"zipLongest([1, 2, 3], [a, b])"#, #"{}"#, nil),  // Heat: Unknown function "zipLongest"
        (#"zipLongest([1, 2, 3], [a, b], default => x)"#, #"{}"#, nil),  // Heat: Unknown function "zipLongest"
        (#"set(1, 2, 2).toList()"#, #"{}"#, #"[1, 2]"#),
        (#"[1, 2].union([2, 3])"#, #"{}"#, nil),  // Heat: No method "union" for receiver (1, 2) matches supplied arguments
        (#"[1, 2, 3].intersect([2, 3, 4])"#, #"{}"#, nil),  // Heat: No method "intersect" for receiver (1, 2, 3) matches supplied arguments
        (#"[1, 2, 3].difference([2])"#, #"{}"#, nil),  // Heat: No method "difference" for receiver (1, 2, 3) matches supplied arguments
        (#"[1, 2].toSet().isSubsetOf([1, 2, 3].toSet())"#, #"{}"#, nil),  // Heat: Unknown method "isSubsetOf" for receiver frozenset({1, 2})
        (#"[1, 2, 3].toSet().isSupersetOf([1].toSet())"#, #"{}"#, nil),  // Heat: Unknown method "isSupersetOf" for receiver frozenset({1, 2, 3})
        (#"len(set(1, 2))"#, #"{}"#, #"2"#),
        (#"dict(a => 1, b => 2)"#, #"{}"#, #"{"a": 1, "b": 2}"#),
        (#"dict([[a, 1], [b, 2]])"#, #"{}"#, #"{"a": 1, "b": 2}"#),
        (#"dict($.data.select([$, $ * 2]))"#, #"[1, 2]"#, #"{"1": 2, "2": 4}"#),
        (#"{a => 1}.set(b, 2)"#, #"{}"#, #"{"a": 1, "b": 2}"#),
        (#"{a => 1}.set({c => 3})"#, #"{}"#, #"{"a": 1, "c": 3}"#),
        (#"{a => 1, b => 2}.delete(a)"#, #"{}"#, #"{"b": 2}"#),
        (#"{a => 1, b => 2, c => 3}.deleteAll([a, b])"#, #"{}"#, #"{"c": 3}"#),
        (#"{a => 1, b => 2}.keys().toList()"#, #"{}"#, #"["a", "b"]"#),
        (#"{a => 1}.get(a)"#, #"{}"#, #"1"#),
        (#"{a => 1}.get(b)"#, #"{}"#, #"null"#),
        (#"{a => 1}.get(b, 9)"#, #"{}"#, #"9"#),
        (#"{a => 1}.containsKey(a)"#, #"{}"#, #"true"#),
        (#"{a => 1}.containsValue(1)"#, #"{}"#, #"true"#),
        (#"{a => 1}.len()"#, #"{}"#, #"1"#),
        (#"{a => 1} + {b => 2}"#, #"{}"#, #"{"a": 1, "b": 2}"#),
        (#"{a => 1}[a]"#, #"{}"#, #"1"#),
        (#"$.data.a"#, #"{"a": {"x": 1}}"#, #"{"x": 1}"#),
        (#"$.data[a]"#, #"{"a": 1}"#, #"1"#),
        (#"$.data['a']"#, #"{"a": 1}"#, #"1"#),
        (#"[1, [2, [3]]].flatten()"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[1, 2, 3].select($ * 2)"#, #"{}"#, #"[2, 4, 6]"#),
        (#"[1, 2, 3].where($ > 1)"#, #"{}"#, #"[2, 3]"#),
        (#"[1, 2, 3].filter($ > 1)"#, #"{}"#, #"[2, 3]"#),
        (#"[1, 2, 3].map($ + 1)"#, #"{}"#, #"[2, 3, 4]"#),
        (#"[3, 1, 2].orderBy($)"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[3, 1, 2].orderByDescending($)"#, #"{}"#, #"[3, 2, 1]"#),
        (#"[[1, b], [1, a], [0, c]].orderBy($[0]).thenBy($[1])"#, #"{}"#, #"[[0, "c"], [1, "a"], [1, "b"]]"#),
        (#"[[1, b], [1, a], [0, c]].orderBy($[0]).thenByDescending($[1])"#, #"{}"#, #"[[0, "c"], [1, "b"], [1, "a"]]"#),
        (#"[1, 2, 3, 4].groupBy($ mod 2)"#, #"{}"#, #"[[1, [1, 3]], [0, [2, 4]]]"#),
        (#"[1, 2, 3, 4].groupBy($ mod 2, $ * 10)"#, #"{}"#, #"[[1, [10, 30]], [0, [20, 40]]]"#),
        (#"[1, 2, 3, 4].groupBy($ mod 2, $ * 10, $.sum())"#, #"{}"#, #"[[1, 40], [0, 60]]"#),
        (#"[1, 2, 3, 4].groupBy($ mod 2, $ * 10, [$[0], $[1].sum()])"#, #"{}"#, #"[[1, 40], [0, 60]]"#),
        (#"[1, 2, 2, 3, 1].distinct()"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[1, 2, 3].first()"#, #"{}"#, #"1"#),
        (#"[].first(null)"#, #"{}"#, #"null"#),
        (#"[1, 2, 3].last()"#, #"{}"#, #"3"#),
        (#"[1, 2, 3].skip(1)"#, #"{}"#, #"[2, 3]"#),
        (#"[1, 2, 3].take(2)"#, #"{}"#, #"[1, 2]"#),
        (#"[1, 2, 3].limit(2)"#, #"{}"#, #"[1, 2]"#),
        (#"[1, 2, 3].len()"#, #"{}"#, #"3"#),
        (#"[1, 2, 3].count()"#, #"{}"#, #"3"#),
        (#"[1, 2, 3].sum()"#, #"{}"#, #"6"#),
        (#"[1.5, 2].sum()"#, #"{}"#, #"3.5"#),
        (#"[1, 2, 3].max()"#, #"{}"#, #"3"#),
        (#"[1, 2, 3].min()"#, #"{}"#, #"1"#),
        (#"max(1, 5)"#, #"{}"#, #"5"#),
        (#"min(1, 5)"#, #"{}"#, #"1"#),
        (#"[1, 2].any()"#, #"{}"#, #"true"#),
        (#"[0, 1].all()"#, #"{}"#, #"false"#),
        (#"[].any()"#, #"{}"#, #"false"#),
        (#"[].all()"#, #"{}"#, #"true"#),
        (#"[1, 2].any($ > 1)"#, #"{}"#, #"true"#),
        (#"[1, 2].contains(2)"#, #"{}"#, #"true"#),
        (#"2 in [1, 2]"#, #"{}"#, #"true"#),
        (#"[1, 2, 3].indexOf(2)"#, #"{}"#, #"1"#),
        (#"[1, 2, 3].indexOf(5)"#, #"{}"#, #"-1"#),
        (#"[1, 2, 1].lastIndexOf(1)"#, #"{}"#, #"2"#),
        (#"[1, 2, 3].indexWhere($ > 1)"#, #"{}"#, #"1"#),
        (#"[1, 2, 3].lastIndexWhere($ > 1)"#, #"{}"#, #"2"#),
        (#"[1, 2].concat([3], [4])"#, #"{}"#, #"[1, 2, 3, 4]"#),
        (#"concat([1], [2])"#, #"{}"#, #"[1, 2]"#),
        (#"range(3)"#, #"{}"#, #"[0, 1, 2]"#),
        (#"range(1, 4)"#, #"{}"#, #"[1, 2, 3]"#),
        (#"range(0, 10, 3)"#, #"{}"#, #"[0, 3, 6, 9]"#),
        (#"range(3, 0, -1)"#, #"{}"#, #"[3, 2, 1]"#),
        (#"sequence(1, 2).take(3)"#, #"{}"#, #"[1, 3, 5]"#),
        (#"sequence().take(3)"#, #"{}"#, #"[0, 1, 2]"#),
        (#"[1, 2, 3].reverse()"#, #"{}"#, #"[3, 2, 1]"#),
        (#"[1, 2, 3].takeWhile($ < 3)"#, #"{}"#, #"[1, 2]"#),
        (#"[1, 2, 3].skipWhile($ < 2)"#, #"{}"#, #"[2, 3]"#),
        (#"[1, 2, 3].aggregate($1 + $2)"#, #"{}"#, #"6"#),
        (#"[1, 2, 3].aggregate($1 + $2, 10)"#, #"{}"#, #"16"#),
        (#"[1, 2, 3].reduce($1 + $2)"#, #"{}"#, #"6"#),
        (#"[1, 2, 3].accumulate($1 + $2)"#, #"{}"#, #"[1, 3, 6]"#),
        (#"[1, 2, 3].accumulate($1 + $2, 10)"#, #"{}"#, #"[10, 11, 13, 16]"#),
        (#"[1, 2, 3].enumerate()"#, #"{}"#, #"[[0, 1], [1, 2], [2, 3]]"#),
        (#"[a, b].enumerate(1)"#, #"{}"#, #"[[1, "a"], [2, "b"]]"#),
        (#"[1, 2, 3].append(4, 5)"#, #"{}"#, #"[1, 2, 3, 4, 5]"#),
        (#"[1, 2, 3].single()"#, #"{}"#, nil),  // Heat: Collection contains more than one item
        (#"[1].single()"#, #"{}"#, #"1"#),
        (#"[1, 2, 3, 4, 5].slice(2)"#, #"{}"#, #"[[1, 2], [3, 4], [5]]"#),
        (#"[1, 2, 3, 4, 5].splitAt(2)"#, #"{}"#, #"[[1, 2], [3, 4, 5]]"#),
        (#"[1, 2, 3, 4, 5].splitWhere($ mod 2 = 0)"#, #"{}"#, #"[[1], [3], [5]]"#),
        (#"[1, 2, 3, 4, 5].sliceWhere($ mod 2 = 0)"#, #"{}"#, #"[[1], [2], [3], [4], [5]]"#),
        (#"[].defaultIfEmpty([1])"#, #"{}"#, #"[1]"#),
        (#"[1, 2].defaultIfEmpty([3])"#, #"{}"#, #"[1, 2]"#),
        (#"[1, 2].cycle().take(5)"#, #"{}"#, #"[1, 2, 1, 2, 1]"#),
        (#"generate(0, $ < 5, $ + 2)"#, #"{}"#, #"[0, 2, 4]"#),
        (#"generate(0, $ < 5, $ + 2, $ * 10)"#, #"{}"#, #"[0, 20, 40]"#),
        (#"generateMany(1, [$ + 1].where($ < 4))"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[1, 2, 3].selectMany([$, $])"#, #"{}"#, #"[1, 1, 2, 2, 3, 3]"#),
        (#"[1, 2, 3].memorize()"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[1, 2].isList()"#, #"{}"#, nil),  // Heat: Unknown method "isList" for receiver (1, 2)
        (#"isList([1])"#, #"{}"#, #"true"#),
        (#"isDict({})"#, #"{}"#, #"true"#),
        (#"isSet(set())"#, #"{}"#, #"true"#),
        (#"[[1, 2], [3]].selectMany($)"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[1, 2, 3].insert(1, x)"#, #"{}"#, #"[1, "x", 2, 3]"#),
        (#"[1, 2, 3].insertMany(1, [x, y])"#, #"{}"#, #"[1, "x", "y", 2, 3]"#),
        (#"[1, 2, 3].replace(1, x)"#, #"{}"#, #"[1, "x", 3]"#),
        (#"[1, 2, 3].replaceMany(1, [x, y])"#, #"{}"#, #"[1, "x", "y", 3]"#),
        (#"[1, 2, 3].delete(1)"#, #"{}"#, #"[1, 3]"#),
        (#"[1, 2, 3].delete(1, 2)"#, #"{}"#, #"[1]"#),
        (#"[1, 2, 3].set(1, x)"#, #"{}"#, nil),  // Heat: No method "set" for receiver (1, 2, 3) matches supplied arguments
        (#"[1, 2, 3].remove(2)"#, #"{}"#, nil),  // Heat: No method "remove" for receiver (1, 2, 3) matches supplied arguments
        (#"[1, 2, 3][1]"#, #"{}"#, #"2"#),
        (#"[1, 2, 3][-1]"#, #"{}"#, #"3"#),
        (#"[[1, 2], [3, 4]][1][0]"#, #"{}"#, #"3"#),
        (#"list(1, 2)"#, #"{}"#, #"[1, 2]"#),
        (#"list([1, 2], 3)"#, #"{}"#, #"[[1, 2], 3]"#),
        (#"toList([1, 2])"#, #"{}"#, nil),  // Heat: Unknown function "toList"
        (#"[1, 2] * 2"#, #"{}"#, #"[1, 2, 1, 2]"#),
        (#"[1, 2] + [3]"#, #"{}"#, #"[1, 2, 3]"#),
        (#"isEmpty([])"#, #"{}"#, nil),  // Heat: No function "isEmpty" matches supplied arguments
        (#"[1, 2, 3].isEmpty()"#, #"{}"#, nil),  // Heat: No method "isEmpty" for receiver (1, 2, 3) matches supplied arguments
        // Strings.
        (#"'a b  c'.split()"#, #"{}"#, #"["a", "b", "c"]"#),
        (#"'a,b,c'.rightSplit(',', 1)"#, #"{}"#, #"["a,b", "c"]"#),
        (#"'a,b,c'.rightSplit(',')"#, #"{}"#, #"["a", "b", "c"]"#),
        (#"'abc'.characters()"#, #"{}"#, nil),  // Heat: Unknown method "characters" for receiver abc
        (#"'abc' * 2"#, #"{}"#, #""abcabc""#),
        (#"2 * 'ab'"#, #"{}"#, #""abab""#),
        (#"'ABC'.toLower()"#, #"{}"#, #""abc""#),
        (#"'  x  '.trimLeft()"#, #"{}"#, #""x  ""#),
        (#"'xxaxx'.trim('x')"#, #"{}"#, #""a""#),
        (#"'hello'.indexOf('l')"#, #"{}"#, #"2"#),
        (#"'hello'.lastIndexOf('l')"#, #"{}"#, #"3"#),
        (#"'hello'.substring(1)"#, #"{}"#, #""ello""#),
        (#"'hello'.substring(-3, 2)"#, #"{}"#, #""ll""#),
        (#"'a{0}b{1}'.format(1, 2)"#, #"{}"#, nil),  // Heat: No method "format" for receiver a{0}b{1} matches supplied arguments
        (#"'{} {}'.format(x, y)"#, #"{}"#, nil),  // Heat: No method "format" for receiver {} {} matches supplied arguments
        (#"'{a}'.format(a => 5)"#, #"{}"#, nil),  // Heat: No method "format" for receiver {a} matches supplied arguments
        (#"str(1.5)"#, #"{}"#, #""1.5""#),
        (#"str(true)"#, #"{}"#, #""true""#),
        (#"str([1, 'a', null])"#, #"{}"#, #""(1, 'a', None)""#),
        (#"str({a => 1})"#, #"{}"#, #""{'a': 1}""#),
        (#"str(null)"#, #"{}"#, #""null""#),
        (#"'hello'.len()"#, #"{}"#, #"5"#),
        (#"len('hello')"#, #"{}"#, #"5"#),
        (#"'abc'.startsWith('x', 'a')"#, #"{}"#, #"true"#),
        (#"'hello'.replace('l', 'L', 1)"#, #"{}"#, #""heLlo""#),
        (#"'hello'.replace({l => L, o => 0})"#, #"{}"#, #""heLL0""#),
        (#"concat('a', 'b')"#, #"{}"#, #""ab""#),
        (#"'a' + 'b'"#, #"{}"#, #""ab""#),
        (#"join([a, b], '-')"#, #"{}"#, nil),  // Heat: Unknown function "join"
        (#"'-'.join([a, b])"#, #"{}"#, #""a-b""#),
        (#"[a, b].join('-')"#, #"{}"#, #""a-b""#),
        (#"'abc'.isEmpty()"#, #"{}"#, #"false"#),
        (#"isString('a')"#, #"{}"#, #"true"#),
        (#"'a b'.norm()"#, #"{}"#, #""a b""#),
        (#"' a   b '.normalizeSpace()"#, #"{}"#, nil),  // Heat: Unknown method "normalizeSpace" for receiver  a   b
        (#"'aXbXc'.split('X', 1)"#, #"{}"#, #"["a", "bXc"]"#),
        (#"'hello world'.toUpper()"#, #"{}"#, #""HELLO WORLD""#),
        (#"'abc' in 'xabcx'"#, #"{}"#, #"true"#),
        (#"'abc'.hex()"#, #"{}"#, nil),  // Heat: Unknown method "hex" for receiver abc
        (#"'%s' "#, #"{}"#, #""%s""#),
        (#"'abc'[1]"#, #"{}"#, nil),  // Heat: No function "#indexer" matches supplied arguments
        (#"'abcdef'.substring(2, 10)"#, #"{}"#, #""cdef""#),
        (#"'abc'.reverse()"#, #"{}"#, nil),  // Heat: No method "reverse" for receiver abc matches supplied arguments
        (#"toCharArray('ab')"#, #"{}"#, nil),  // Heat: Unknown function "toCharArray"
        (#"'ab'.concat('c')"#, #"{}"#, nil),  // Heat: No method "concat" for receiver ab matches supplied arguments
        (#"'a' < 'b'"#, #"{}"#, #"true"#),
        (#"'{0:>5}'.format(1)"#, #"{}"#, nil),  // Heat: No method "format" for receiver {0:>5} matches supplied arguments
        (#"'abc'.contains('b')"#, #"{}"#, nil),  // Heat: No method "contains" for receiver abc matches supplied arguments
        (#"'x'.repeat(3)"#, #"{}"#, #"["x", "x", "x"]"#),
        (#"'abc' + 1"#, #"{}"#, nil),  // Heat: No function "#operator_+" matches supplied arguments
    ]

    static let math: [YaqlCase] = [
        (#"{a => 1}[b]"#, #"{}"#, nil),  // Heat: 'b'
        (#"$.data[b]"#, #"{"a": 1}"#, nil),  // Heat: 'b'
        (#"null < 1"#, #"{}"#, #"true"#),
        (#"[3, null, 1].orderBy($)"#, #"{}"#, #"[null, 1, 3]"#),
        (#"[b, a].max()"#, #"{}"#, #""b""#),
        (#"'a' * 0"#, #"{}"#, #""""#),
        (#"str(1.0 / 3)"#, #"{}"#, #""0.3333333333333333""#),
        (#"int('x')"#, #"{}"#, nil),  // Heat: invalid literal for int() with base 10: 'x'
        (#"float('x')"#, #"{}"#, nil),  // Heat: could not convert string to float: 'x'
        (#"[1, 2, 3][5]"#, #"{}"#, nil),  // Heat: tuple index out of range
        (#"$.data.x.y"#, #"{"x": null}"#, nil),  // Heat: Unknown function "#property#y"
        (#"$.data.missing"#, #"{}"#, nil),  // Heat: 'missing'
        (#"$.data.list.name"#, #"{"list": [{"name": "a"}, {"name": "b"}]}"#, #"["a", "b"]"#),
        (#"[1, 'a'].orderBy($)"#, #"{}"#, nil),  // Heat: No function "#operator_<" matches supplied arguments
        (#"1 + 1.5"#, #"{}"#, #"2.5"#),
        (#"10 / 4.0"#, #"{}"#, #"2.5"#),
        (#"-7 mod -3"#, #"{}"#, #"-1"#),
        (#"true and null"#, #"{}"#, #"null"#),
        (#"null or false"#, #"{}"#, #"false"#),
        (#"not null"#, #"{}"#, #"true"#),
        (#"[] = []"#, #"{}"#, #"true"#),
        (#"'1' = 1"#, #"{}"#, #"false"#),
        (#"len(null)"#, #"{}"#, nil),  // Heat: No function "len" matches supplied arguments
        (#"str(-0.0)"#, #"{}"#, #""-0.0""#),
        (#"'x'.toUpper().len() + 1"#, #"{}"#, #"2"#),
        (#"[1, 2, 3].where($ > 1).select($ * 10).sum()"#, #"{}"#, #"50"#),
        (#"$.data.servers.where($.status = 'ACTIVE').name"#, #"{"servers": [{"name": "a", "status": "ACTIVE"}, {"name": "b", "status": "ERROR"}]}"#, #"["a"]"#),
        (#"abs(-3)"#, #"{}"#, #"3"#),
        (#"abs(-2.5)"#, #"{}"#, #"2.5"#),
        (#"pow(2, 10)"#, #"{}"#, #"1024"#),
        (#"pow(2, 10, 1000)"#, #"{}"#, #"24"#),
        (#"pow(2.0, 0.5)"#, #"{}"#, #"1.4142135623730951"#),
        (#"round(2.567, 2)"#, #"{}"#, #"2.57"#),
        (#"round(2.5)"#, #"{}"#, #"2.0"#),
        (#"round(3.5)"#, #"{}"#, #"4.0"#),
        (#"round(-2.567)"#, #"{}"#, #"-3.0"#),
        (#"sign(-3)"#, #"{}"#, #"-1"#),
        (#"sign(0)"#, #"{}"#, #"0"#),
        (#"sign(2.5)"#, #"{}"#, #"1"#),
        (#"float(3)"#, #"{}"#, #"3.0"#),
        (#"int('7')"#, #"{}"#, #"7"#),
        (#"int(3.9)"#, #"{}"#, #"3"#),
        (#"int(-3.9)"#, #"{}"#, #"-3"#),
        (#"float('1e3')"#, #"{}"#, #"1000.0"#),
        (#"7 / 2"#, #"{}"#, #"3"#),
        (#"7.0 / 2"#, #"{}"#, #"3.5"#),
        (#"-7 / 2"#, #"{}"#, #"-4"#),
        (#"7 mod 3"#, #"{}"#, #"1"#),
        (#"-7 mod 3"#, #"{}"#, #"2"#),
        (#"7.5 mod 2"#, #"{}"#, #"1.5"#),
        (#"2 * 3.5"#, #"{}"#, #"7.0"#),
        (#"bitwiseAnd(12, 10)"#, #"{}"#, #"8"#),
        (#"bitwiseOr(12, 10)"#, #"{}"#, #"14"#),
        (#"bitwiseXor(12, 10)"#, #"{}"#, #"6"#),
        (#"bitwiseNot(12)"#, #"{}"#, #"-13"#),
        (#"shiftBitsLeft(1, 4)"#, #"{}"#, #"16"#),
        (#"shiftBitsRight(16, 2)"#, #"{}"#, #"4"#),
        (#"isInteger(1)"#, #"{}"#, #"true"#),
        (#"isInteger(1.0)"#, #"{}"#, #"false"#),
        (#"isNumber(1.5)"#, #"{}"#, #"true"#),
        (#"isNumber('1')"#, #"{}"#, #"false"#),
        (#"isBoolean(true)"#, #"{}"#, #"true"#),
        (#"isString(1)"#, #"{}"#, #"false"#),
        (#"max(1, 2.5)"#, #"{}"#, #"2.5"#),
        (#"sqrt(4)"#, #"{}"#, nil),  // Heat: Unknown function "sqrt"
        (#"1 = 1.0"#, #"{}"#, #"true"#),
        (#"1 < 1.5"#, #"{}"#, #"true"#),
        (#"true + 1"#, #"{}"#, nil),  // Heat: No function "#operator_+" matches supplied arguments
        (#"-(3)"#, #"{}"#, #"-3"#),
        (#"+3"#, #"{}"#, #"3"#),
        (#"3 > 2 and 2 > 1"#, #"{}"#, #"true"#),
        (#"not true"#, #"{}"#, #"false"#),
        (#"null = null"#, #"{}"#, #"true"#),
        (#"null != 1"#, #"{}"#, #"true"#),
        (#"1 in [1, 2] and not 3 in [1]"#, #"{}"#, #"true"#),
        (#"$.data.x or 'def'"#, #"{"x": null}"#, #""def""#),
        (#"$.data.x and 'yes'"#, #"{"x": 1}"#, #""yes""#),
        (#"isNull(null)"#, #"{}"#, nil),  // Heat: Unknown function "isNull"
        (#"str(10 / 4)"#, #"{}"#, #""2""#),
        (#"str(1.0)"#, #"{}"#, #""1.0""#),
        (#"str(0.1 + 0.2)"#, #"{}"#, #""0.30000000000000004""#),
        (#"float(1) / 3"#, #"{}"#, #"0.3333333333333333"#),
        (#"int(true)"#, #"{}"#, #"1"#),
        (#"bool(0)"#, #"{}"#, #"false"#),
        (#"bool('')"#, #"{}"#, #"false"#),
        (#"bool('a')"#, #"{}"#, #"true"#),
        (#"bool([])"#, #"{}"#, #"false"#),
        (#"'{0}'.format('x')"#, #"{}"#, nil),  // Heat: No method "format" for receiver {0} matches supplied arguments
        (#"'{0}'.format(x)"#, #"{}"#, nil),  // Heat: No method "format" for receiver {0} matches supplied arguments
        (#"'a'.characters()"#, #"{}"#, nil),  // Heat: Unknown method "characters" for receiver a
        (#"characters('ab')"#, #"{}"#, nil),  // Heat: No function "characters" matches supplied arguments
        (#"[1,2].toSet().union([2,3].toSet()).toList()"#, #"{}"#, #"[1, 2, 3]"#),
        (#"[1,2].toSet().intersect([2,3].toSet()).toList()"#, #"{}"#, #"[2]"#),
        (#"[1,2].toSet().difference([2,3].toSet()).toList()"#, #"{}"#, #"[1]"#),
        (#"union([1].toSet(), [2].toSet()).toList()"#, #"{}"#, nil),  // Heat: Unknown function "union"
        (#"set(1,2).add(3).toList()"#, #"{}"#, #"[1, 2, 3]"#),
        (#"set(1,2).remove(1).toList()"#, #"{}"#, #"[2]"#),
        (#"[1,2,2].toSet().len()"#, #"{}"#, #"2"#),
        (#"'a1b2'.replace(regex('(\d)'), '<\\1>')"#, #"{}"#, #""a<1>b<2>""#),
        (#"'abc'.toList()"#, #"{}"#, nil),  // Heat: No method "toList" for receiver abc matches supplied arguments
        (#"{a=>1}.toList()"#, #"{}"#, nil),  // Heat: No method "toList" for receiver {'a': 1} matches supplied arguments
        (#"'  '.isEmpty()"#, #"{}"#, #"true"#),
        (#"null.isEmpty()"#, #"{}"#, #"true"#),
    ]

    static let dates: [YaqlCase] = [
        (#"datetime(2020, 1, 2)"#, #"{}"#, #""2020-01-02 00:00:00+00:00""#),
        (#"str(datetime(2020, 1, 2, 3, 4, 5))"#, #"{}"#, #""2020-01-02 03:04:05+00:00""#),
        (#"datetime(2020, 1, 2, 3, 4, 5).format('%Y/%m/%d %H-%M-%S')"#, #"{}"#, #""2020/01/02 03-04-05""#),
        (#"datetime('2020-01-02T03:04:05Z').year"#, #"{}"#, #"2020"#),
        (#"datetime('2020-01-02T03:04:05').month"#, #"{}"#, #"1"#),
        (#"datetime(2020, 1, 2).day"#, #"{}"#, #"2"#),
        (#"datetime(2020, 1, 2, 3, 4, 5).hour"#, #"{}"#, #"3"#),
        (#"datetime(2020, 1, 2, 3, 4, 5).minute"#, #"{}"#, #"4"#),
        (#"datetime(2020, 1, 2, 3, 4, 5).second"#, #"{}"#, #"5"#),
        (#"datetime(2020, 1, 2).dayOfWeek"#, #"{}"#, nil),  // Heat: Unknown function "#property#dayOfWeek"
        (#"datetime(2020, 3, 2).dayOfYear"#, #"{}"#, nil),  // Heat: Unknown function "#property#dayOfYear"
        (#"str(datetime(2020, 1, 2) + timespan(days => 1))"#, #"{}"#, #""2020-01-03 00:00:00+00:00""#),
        (#"str(datetime(2020, 1, 2) - datetime(2020, 1, 1))"#, #"{}"#, #""1 day, 0:00:00""#),
        (#"timespan(hours => 2).totalSeconds"#, #"{}"#, nil),  // Heat: Unknown function "#property#totalSeconds"
        (#"timespan(days => 1, hours => 2).totalHours"#, #"{}"#, nil),  // Heat: Unknown function "#property#totalHours"
        (#"str(timespan(minutes => 90))"#, #"{}"#, #""1:30:00""#),
        (#"datetime(2020, 1, 2) > datetime(2019, 1, 1)"#, #"{}"#, #"true"#),
        (#"datetime(2020, 1, 2).timestamp"#, #"{}"#, #"1577923200.0"#),
        (#"datetime(0).year"#, #"{}"#, #"1970"#),
        (#"str(datetime(1600000000))"#, #"{}"#, #""2020-09-13 12:26:40+00:00""#),
        (#"datetime(2020, 1, 2, 3, 4, 5).date.day"#, #"{}"#, #"2"#),
        (#"str(datetime(2020, 1, 2, 3, 4, 5).time)"#, #"{}"#, #""3:04:05""#),
        (#"isDatetime(datetime(2020, 1, 1))"#, #"{}"#, #"true"#),
        (#"isTimespan(timespan())"#, #"{}"#, #"true"#),
        (#"str(datetime(2020, 1, 2).replace(year => 2021))"#, #"{}"#, #""2021-01-02 00:00:00+00:00""#),
        (#"str(utctz())"#, #"{}"#, #""0:00:00""#),
        (#"datetime(2020, 1, 2, 3, 4, 5).microsecond"#, #"{}"#, #"0"#),
        (#"timespan(seconds => 90).minutes"#, #"{}"#, #"1.5"#),
        (#"timespan(seconds => 90).seconds"#, #"{}"#, #"90.0"#),
        (#"str(datetime(2020, 1, 2, 3, 4, 5, 6))"#, #"{}"#, #""2020-01-02 03:04:05.000006+00:00""#),
        (#"datetime(2020, 1, 2).format('%A %B %j %p %y %a %b')"#, #"{}"#, #""Thursday January 002 AM 20 Thu Jan""#),
        (#"now() != null"#, #"{}"#, #"true"#),
        (#"str(datetime(2020, 1, 2, 3, 4, 5).format('%Y-%m-%d'))"#, #"{}"#, #""2020-01-02""#),
    ]
}
