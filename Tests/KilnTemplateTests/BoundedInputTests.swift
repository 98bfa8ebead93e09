import Foundation
import Testing
@testable import KilnTemplate
import KilnModel

/// Input that used to exhaust or hang the process before any template rule applied: files
/// that never end or never open, YAML aliases nesting past the depth limit, JSON escapes
/// whose arithmetic trapped.
@Suite struct BoundedInputTests {
    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bounded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private func reason(_ result: Result<[UInt8], FileReadFailure>) -> FileReadFailure.Reason? {
        if case .failure(let failure) = result { return failure.reason }
        return nil
    }

    @Test func devicesAreRefusedWithoutReading() {
        #expect(reason(BoundedFile.read("/dev/zero")) == .notRegular("a character device"))
        #expect(reason(BoundedFile.read("/dev/urandom", limit: 10)) == .notRegular("a character device"))
        if case .failure(let failure) = BoundedFile.read("/dev/zero") {
            #expect(failure.description == "cannot read /dev/zero: it is a character device, not a regular file")
        }
    }

    @Test func aFIFOWithNoWriterIsRefusedAtOnce() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opening it to read would wait for a writer forever; it is refused instead.
        #expect(reason(BoundedFile.read(fifo)) == .notRegular("a FIFO or pipe"))
    }

    @Test func regularFilesAreReadUpToTheLimit() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.yaml").path
        try String(repeating: "a", count: 1000).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try BoundedFile.read(path, limit: 1000).get().count == 1000)
        #expect(reason(BoundedFile.read(path, limit: 999)) == .tooLarge(limit: 999, size: 1000))
        #expect(reason(BoundedFile.read(directory.path)) == .system(EISDIR))
        #expect(reason(BoundedFile.read(directory.appendingPathComponent("gone").path)) == .system(ENOENT))
        // What get_file and provider templates read goes through the same rule.
        #expect(ValidationRequest.readFromDisk("/dev/zero") == nil)
        #expect(ValidationRequest.readFromDisk("file://" + path)?.count == 1000)
    }

    @Test func getFileOfADeviceIsNotRead() {
        let request = ValidationRequest(templateName: "t.yaml", template: Array("""
            heat_template_version: 2018-08-31
            resources:
              r: {type: OS::Heat::Value, properties: {value: {get_file: /dev/zero}}}
            """.utf8))
        let report = TemplateValidator(catalog: testCatalog).validate(request)
        #expect(report.errorLines == [
            "3:61 Could not fetch contents for /dev/zero (expected a key of the files map or a readable path)",
        ])
    }

    @Test func aliasesCannotNestPastTheDepthLimit() throws {
        // Each alias wraps the previous one: 150 levels from 150 short lines.
        var text = "a0: &a0 [1]\n"
        for i in 1..<150 { text += "a\(i): &a\(i) [*a\(i - 1)]\n" }
        var found: [Diagnostic] = []
        do { _ = try YAMLReader().read(text, file: "t.yaml") } catch { found = error.diagnostics }
        #expect(found.map(\.description) == ["t.yaml:100:12: error: input is nested too deeply (expected at most 100 levels)"])
        // Within the limit, aliases still work.
        let node = try YAMLReader().read("a: &a [[1]]\nb: [*a, *a]\n", file: "t.yaml")
        #expect(node["b"]?.value == [[[1]], [[1]]])
    }

    @Test func sexagesimalIntegersPastIntsRangeAreStrings() throws {
        // YAML 1.1's `1:30` is 90; a long one overflowed `total * 60` and trapped.
        let node = try YAMLReader().read("a: 1:30\nb: 999999999999999999:59:59\nc: -153722867280912930:7\n", file: "t.yaml")
        #expect(node["a"]?.value == 90)
        #expect(node["b"]?.value == "999999999999999999:59:59")
        #expect(node["c"]?.value == .int(-9223372036854775807))
    }

    @Test func aHighSurrogateFollowedByAnythingElse() throws {
        // "\ud800\u0041" made `low - 0xDC00` underflow.
        #expect(try Value.parseJSON(#""\ud800\u0041""#) == "\u{FFFD}A")
        #expect(try Value.parseJSON(#""\ud83d\ude00""#) == "😀")
        #expect(try Value.parseJSON(#"["\udbff\udfff", "\ud800"]"#) == ["\u{10FFFF}", "\u{FFFD}"])
    }
}
