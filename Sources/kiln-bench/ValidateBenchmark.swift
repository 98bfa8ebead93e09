import Foundation
import KilnModel
import KilnTemplate

/// `kiln-bench validate`: reads and validates a generated template of N resources, or with
/// `--tree DIR` every template of a folder as `kiln template validate DIR` does.
func validateBenchmark(_ arguments: [String]) -> Int32 {
    let given = options(arguments, allowed: ["--resources", "--format", "--tree", "--runs"])
    if let tree = given["--tree"] {
        guard given["--resources"] == nil else { fail("--tree and --resources do not go together") }
        return treeValidateBenchmark(tree: tree, given: given)
    }
    guard let resourceCount = Int(given["--resources"] ?? "10000"), resourceCount > 0 else {
        fail("--resources takes a positive number")
    }
    let format = given["--format"] ?? "text"
    guard format == "text" || format == "json" else { fail("--format is text or json") }

    let bytes = Array(BenchTemplate.text(resources: resourceCount).utf8)
    let limits = ReaderLimits(maxBytes: bytes.count + 1)
    let validator = TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints())
    let request = ValidationRequest(templateName: "bench.yaml", template: bytes, limits: limits)

    let parseSeconds: Double
    do {
        parseSeconds = try bestOf(5) { _ = try YAMLReader(limits: limits).read(bytes, file: "bench.yaml") }
    } catch {
        FileHandle.standardError.write(Data("kiln-bench: the generated template does not parse:\n\(error)\n".utf8))
        return 1
    }
    var errors: [Diagnostic] = []
    let validateSeconds = bestOf(5) { errors = validator.validate(request).errors }

    let result: Value = [
        "resources": .int(resourceCount),
        "template_bytes": .int(bytes.count),
        "parse_seconds": .double(parseSeconds),
        "parse_validate_seconds": .double(validateSeconds),
        "microseconds_per_resource": .double(validateSeconds * 1e6 / Double(resourceCount)),
        "peak_rss_mib": peakRSSMiB().map(Value.double) ?? .null,
        "errors": .int(errors.count),
    ]
    if format == "json" {
        print(result.prettyJSON())
    } else {
        print("resources:                 \(resourceCount)")
        print("template size:             \(bytes.count) bytes")
        print("parse (YAML reader):       \(String(format: "%.3f", parseSeconds)) s")
        print("parse + validate:          \(String(format: "%.3f", validateSeconds)) s")
        print("per resource:              \(String(format: "%.1f", validateSeconds * 1e6 / Double(resourceCount))) µs")
        print("peak RSS:                  \(peakRSSMiB().map { String(format: "%.1f MiB", $0) } ?? "unknown")")
        print("errors:                    \(errors.count)")
    }
    for diagnostic in errors.prefix(10) { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
    return errors.isEmpty ? 0 : 1
}
