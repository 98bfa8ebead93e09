import Foundation
import KilnTemplate
import Testing

/// Every input the fuzzers (scripts/fuzz.sh) found crashing, hanging or blowing up memory,
/// kept in FuzzRegressions/TARGET/, and the fuzzers' seed corpus (fuzz/seeds/TARGET/), replayed
/// through the fuzz targets' own code (`FuzzInputs`): each must return. A regression file's
/// name says what it found.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz/seeds")

    static func inputs(_ target: String) throws -> [URL] {
        try [root, seeds].flatMap { base in
            try FileManager.default.contentsOfDirectory(at: base.appendingPathComponent(target), includingPropertiesForKeys: nil)
                .filter { !$0.lastPathComponent.hasPrefix(".") }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
    }

    @Test(arguments: ["template", "environment", "json"])
    func corpusReplaysWithoutCrashing(target: String) throws {
        let inputs = try Self.inputs(target)
        // The seeds are there (a replay of nothing would pass whatever the readers do).
        #expect(inputs.count >= 40, "\(target): \(inputs.count) inputs")
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
