import Foundation
import KilnClient
import Testing
import KilnModel

/// Client mode reads the files a template names by the same rule as the embedded engine:
/// regular files within a limit, and a provider template that names itself is read once.
@Suite struct TemplateFilesLimitsTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-limits-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: "\(root)/\(name)", atomically: true, encoding: .utf8)
        return "\(root)/\(name)"
    }

    @Test func aDeviceIsRefusedNamingWhyItCannotBeRead() throws {
        let template = "heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::Value, properties: {value: {get_file: /dev/zero}}}\n"
        let path = try write("main.yaml", template)
        #expect(throws: KilnClientError.configuration(
            "\(path): cannot read '/dev/zero' (/dev/zero): it is a character device, not a regular file")) {
            try TemplateFiles(templatePath: path, template: template, environments: [])
        }
    }

    @Test func aProviderTemplateNamingItselfIsReadOnce() throws {
        // `./a.yaml` from `./a.yaml` used to be `././a.yaml`, a new name at every level.
        let template = "heat_template_version: 2018-08-31\nresources:\n  r: {type: ./a.yaml}\n"
        let path = try write("a.yaml", template)
        let files = try TemplateFiles(templatePath: path, template: template, environments: [])
        #expect(files.files == ["a.yaml": template])
    }
}
