import Foundation
import KilnClient
import KilnModel
import Testing

/// The files map a create sends, from real files: `get_file` targets and provider templates
/// relative to the file naming them, environments by absolute path with their registry's templates.
@Suite struct TemplateFilesTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(root)/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/envs", withIntermediateDirectories: true)
    }

    func write(_ path: String, _ text: String) throws -> String {
        try text.write(toFile: "\(root)/\(path)", atomically: true, encoding: .utf8)
        return "\(root)/\(path)"
    }

    @Test func collectsWhatTheTemplateAndEnvironmentName() throws {
        _ = try write("data.txt", "top\n")
        _ = try write("sub/inner.txt", "inner\n")
        _ = try write("sub/nested.yaml", """
            heat_template_version: 2018-08-31
            resources:
              v: {type: OS::Heat::Value, properties: {value: {get_file: inner.txt}}}
            """)
        _ = try write("envs/thing.yaml", "heat_template_version: 2018-08-31\n")
        let template = """
            heat_template_version: 2018-08-31
            resources:
              a: {type: OS::Heat::Value, properties: {value: {get_file: data.txt}}}
              b: {type: sub/nested.yaml}
              c: {type: My::Thing}
            """
        let templatePath = try write("main.yaml", template)
        let environment = "resource_registry:\n  My::Thing: thing.yaml\n"
        let environmentPath = try write("envs/env.yaml", environment)
        let files = try TemplateFiles(
            templatePath: templatePath, template: template, environments: [(path: environmentPath, text: environment)])
        #expect(files.files["data.txt"] == "top\n")
        #expect(files.files["sub/nested.yaml"]?.contains("get_file: inner.txt") == true)
        #expect(files.files["sub/inner.txt"] == "inner\n")
        #expect(files.files["\(root)/envs/thing.yaml"] == "heat_template_version: 2018-08-31\n")
        #expect(files.files["\(root)/envs/env.yaml"] == environment)
        #expect(files.environmentFiles == ["\(root)/envs/env.yaml"])
    }

    @Test func aMissingFileNamesTheTemplateAndTheReference() throws {
        let template = "heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::Value, properties: {value: {get_file: gone.txt}}}\n"
        let path = try write("main.yaml", template)
        #expect(throws: KilnClientError.configuration("\(path): cannot read 'gone.txt' (\(root)/gone.txt)")) {
            try TemplateFiles(templatePath: path, template: template, environments: [])
        }
    }
}
