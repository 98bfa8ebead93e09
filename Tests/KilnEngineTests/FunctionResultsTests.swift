import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

/// Every HOT function evaluated by the engine in a real stack, each result written as the
/// literal Heat 27 returns (from Heat's function semantics and heat/tests/test_hot.py).
@Suite("Engine function results")
struct FunctionResultsTests {
    static let wallaby = """
        heat_template_version: 2021-04-16
        parameters:
          net: {type: json, default: {"a": {"b": ["x", "y"]}}}
          words: {type: comma_delimited_list, default: "one,two"}
          port: {type: number, default: 8080}
          enabled: {type: boolean, default: true}
        conditions:
          is_on: {get_param: enabled}
          is_off: {not: is_on}
          both: {and: [is_on, {equals: [{get_param: port}, 8080]}]}
          either: {or: [is_off, {contains: [two, {get_param: words}]}]}
        resources:
          t: {type: OS::Heat::TestResource, properties: {value: abc}}
          base:
            type: OS::Heat::Value
            properties:
              type: json
              value: {a: [1, {b: 2}], name: {get_attr: [t, output]}}
          joined:
            type: OS::Heat::Value
            properties:
              value: {list_join: ['-', {get_param: words}, [{get_attr: [t, output]}]]}
        outputs:
          param_path: {value: {get_param: [net, a, b, 1]}}
          param_list: {value: {get_param: words}}
          resource: {value: {get_resource: t}}
          attr: {value: {get_attr: [t, output]}}
          attr_path: {value: {get_attr: [base, value, a, 1, b]}}
          attr_all: {value: {get_attr: [t]}}
          attr_from_value: {value: {get_attr: [joined, value]}}
          file: {value: {get_file: data.txt}}
          replace: {value: {str_replace: {template: "http://$host:$port/$host", params: {$host: example.com, $port: {get_param: port}}}}}
          replace_strict: {value: {str_replace_strict: {template: "a-b", params: {a: 1, b: true}}}}
          replace_vstrict: {value: {str_replace_vstrict: {template: "x y", params: {x: X, y: Y}}}}
          replace_longest_first: {value: {str_replace: {template: "aaa", params: {a: 1, aa: 2}}}}
          join_many: {value: {list_join: [',', [a, b], [c]]}}
          join_json: {value: {list_join: [' ', [{k: v, a: 1}, [1, 2], null, s]]}}
          md5: {value: {digest: [md5, hello]}}
          sha256: {value: {digest: [sha256, hello]}}
          sha512: {value: {digest: [sha512, ""]}}
          repeat_product:
            value: {repeat: {for_each: {"%a%": ["1", "2"], "%b%": [x, y]}, template: "%a%-%b%"}}
          repeat_zip:
            value: {repeat: {for_each: {"%a%": ["1", "2"], "%b%": [x, y]}, template: {k: "%a%", v: "%b%"}, permutations: false}}
          merge: {value: {map_merge: [{a: 1, b: 2}, {b: 3}, {c: 4}]}}
          map_replace: {value: {map_replace: [{k1: v1, k2: v2}, {keys: {k1: K1}, values: {v2: V2}}]}}
          conditions: {value: [{if: [is_on, y, n]}, {if: [is_off, y, n]}, {if: [both, b, nb]}, {if: [either, e, ne]}]}
          two_arg_if: {value: {a: {if: [is_off, 1]}, b: {if: [is_on, 2]}, c: [{if: [is_off, 3]}, 4]}}
          inline_conditions: {value: [{equals: [1, 1]}, {not: {equals: [a, b]}}, {and: [true, false]}, {or: [false, true]}]}
          contains: {value: [{contains: [a, [a, b]]}, {contains: [ab, abc]}, {contains: [z, [a]]}]}
          yaql: {value: {yaql: {expression: "$.data.l.select($ * 2).sum()", data: {l: [1, 2, 3]}}}}
          yaql_dict: {value: {yaql: {expression: "dict($.data.keys.select([$, $.len()]))", data: {keys: [ab, c]}}}}
          filter: {value: {filter: [[null, 2], [1, null, 2, 3]]}}
          url: {value: {make_url: {scheme: https, username: u s, password: p@ss, host: example.com, port: 8080, path: "/a b/c", query: {q: "x y", path: "/p"}, fragment: "f g"}}}
          url_ipv6: {value: {make_url: {scheme: http, host: "::1", path: "/"}}}
          concat: {value: {list_concat: [[1, 2], [2, 3], []]}}
          concat_unique: {value: {list_concat_unique: [[1, 2], [2, 3], [1]]}}
          split: {value: {str_split: [',', 'a,b,,c']}}
          split_index: {value: {str_split: [',', 'a,b,c', 1]}}
          conditional: {value: secret, condition: is_off}
        """

