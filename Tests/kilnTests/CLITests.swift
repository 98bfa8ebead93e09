import Foundation
import KilnModel
import Testing

/// End-to-end tests of the `kiln` executable: arguments in, exit status and text out.
@Suite("CLI")
struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `kiln`: next to the test runner, else in the package's debug build.
    static let kiln: URL = {
        let runnerDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            runnerDirectory.appendingPathComponent("kiln"),
            runnerDirectory.deletingLastPathComponent().appendingPathComponent("kiln"),
            packageRoot.appendingPathComponent(".build/debug/kiln"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }()

    func run(_ arguments: [String]) async throws -> Run {
        try await Self.runKiln(arguments, directory: Self.packageRoot)
    }

    /// Runs the built `kiln` to its end, standard input empty, in `directory` (default: a
    /// scratch directory of its own) with `environment` (default: this process's).
    static func runKiln(_ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil) async throws -> Run {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = kiln
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = directory ?? scratch
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        await process.exited()
        return Run(
            status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// Writes a template to a temporary file and returns its path.
    func temporaryTemplate(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let broken = """
        heat_template_version: 2018-08-31
        resources:
          greeting:
            type: OS::Heat::Value
            properties:
              value: {get_param: missing}
          password:
            type: OS::Heat::RandomString
            properties:
              lenght: 3
        """

    // MARK: Validation (needs the validator)

    @Test func validatesTheExample() async throws {
        let result = try await run(["template", "validate", "-t", "examples/hello.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Description: Hello from Kiln"))
        #expect(result.stdout.contains("Type: String"))
        #expect(result.stderr.isEmpty)
    }

    @Test func validateTableAndJSONFormats() async throws {
        let table = try await run(["template", "validate", "-t", "examples/hello.yaml", "--format", "table"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("Description: Hello from Kiln"))
        #expect(table.stdout.contains("name  String  world"))
        let json = try await run(["template", "validate", "-t", "examples/hello.yaml", "--format", "json"])
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"Description\": \"Hello from Kiln"))
    }

    @Test func reportsEveryErrorWithItsLocation() async throws {
        let path = try temporaryTemplate(Self.broken)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await run(["template", "validate", "-t", path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count >= 2)
        #expect(lines.allSatisfy { $0.hasPrefix("\(path):") && $0.contains(": error: ") })
        #expect(lines.contains { $0.hasPrefix("\(path):6:") && $0.contains("missing") })
        #expect(lines.contains { $0.hasPrefix("\(path):10:7: error:") && $0.contains("lenght") })
        #expect(result.stdout.isEmpty)
    }

    @Test func jsonErrorsGoToStandardOutput() async throws {
        let path = try temporaryTemplate(Self.broken)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await run(["template", "validate", "-t", path, "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\"errors\": ["))
        #expect(result.stdout.contains("\"line\": 10"))
        #expect(result.stdout.contains("\"file\": \"\(path)\""))
    }

    @Test func graphReportsACycleNamingEveryResource() async throws {
        let path = try temporaryTemplate("""
            heat_template_version: 2018-08-31
            resources:
              a: {type: OS::Heat::Value, properties: {value: {get_attr: [c, value]}}}
              b: {type: OS::Heat::Value, properties: {value: {get_attr: [a, value]}}}
              c: {type: OS::Heat::Value, properties: {value: {get_attr: [b, value]}}}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await run(["template", "graph", "-t", path])
        #expect(result.status == 1)
        let cycle = result.stderr.split(separator: "\n").first { $0.contains("error:") } ?? ""
        #expect(["a", "b", "c"].allSatisfy { cycle.contains($0) }, "\(result.stderr)")
    }

    @Test func graphOfTheExample() async throws {
        let text = try await run(["template", "graph", "-t", "examples/hello.yaml", "--format", "text"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("greeting -> password"))
        let dot = try await run(["template", "graph", "-t", "examples/hello.yaml"])
        #expect(dot.stdout.contains("digraph"))
    }

    // MARK: Usage errors (exit 2)

    @Test func missingTemplateIsAUsageError() async throws {
        let result = try await run(["template", "validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Missing a template: give -t FILE or one or more PATHs"))
    }

    @Test func unknownOptionAndBadFormatAreUsageErrors() async throws {
        let unknown = try await run(["template", "validate", "-t", "examples/hello.yaml", "--frobnicate"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("Unknown option '--frobnicate'"))
        let format = try await run(["template", "validate", "-t", "examples/hello.yaml", "--format", "xml"])
        #expect(format.status == 2)
        #expect(format.stderr.contains("The value 'xml' is invalid for '--format <format>'"))
    }

    @Test func parameterWithoutEqualsIsAUsageError() async throws {
        let result = try await run(["template", "validate", "-t", "examples/hello.yaml", "--parameter", "name"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--parameter 'name' is not KEY=VALUE"))
    }

    @Test func unreadableFileIsAUsageError() async throws {
        let missing = try await run(["template", "validate", "-t", "no/such/file.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "kiln: cannot read no/such/file.yaml: No such file or directory\n")
        let directory = try await run(["template", "validate", "-t", "examples/hello.yaml", "-e", "examples"])
        #expect(directory.status == 2)
        #expect(directory.stderr == "kiln: cannot read examples: Is a directory\n")
    }

    // MARK: Versions and functions

    @Test func versionsListEveryVersionWithAliases() async throws {
        let result = try await run(["template", "versions"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").contains {
            $0.hasPrefix("heat_template_version.2021-04-16") && $0.hasSuffix("hot   wallaby")
        })
        #expect(result.stdout.contains("AWSTemplateFormatVersion.2010-09-09   cfn"))
        let json = try await run(["template", "versions", "--format", "json"])
        #expect(json.stdout.contains("\"version\": \"heat_template_version.2021-04-16\""))
    }

    @Test func functionsOfAVersion() async throws {
        let result = try await run(["template", "functions", "--version", "2016-10-14"])
        #expect(result.status == 0)
        let names = result.stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(names.contains("yaql"))
        #expect(names.contains("map_replace"))
        #expect(!names.contains("list_concat"))
        #expect(!names.contains("Fn::Select"))
        let byAlias = try await run(["template", "functions", "--version", "pike", "--format", "json"])
        #expect(byAlias.stdout.contains("\"functions\": \"list_concat\""))
        let cfn = try await run(["template", "functions", "--version", "2010-09-09", "--format", "yaml"])
        #expect(cfn.stdout.contains("functions: Fn::FindInMap"))
    }

    @Test func unknownVersionListsTheValidOnes() async throws {
        let result = try await run(["template", "functions", "--version", "juno"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown template version 'juno'; valid versions: 2010-09-09, 2012-12-12"))
        #expect(result.stderr.contains("2021-04-16, wallaby"))
    }

    @Test func printsItsVersion() async throws {
        let result = try await run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "kiln 0.1.0\n")
    }
}
