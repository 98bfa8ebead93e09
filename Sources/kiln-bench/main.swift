import Foundation

// kiln-bench: Kiln's benchmarks, run in a release build.
//   validate: read and validate a generated template of N resources
//   stack:    create then delete stacks of N resources on a durable SQLite store

var arguments = Array(CommandLine.arguments.dropFirst())
guard let benchmark = arguments.first else { fail("name a benchmark") }
arguments.removeFirst()
switch benchmark {
case "validate": exit(validateBenchmark(arguments))
case "stack": exit(await stackBenchmark(arguments))
default: fail("unknown benchmark \(benchmark)")
}
