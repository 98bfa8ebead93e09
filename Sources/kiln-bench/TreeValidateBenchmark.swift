import Foundation
import KilnModel
import KilnTemplate

/// `kiln-bench validate --tree DIR [--runs N]`: finds and validates every template under DIR
/// exactly as `kiln template validate DIR` does (discovery, then every file on every core with
/// one shared file cache per run), best of N runs.
func treeValidateBenchmark(tree: String, given: [String: String]) -> Int32 {
    guard let runs = Int(given["--runs"] ?? "5"), runs > 0 else { fail("--runs takes a positive number") }
    let format = given["--format"] ?? "text"
    guard format == "text" || format == "json" else { fail("--format is text or json") }

    let batch = BatchValidation(validator: TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints()))
    var files: [String] = []
    var verdicts: [FileVerdict] = []
    var cachedFiles = 0
    var discoverSeconds = Double.infinity
    var validateSeconds = Double.infinity
    var totalSeconds = Double.infinity
    for _ in 0..<runs {
        let start = ContinuousClock.now
        do {
            files = try TemplateDiscovery.templates(in: [tree])
        } catch {
            FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8))
            return 2
        }
        let found = ContinuousClock.now
        let cache = FileCache()
        verdicts = batch.validate(files, cache: cache)
        let end = ContinuousClock.now
        cachedFiles = cache.count
        discoverSeconds = min(discoverSeconds, inSeconds(found - start))
        validateSeconds = min(validateSeconds, inSeconds(end - found))
        totalSeconds = min(totalSeconds, inSeconds(end - start))
    }
    let bytes = files.reduce(0) { total, file in
        var info = stat()
        return total + (stat(file, &info) == 0 ? Int(info.st_size) : 0)
    }
    let errors = verdicts.reduce(0) { $0 + $1.errors.count }
    let warnings = verdicts.reduce(0) { $0 + $1.warnings.count }
    let failing = verdicts.filter(\.hasErrors).count

    let result: Value = [
        "tree": .string(tree),
        "files": .int(files.count),
        "bytes": .int(bytes),
        "files_read_by_templates": .int(cachedFiles),
        "runs": .int(runs),
        "seconds": .double(totalSeconds),
        "discover_seconds": .double(discoverSeconds),
        "validate_seconds": .double(validateSeconds),
        "files_per_second": .double(Double(files.count) / totalSeconds),
        "cores": .int(ProcessInfo.processInfo.activeProcessorCount),
        "peak_rss_mib": peakRSSMiB().map(Value.double) ?? .null,
        "files_ok": .int(files.count - failing),
        "files_with_errors": .int(failing),
        "errors": .int(errors),
        "warnings": .int(warnings),
    ]
    if format == "json" {
        print(result.prettyJSON())
    } else {
        print("tree:                      \(tree)")
        print("templates:                 \(files.count) (\(bytes) bytes)")
        print("files read by templates:   \(cachedFiles) (provider templates, get_file)")
        print("discover + validate:       \(String(format: "%.3f", totalSeconds)) s (best of \(runs), \(ProcessInfo.processInfo.activeProcessorCount) cores)")
        print("  discover:                \(String(format: "%.3f", discoverSeconds)) s")
        print("  validate:                \(String(format: "%.3f", validateSeconds)) s")
        print("files per second:          \(String(format: "%.0f", Double(files.count) / totalSeconds))")
        print("peak RSS:                  \(peakRSSMiB().map { String(format: "%.1f MiB", $0) } ?? "unknown")")
        print("files ok / with errors:    \(files.count - failing) / \(failing)")
        print("errors, warnings:          \(errors), \(warnings)")
    }
    return 0
}

private func inSeconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
