import Foundation
import KilnModel
import Testing
@testable import kiln
import KilnTemplate

/// `kiln template validate PATH...`: folders and many files at once, JSON and SARIF for tools.
@Suite("CLI validate many")
struct ValidateManyCLITests {
    /// A scratch folder: a valid template, one with two errors, one using a provider template
    /// that is itself broken, an environment file (not a template) and a text file.
    struct Tree {
        let root: String

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-many-\(UUID().uuidString)").path
            let files = [
                "good.yaml": "heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {value: 1}}\n",
                "sub/bad.yml": """
                    heat_template_version: 2018-08-31
                    resources:
                      v:
                        type: OS::Heat::Value
                        properties: {valu: 1}
                      w: {type: OS::Heat::Value, properties: {value: {get_param: nope}}}
                    """,
                "sub/parent.yaml": "heat_template_version: 2018-08-31\nresources:\n  n: {type: ../lib/nested.yaml}\n",
                "lib/nested.yaml": "heat_template_version: 2018-08-31\nresources:\n  r: {type: OS::Heat::RandomString, properties: {lenght: 3}}\n",
                "env.yaml": "parameter_defaults:\n  x: 1\n",
                "readme.txt": "heat_template_version: 2018-08-31\n",
            ]
            for (path, text) in files {
                let full = root + "/" + path
                try FileManager.default.createDirectory(
                    atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: full, atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
        var url: URL { URL(fileURLWithPath: root) }
    }

    func run(_ arguments: [String], in tree: Tree) async throws -> CLITests.Run {
        try await CLITests.runKiln(arguments, directory: tree.url)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aFolderPrintsOneLinePerTemplateAndASummary() async throws {
        let tree = try Tree()
        defer { tree.remove() }
        let result = try await run(["template", "validate", "."], in: tree)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ./good.yaml: ok
            ./lib/nested.yaml: 1 error
            ./sub/bad.yml: 3 errors
            ./sub/parent.yaml: ok, 1 warning
            4 files: 2 ok, 2 with errors, 1 warning

            """)
        // Path order; the nested template's problem is its own error and, as Heat's validate
        // does not check a provider template's contents, only a warning for its parent.
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(result.stderr)")
        #expect(lines[0].hasPrefix("./lib/nested.yaml:3:50: error: Property error: resources.r.properties: Unknown Property lenght"))
        #expect(lines[1].hasPrefix("./sub/bad.yml:3:3: error: "))
        #expect(lines[2].hasPrefix("./sub/bad.yml:5:18: error: "))
        #expect(lines[3].hasPrefix("./sub/bad.yml:6:62: error: "))
        #expect(lines[4].hasPrefix("lib/nested.yaml:3:50: warning: Property error: resources.r.properties: Unknown Property lenght"))
    }

    @Test func allValidExitsZero() async throws {
        let tree = try Tree()
        defer { tree.remove() }
        let result = try await run(["template", "validate", "good.yaml", "lib/../good.yaml", "-t", "good.yaml"], in: tree)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "good.yaml: ok\nlib/../good.yaml: ok\n2 files: 2 ok, 0 with errors, 0 warnings\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func jsonListsEveryFileWithItsErrorsAndASummary() async throws {
        let tree = try Tree()
        defer { tree.remove() }
        let result = try await run(["template", "validate", ".", "--format", "json"], in: tree)
        #expect(result.status == 1)
        let document = try json(result.stdout)
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.map { $0["file"] as? String } == ["./good.yaml", "./lib/nested.yaml", "./sub/bad.yml", "./sub/parent.yaml"])
        #expect(files.map { $0["ok"] as? Bool } == [true, false, false, true])
        #expect(files.map { ($0["warnings"] as? [Any])?.count } == [0, 0, 0, 1])
        let bad = try #require(files[2]["errors"] as? [[String: Any]])
        #expect(bad.map { $0["line"] as? Int } == [3, 5, 6])
        #expect(bad.map { $0["column"] as? Int } == [3, 18, 62])
        #expect(bad.allSatisfy { $0["file"] as? String == "./sub/bad.yml" && ($0["message"] as? String)?.isEmpty == false })
        // The parent's warning is in the provider template, and says so.
        #expect((files[3]["errors"] as? [Any])?.isEmpty == true)
        let parent = try #require(files[3]["warnings"] as? [[String: Any]])
        #expect(parent.map { $0["file"] as? String } == ["lib/nested.yaml"])
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == 4)
        #expect(summary["ok"] as? Int == 2)
        #expect(summary["with_errors"] as? Int == 2)
        #expect(summary["errors"] as? Int == 4)
        #expect(summary["warnings"] as? Int == 1)
    }

    @Test func sarifForCodeScanning() async throws {
        let tree = try Tree()
        defer { tree.remove() }
        let result = try await run(["template", "validate", ".", "--format", "sarif"], in: tree)
        #expect(result.status == 1)
        let log = try json(result.stdout)
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.hasSuffix("sarif-schema-2.1.0.json") == true)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "kiln")
        #expect((driver["informationUri"] as? String)?.hasPrefix("https://") == true)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["template-error", "template-warning"])
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        // Four errors and the parent's warning (the provider template's problem, seen from it).
        #expect(results.count == 5)
        #expect(results.map { "\($0["ruleId"] as? String ?? "?")/\($0["level"] as? String ?? "?")" }
            == Array(repeating: "template-error/error", count: 4) + ["template-warning/warning"])
        #expect(results.allSatisfy { (($0["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false })
        let places = results.map { result -> String in
            let location = (result["locations"] as? [[String: Any]])?.first
            let physical = location?["physicalLocation"] as? [String: Any]
            let uri = (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String ?? "?"
            let region = physical?["region"] as? [String: Any]
            return "\(uri):\(region?["startLine"] as? Int ?? 0):\(region?["startColumn"] as? Int ?? 0)"
        }
        #expect(places == ["lib/nested.yaml:3:50", "sub/bad.yml:3:3", "sub/bad.yml:5:18", "sub/bad.yml:6:62", "lib/nested.yaml:3:50"])
    }

    @Test func oneTemplateKeepsHeatsBody() async throws {
        let tree = try Tree()
        defer { tree.remove() }
        let body = try await run(["template", "validate", "good.yaml", "--format", "json"], in: tree)
        #expect(body.status == 0)
        #expect(try json(body.stdout)["Parameters"] != nil)
        let errors = try await run(["template", "validate", "sub/bad.yml", "--format", "json"], in: tree)
        #expect(errors.status == 1)
        #expect((try json(errors.stdout)["errors"] as? [Any])?.count == 3)
        // A folder holding one template is still a folder: the files document.
        let folder = try await run(["template", "validate", "lib", "--format", "json"], in: tree)
        #expect((try json(folder.stdout)["files"] as? [Any])?.count == 1)
    }

    @Test func usageErrors() async throws {
        let tree = try Tree()
        defer { tree.remove() }
        let none = try await run(["template", "validate"], in: tree)
        #expect(none.status == 2)
        #expect(none.stderr.contains("Missing a template"))
        let missing = try await run(["template", "validate", ".", "no/such"], in: tree)
        #expect(missing.status == 2)
        #expect(missing.stderr == "kiln: cannot read no/such: No such file or directory\n")
        let environment = try await run(["template", "validate", ".", "-e", "gone.yaml"], in: tree)
        #expect(environment.status == 2)
        #expect(environment.stderr == "kiln: cannot read gone.yaml: No such file or directory\n")
    }

    // MARK: Warnings (rendered here from the validator's Diagnostic values)

    static let warned = FileVerdict(file: "w.yaml", diagnostics: [
        Diagnostic(.warning, at: SourceLocation(file: "w.yaml", line: 4, column: 7), "parameter 'x' is never used"),
    ], report: nil)

    @Test func warningsAreCountedAndPrintedButPass() {
        #expect(ValidateOutput.diagnosticLines([Self.warned]) == "w.yaml:4:7: warning: parameter 'x' is never used\n")
        #expect(ValidateOutput.lines([Self.warned]) == "w.yaml: ok, 1 warning\n1 file: 1 ok, 0 with errors, 1 warning\n")
        let document = ValidateOutput.filesJSON([Self.warned])
        let file = document.mapValue?["files"]?.listValue?.first?.mapValue
        #expect(file?["ok"] == .bool(true))
        #expect(file?["errors"] == .list([]))
        #expect(file?["warnings"]?.listValue?.first?.mapValue?["line"] == .int(4))
        #expect(document.mapValue?["summary"]?.mapValue?["warnings"] == .int(1))
    }

    @Test func sarifWarningLevelAndStrictness() {
        let result = SARIFOutput.log(Self.warned.diagnostics).mapValue?["runs"]?.listValue?.first?
            .mapValue?["results"]?.listValue?.first?.mapValue
        #expect(result?["ruleId"] == .string("template-warning"))
        #expect(result?["ruleIndex"] == .int(1))
        #expect(result?["level"] == .string("warning"))
        let strict = SARIFOutput.log(BatchValidation.promotingWarnings(Self.warned.diagnostics)).mapValue?["runs"]?
            .listValue?.first?.mapValue?["results"]?.listValue?.first?.mapValue
        #expect(strict?["level"] == .string("error"))
    }

    @Test func sarifURIs() {
        #expect(SARIFOutput.uri("./a/b c.yaml") == "a/b%20c.yaml")
        #expect(SARIFOutput.uri("/abs/x#1.yaml") == "file:///abs/x%231.yaml")
        #expect(SARIFOutput.uri("https://example.com/t.yaml") == "https://example.com/t.yaml")
    }
}