    /// Version-specific behaviour: before 2021-04-16 `if` takes exactly three arguments, and
    /// older versions have fewer functions; what they share gives the same results.
    static let newton = """
        heat_template_version: 2016-10-14
        parameters:
          words: {type: comma_delimited_list, default: "one,two"}
        conditions:
          same: {equals: [{get_param: words}, [one, two]]}
        resources:
          v: {type: OS::Heat::Value, properties: {value: {list_join: [',', {get_param: words}]}}}
        outputs:
          joined: {value: {get_attr: [v, value]}}
          chosen: {value: {if: [same, 1, 2]}}
          repeat_zip:
            value: {repeat: {for_each: {"%a%": ["1", "2"], "%b%": [x, y]}, template: "%a%%b%", permutations: false}}
          merge: {value: {map_merge: [{a: 1}, {a: 2}]}}
          yaql: {value: {yaql: {expression: "$.data.max()", data: [3, 9, 4]}}}
          digest: {value: {digest: [sha1, abc]}}
        """

    @Test func everyHOTFunctionGivesHeatsResult() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let path = home.write("funcs.yaml", Self.wallaby)
        _ = home.write("data.txt", "file text\n")
        let stack = try await engine.create(StackRequest(name: "fn", templateName: path, template: Self.wallaby))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = Dictionary(uniqueKeysWithValues: try await engine.outputs(of: stack).map { ($0.key, $0) })
        for output in outputs.values { #expect(output.error == nil, "\(output.key): \(output.error ?? "")") }
        let tID = try #require(try await engine.resources(of: stack).first { $0.name == "t" }?.physicalID)

        let expected: [String: Value] = [
            "param_path": "y",
            "param_list": ["one", "two"],
            "resource": .string(tID),
            "attr": "abc",
            "attr_path": 2,
            "attr_all": ["output": "abc"],
            "attr_from_value": "one-two-abc",
            "file": "file text\n",
            "replace": "http://example.com:8080/example.com",
            "replace_strict": "1-True",
            "replace_vstrict": "X Y",
            "replace_longest_first": "21",
            "join_many": "a,b,c",
            "join_json": #"{"a": 1, "k": "v"} [1, 2]  s"#,
            "md5": "5d41402abc4b2a76b9719d911017c592",
            "sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            "sha512": "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            "repeat_product": ["1-x", "1-y", "2-x", "2-y"],
            "repeat_zip": [["k": "1", "v": "x"], ["k": "2", "v": "y"]],
            "merge": ["a": 1, "b": 3, "c": 4],
            "map_replace": ["K1": "v1", "k2": "V2"],
            "conditions": ["y", "n", "b", "e"],
            "two_arg_if": ["b": 2, "c": [4]],
            "inline_conditions": [true, true, false, true],
            "contains": [true, true, false],
            "yaql": 12,
            "yaql_dict": ["ab": 2, "c": 1],
            "filter": [1, 3],
            "url": "https://u%20s:p%40ss@example.com:8080/a%20b/c?q=x+y&path=/p#f%20g",
            "url_ipv6": "http://[::1]/",
            "concat": [1, 2, 2, 3],
            "concat_unique": [1, 2, 3],
            "split": ["a", "b", "", "c"],
            "split_index": "b",
            "conditional": .null,
        ]
        #expect(Set(outputs.keys) == Set(expected.keys))
        for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(outputs[key]?.value == value, "\(key)")
        }
        // The file was kept with the stack (Heat's files map): a reopened engine, which
        // never reads the disk for a stored stack, resolves it too.
        try FileManager.default.removeItem(atPath: home.directory.appendingPathComponent("data.txt").path)
        #expect(try await home.engine().outputs(of: stack).first { $0.key == "file" }?.value == "file text\n")
    }

    /// Maps in outputs keep Heat's key order: a template's and a json parameter's source order,
    /// yaql's insertion order, map_merge's update order; list_join's JSON is sorted. Measured
    /// with heat-oracle's outputs printed without sort_keys.
    @Test func outputMapsKeepHeatsKeyOrder() async throws {
        let text = """
            heat_template_version: 2018-08-31
            parameters:
              js: {type: json, default: {"zeta": 1, "alpha": 2, "mid": {"y": 1, "b": 2}}}
            outputs:
              yaql_dict: {value: {yaql: {expression: "dict(b=>1, a=>2, c=>3)"}}}
              yaql_merge: {value: {yaql: {expression: "$.data.mergeWith({aa => 5, bb => 6})", data: {zz: 1, aa: 2}}}}
              param: {value: {get_param: js}}
              plain: {value: {zz: 1, aa: 2, mm: {get_param: js}}}
              merged: {value: {map_merge: [{zz: 1, aa: 2}, {bb: 1, zz: 3}]}}
              joined: {value: {list_join: [",", [{zz: 1, aa: 2}]]}}
            """
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(StackRequest(name: "order", templateName: "order.yaml", template: text))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        // Read back from the store by a new engine, so the stored JSON keeps the order too.
        let outputs = Dictionary(uniqueKeysWithValues: try await home.engine().outputs(of: stack).map { ($0.key, $0.value) })
        let heat: [String: String] = [
            "yaql_dict": #"{"b": 1, "a": 2, "c": 3}"#,
            "yaql_merge": #"{"zz": 1, "aa": 5, "bb": 6}"#,
            "param": #"{"zeta": 1, "alpha": 2, "mid": {"y": 1, "b": 2}}"#,
            "plain": #"{"zz": 1, "aa": 2, "mm": {"zeta": 1, "alpha": 2, "mid": {"y": 1, "b": 2}}}"#,
            "merged": #"{"zz": 3, "aa": 2, "bb": 1}"#,
            "joined": #""{\"aa\": 2, \"zz\": 1}""#,
        ]
        for (key, json) in heat.sorted(by: { $0.key < $1.key }) {
            #expect(outputs[key]?.jsonText(sortKeys: false) == json, "\(key)")
        }
    }

    @Test func olderVersionGivesHeatsResult() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("old", Self.newton))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = Dictionary(uniqueKeysWithValues: try await engine.outputs(of: stack).map { ($0.key, $0.value) })
        #expect(outputs == [
            "joined": "one,two",
            "chosen": 1,
            // Before 2017-09-01 `permutations` is not a key of repeat: ignored, as Heat does.
            "repeat_zip": ["1x", "1y", "2x", "2y"],
            "merge": ["a": 2],
            "yaql": 9,
            "digest": "a9993e364706816aba3e25717850c26c9cd0d89d",
        ])
        // Two-argument `if` is 2021-04-16 only.
        let twoArg = Self.newton.replacingOccurrences(of: "{if: [same, 1, 2]}", with: "{if: [same, 1]}")
        await #expect(throws: EngineError.self) { try await engine.create(request("old2", twoArg)) }
        // list_concat, make_url and str_replace_vstrict came in later versions.
        for later in ["{list_concat: [[1], [2]]}", "{make_url: {host: h}}", "{str_replace_vstrict: {template: a, params: {a: b}}}"] {
            let text = Self.newton.replacingOccurrences(of: "{if: [same, 1, 2]}", with: later)
            await #expect(throws: EngineError.self, "\(later)") { try await engine.create(request("old3", text)) }
        }
        #expect(try await engine.stacks().map(\.name) == ["old"])
    }
}
