import Testing
@testable import KilnTemplate

@Suite("YAMLReader")
struct YAMLReaderTests {
    func read(_ text: String, limits: ReaderLimits = .default) throws -> Node {
        try YAMLReader(limits: limits).read(text, file: "t.yaml")
    }

    func errors(_ text: String, limits: ReaderLimits = .default) -> [Diagnostic] {
        do {
            _ = try YAMLReader(limits: limits).read(text, file: "t.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func keepsLocationsOfEveryNode() throws {
        let node = try read("a: 1\nb:\n  - x\n  - {c: d}\n")
        let b = try #require(node["b"])
        #expect(b.location.line == 3 && b.location.column == 3)
        let items = try #require(b.sequence)
        #expect(items[1].location.description == "t.yaml:4:5")
        let entry = try #require(node.mapping?.first)
        #expect(entry.keyLocation.description == "t.yaml:1:1")
        #expect(entry.value.location.description == "t.yaml:1:4")
    }

    @Test func resolvesScalarsLikeHeatsLoader() throws {
        let node = try read("""
            version: 2018-08-31
            yes_: yes
            off_: off
            int: 42
            hex: 0x1F
            octal: 017
            float: 1.5
            exp: 1.0e+3
            null_: ~
            empty:
            quoted: '42'
            text: hello
            inf: .inf
            neg: -7
            """)
        #expect(node["version"]?.scalar == .string("2018-08-31"))
        #expect(node["yes_"]?.scalar == .bool(true))
        #expect(node["off_"]?.scalar == .bool(false))
        #expect(node["int"]?.scalar == .int(42))
        #expect(node["hex"]?.scalar == .int(31))
        #expect(node["octal"]?.scalar == .int(15))
        #expect(node["float"]?.scalar == .double(1.5))
        #expect(node["exp"]?.scalar == .double(1000))
        #expect(node["null_"]?.scalar == .null)
        #expect(node["empty"]?.scalar == .null)
        #expect(node["quoted"]?.scalar == .string("42"))
        #expect(node["text"]?.scalar == .string("hello"))
        #expect(node["inf"]?.scalar == .double(.infinity))
        #expect(node["neg"]?.scalar == .int(-7))
    }

    @Test func readsJSONDocuments() throws {
        let node = try read(#"{"heat_template_version": "2021-04-16", "resources": {"a": {"type": "OS::Heat::None"}}}"#)
        #expect(node["resources"]?["a"]?["type"]?.string == "OS::Heat::None")
    }

    @Test func mergeKeysAndAliases() throws {
        let node = try read("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\ncopy: *b\n")
        #expect(node["derived"]?["x"]?.scalar == .int(1))
        #expect(node["derived"]?["y"]?.scalar == .int(3))
        #expect(node["copy"]?["y"]?.scalar == .int(2))
    }

    @Test func malformedYAMLIsLocated() {
        let found = errors("a: [1, 2\nb: 3\n")
        #expect(found.count == 1)
        #expect(found[0].message.contains("invalid YAML"))
        #expect(found[0].location.file == "t.yaml")
        #expect(found[0].location.line == 2)
    }

    @Test func tabsForIndentation() {
        let found = errors("a:\n\tb: 1\n")
        #expect(found.count == 1)
        #expect(found[0].message == "tab character used for indentation")
        #expect(found[0].location.line == 2 && found[0].location.column == 1)
    }

    @Test func duplicateKeysAreAllReported() {
        let found = errors("a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\n")
        #expect(found.map(\.location.description) == ["t.yaml:3:1", "t.yaml:6:3"])
        #expect(found.allSatisfy { $0.message.hasPrefix("duplicate key") })
        #expect(found[0].message == "duplicate key 'a' in mapping")
    }

    @Test func nonUTF8Input() {
        let bytes: [UInt8] = Array("a: ok\nb: ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        do {
            _ = try YAMLReader().read(bytes, file: "bad.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].description == "bad.yaml:2:4: error: file is not valid UTF-8 (expected UTF-8 text, found byte 0xC3)")
        }
    }

    @Test func sizeLimit() {
        let found = errors(String(repeating: "# padding\n", count: 20), limits: ReaderLimits(maxBytes: 100))
        #expect(found.count == 1)
        #expect(found[0].text == "file is too large (expected at most 100 bytes, found 200 bytes)")
        #expect(found[0].location.description == "t.yaml:1:1")
    }

    @Test func depthLimit() {
        let deep = String(repeating: "[", count: 150) + String(repeating: "]", count: 150)
        let found = errors(deep)
        #expect(found.count == 1)
        #expect(found[0].message == "input is nested too deeply")
        #expect(found[0].location.description == "t.yaml:1:101")
    }

    @Test func aliasBombIsStopped() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
            text += "a\(i): &a\(i) [\(refs)]\n"
        }
        let found = errors(text)
        #expect(found.count == 1)
        #expect(found[0].message == "document expands to too many nodes (YAML alias expansion)")
    }

    @Test func severalDocumentsAndUnknownTags() {
        #expect(errors("a: 1\n---\nb: 2\n").first?.message == "more than one YAML document")
        let tagged = errors("a: !Ref foo\n")
        #expect(tagged.first?.message == "unsupported YAML tag '!Ref'")
        #expect(tagged.first?.location.description == "t.yaml:1:4")
    }

    @Test func unknownAlias() {
        // libyaml itself accepts the event; the reader must reject it with a location.
        let found = errors("a: *nothing\n")
        #expect(found.first?.message == "unknown YAML alias '*nothing'")
    }

    @Test func nonScalarKey() {
        let found = errors("? [a, b]\n: 1\n")
        #expect(found.first?.message == "mapping key must be a scalar")
    }
}
