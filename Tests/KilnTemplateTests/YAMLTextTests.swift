import KilnModel
import Testing
@testable import KilnTemplate

@Suite("YAMLText")
struct YAMLTextTests {
    @Test func blockStyleWithSortedKeysAndUnindentedSequences() {
        let value: Value = [
            "Parameters": ["name": ["Type": "String", "Default": "x"]],
            "Description": "A template",
            "ParameterGroups": [["label": "g", "parameters": ["a", "b"]]],
            "Empty": [:],
            "None": [],
        ]
        #expect(value.yamlText() == """
            Description: A template
            Empty: {}
            None: []
            ParameterGroups:
            - label: g
              parameters:
              - a
              - b
            Parameters:
              name:
                Default: x
                Type: String

            """)
    }

    @Test func scalarsKeepTheirTypes() {
        let value: Value = ["b": true, "i": 42, "d": 1.5, "n": nil, "big": 1e20, "whole": 2.0]
        #expect(value.yamlText() == """
            b: true
            big: 1.0e+20
            d: 1.5
            i: 42
            'n': null
            whole: 2.0

            """)
    }

    @Test func stringsThatWouldReadAsSomethingElseAreQuoted() {
        #expect(YAMLEmitter.scalarText("plain text") == "plain text")
        #expect(YAMLEmitter.scalarText("yes") == "'yes'")
        #expect(YAMLEmitter.scalarText("null") == "'null'")
        #expect(YAMLEmitter.scalarText("2018-08-31") == "'2018-08-31'")
        #expect(YAMLEmitter.scalarText("12") == "'12'")
        #expect(YAMLEmitter.scalarText("") == "''")
        #expect(YAMLEmitter.scalarText("a: b") == "'a: b'")
        #expect(YAMLEmitter.scalarText("- x") == "'- x'")
        #expect(YAMLEmitter.scalarText("it's") == "it's")
        #expect(YAMLEmitter.scalarText("'q'") == "'''q'''")
        #expect(YAMLEmitter.scalarText("tab\there") == "\"tab\\there\"")
        #expect(YAMLEmitter.scalarText("bell\u{07}") == "\"bell\\x07\"")
    }

    @Test func multiLineStringsBecomeLiteralBlocks() {
        let value: Value = ["script": "#!/bin/sh\necho hi\n", "two": "a\nb", "items": ["x\ny\n\n"]]
        #expect(value.yamlText() == """
            items:
            - |+
              x
              y

            script: |
              #!/bin/sh
              echo hi
            two: |-
              a
              b

            """)
    }

    @Test func everyRenderingReadsBackAsTheSameValue() throws {
        let tricky: [Value] = [
            "yes", "No", "~", "0x1F", "1_000", "1:20", ".inf", "-5", "+5", "3 apples", "a # b", "x:", "#c",
            "@at", "`tick`", "%p", "&a", "*b", "!t", "|", ">", "[1]", "{a}", "a,b", " lead", "trail ",
            "line\nbreak", " indented\nblock", "cr\r\n", "ünïcode ✓", "\u{85}next", "2018-08-31", "1e3",
            "quote\"d", "back\\slash", "", 1.25, -3, true, nil, [], [:], ["nested": [["deep": ["a", 1]]]],
        ]
        let value = Value.map(Dictionary(uniqueKeysWithValues: tricky.enumerated().map { ("k\($0.offset)", $0.element) }))
        let node = try YAMLReader().read(value.yamlText(), file: "t.yaml")
        #expect(node.value == value)
        let list = Value.list(tricky)
        #expect(try YAMLReader().read(list.yamlText(), file: "t.yaml").value == list)
        for item in tricky {
            #expect(try YAMLReader().read(item.yamlText(), file: "t.yaml").value == item, "\(item)")
        }
    }

    @Test func keysAreQuotedLikeStrings() {
        let value: Value = ["true": 1, "a b": 2, "c:": 3]
        #expect(value.yamlText() == "a b: 2\n'c:': 3\n'true': 1\n")
    }
}
