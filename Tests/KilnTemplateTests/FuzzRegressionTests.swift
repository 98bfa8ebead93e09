import Foundation
import KilnTemplate
import Testing

/// Every input the fuzzers (scripts/fuzz.sh) found crashing, hanging or blowing up memory,
/// kept in FuzzRegressions/TARGET/ and replayed through the fuzz targets' own code
/// (`FuzzInputs`): each must now return. A file's name says what it found.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    static func inputs(_ target: String) throws -> [URL] {
        let directory = root.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test(arguments: ["template", "environment", "json"])
    func corpusReplaysWithoutCrashing(target: String) throws {
        let inputs = try Self.inputs(target)
        for input in inputs {
            let bytes = Array(try Data(contentsOf: input))
            let started = ContinuousClock.now
            switch target {
            case "template": FuzzInputs.template(bytes)
            case "environment": FuzzInputs.environment(bytes)
            default: FuzzInputs.json(bytes)
            }
            // A hang found by the fuzzer (its limit was 10 s) must now be quick.
            #expect(started.duration(to: .now) < .seconds(5), "\(target)/\(input.lastPathComponent)")
        }
    }
}
