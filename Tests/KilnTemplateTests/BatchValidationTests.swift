import Foundation
import KilnModel
import Testing
@testable import KilnTemplate

/// Multi-file validation: which files a folder holds, each file's own verdict, files shared.
@Suite("Batch validation")
struct BatchValidationTests {
    /// A scratch folder of files (relative path → text), removed by `remove()`.
    struct Tree {
        let root: String

        init(_ files: [String: String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-batch-\(UUID().uuidString)").path
            for (path, text) in files {
                let full = root + "/" + path
                try FileManager.default.createDirectory(
                    atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: full, atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    static let good = "heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {value: 1}}\n"

    @Test func hotDetectionLooksForTheTopLevelKey() {
        #expect(TemplateDiscovery.isHOT(Array("heat_template_version: 2018-08-31\n".utf8)))
        #expect(TemplateDiscovery.isHOT(Array("# a comment\ndescription: x\nheat_template_version : rocky\n".utf8)))
        #expect(TemplateDiscovery.isHOT(Array("\"heat_template_version\": 2018-08-31\n".utf8)))
        #expect(TemplateDiscovery.isHOT(Array("\u{FEFF}heat_template_version: 2018-08-31\n".utf8)))
        // Not at the top level, or not the key itself.
        #expect(!TemplateDiscovery.isHOT(Array("parameters:\n  heat_template_version: 1\n".utf8)))
        #expect(!TemplateDiscovery.isHOT(Array("heat_template_versions: 1\n".utf8)))
        #expect(!TemplateDiscovery.isHOT(Array("resource_registry:\n  A: b.yaml\n".utf8)))
        #expect(!TemplateDiscovery.isHOT(Array("heat_template_version".utf8)))
    }

    @Test func foldersAreSearchedForTemplatesOnly() throws {
        let tree = try Tree([
            "b.yaml": Self.good,
            "a/deep/c.yml": Self.good,
            "a/env.yaml": "parameter_defaults:\n  x: 1\n",
            "a/notes.txt": Self.good,
            ".git/d.yaml": Self.good,
            "a/.hidden.yaml": Self.good,
        ])
        defer { tree.remove() }
        let found = try TemplateDiscovery.templates(in: [tree.root])
        #expect(found == [tree.root + "/a/deep/c.yml", tree.root + "/b.yaml"])
        // A file named on its own is taken whatever it holds; repeats are dropped; path order.
        let named = try TemplateDiscovery.templates(in: [tree.root + "/a/env.yaml", tree.root + "/a", tree.root + "/a/deep/c.yml"])
        #expect(named == [tree.root + "/a/deep/c.yml", tree.root + "/a/env.yaml"])
    }

    @Test func aLinkBackUpTheTreeIsSearchedOnce() throws {
        let tree = try Tree(["x/t.yaml": Self.good])
        defer { tree.remove() }
        try FileManager.default.createSymbolicLink(atPath: tree.root + "/x/loop", withDestinationPath: tree.root + "/x")
        let found = try TemplateDiscovery.templates(in: [tree.root])
        #expect(found == [tree.root + "/x/t.yaml"])
    }

    @Test func aMissingPathIsNamed() {
        #expect(throws: TemplateDiscovery.Failure.self) { try TemplateDiscovery.templates(in: ["/no/such/dir"]) }
        do {
            _ = try TemplateDiscovery.templates(in: ["/no/such/dir"])
        } catch {
            #expect(error.description == "cannot read /no/such/dir: No such file or directory")
        }
    }

    @Test func eachFileHasItsOwnVerdictAndSharedProvidersAreReadOnce() throws {
        let tree = try Tree([
            "ok.yaml": Self.good,
            "bad.yaml": "heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {valu: 1}}\n",
            "p1.yaml": "heat_template_version: 2018-08-31\nresources:\n  s: {type: ./nested/server.yaml, properties: {size: 1}}\n",
            "p2.yaml": "heat_template_version: 2018-08-31\nresources:\n  s: {type: ./nested/server.yaml}\n",
            "nested/server.yaml": """
                heat_template_version: 2018-08-31
                parameters:
                  size: {type: number}
                resources:
                  v: {type: OS::Heat::Value, properties: {value: {get_file: script.sh}}}
                """,
            "nested/script.sh": "echo hi\n",
        ])
        defer { tree.remove() }
        let files = try TemplateDiscovery.templates(in: [tree.root])
        let cache = FileCache()
        let verdicts = BatchValidation(validator: TemplateValidator(catalog: testCatalog)).validate(files, cache: cache)
        #expect(verdicts.map(\.file) == files)
        let byName = Dictionary(uniqueKeysWithValues: verdicts.map { (($0.file as NSString).lastPathComponent, $0) })
        #expect(byName["ok.yaml"]?.diagnostics.isEmpty == true)
        #expect(byName["p1.yaml"]?.diagnostics.isEmpty == true)
        #expect(byName["server.yaml"]?.diagnostics.isEmpty == true)
        // Both at the resource's line: `value` missing, `valu` unknown.
        #expect(byName["bad.yaml"]?.errors.map(\.location.line) == [3, 3])
        // Heat's validate does not require a nested parameter without a default: a warning.
        #expect(byName["p2.yaml"]?.errors.isEmpty == true)
        #expect(byName["p2.yaml"]?.warnings.map(\.message) == [
            "resource 's' is missing property 'size' required by provider template './nested/server.yaml'"])
        // server.yaml and script.sh, each read once although named by three templates.
        #expect(cache.count == 2)
    }

    @Test func anUnreadableOrTooLargeFileIsAnErrorOfItsOwn() throws {
        let big = Self.good + "# " + String(repeating: "x", count: 200) + "\n"
        let tree = try Tree(["big.yaml": big])
        defer { tree.remove() }
        let batch = BatchValidation(validator: TemplateValidator(catalog: testCatalog), limits: ReaderLimits(maxBytes: 100))
        let verdicts = batch.validate([tree.root + "/big.yaml", tree.root + "/gone.yaml"])
        #expect(verdicts.map { $0.errors.map(\.description) } == [
            ["\(tree.root)/big.yaml:1:1: error: file is too large (expected at most 100 bytes, found \(big.utf8.count) bytes)"],
            ["\(tree.root)/gone.yaml:1:1: error: cannot read the file: No such file or directory"],
        ])
    }

    @Test func strictMakesWarningsErrors() {
        let at = SourceLocation(file: "t.yaml", line: 2, column: 3)
        let promoted = BatchValidation.promotingWarnings([
            Diagnostic(.warning, at: at, "unused parameter"), .error(at: at, "broken"),
        ])
        #expect(promoted.map(\.description) == ["t.yaml:2:3: error: unused parameter", "t.yaml:2:3: error: broken"])
    }
}
