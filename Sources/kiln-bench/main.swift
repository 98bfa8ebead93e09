import Foundation
import KilnTemplate

// kiln-bench validate [--resources N] [--format text|json]
// Times the YAML reader and the validator over a generated HOT template of N resources.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kiln-bench: \(message)\nusage: kiln-bench validate [--resources N] [--format text|json]\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "validate" else { fail("the only benchmark is `validate`") }
arguments.removeFirst()
var resourceCount = 10_000
var json = false
while !arguments.isEmpty {
    let option = arguments.removeFirst()
    guard !arguments.isEmpty else { fail("\(option) needs a value") }
    let value = arguments.removeFirst()
    switch option {
    case "--resources":
        guard let n = Int(value), n > 0 else { fail("--resources takes a positive number") }
        resourceCount = n
    case "--format":
        guard value == "text" || value == "json" else { fail("--format is text or json") }
        json = value == "json"
    default: fail("unknown option \(option)")
    }
}

let text = BenchTemplate.text(resources: resourceCount)
let bytes = Array(text.utf8)
let limits = ReaderLimits(maxBytes: bytes.count + 1)
let validator = TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints())
let request = ValidationRequest(templateName: "bench.yaml", template: bytes, limits: limits)

/// Best of five runs (the machine is shared: the minimum is the least disturbed run), in seconds.
func bestOfFive(_ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return best
}

let parseSeconds: Double
do {
    parseSeconds = try bestOfFive { _ = try YAMLReader(limits: limits).read(bytes, file: "bench.yaml") }
} catch {
    FileHandle.standardError.write(Data("kiln-bench: the generated template does not parse:\n\(error)\n".utf8))
    exit(1)
}
var errors: [Diagnostic] = []
let validateSeconds = bestOfFive { errors = validator.validate(request).diagnostics.filter { $0.severity == .error } }

/// Peak resident set size (VmHWM), in MiB.
func peakRSSMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kib = line.split(separator: " ").compactMap { Double($0) }.first
        return kib.map { $0 / 1024 }
    }
    return nil
}

let result: Value = [
    "resources": .int(resourceCount),
    "template_bytes": .int(bytes.count),
    "parse_seconds": .double(parseSeconds),
    "parse_validate_seconds": .double(validateSeconds),
    "microseconds_per_resource": .double(validateSeconds * 1e6 / Double(resourceCount)),
    "peak_rss_mib": peakRSSMiB().map(Value.double) ?? .null,
    "errors": .int(errors.count),
]
if json {
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
exit(errors.isEmpty ? 0 : 1)
