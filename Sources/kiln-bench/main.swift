import Foundation

// kiln-bench: Kiln's benchmarks, run in a release build.
//   validate: read and validate a generated template of N resources, or (--tree DIR) every template of a folder
//   stack:    create then delete stacks of N resources on a durable SQLite store
//   api:      Heat API requests per second and p50/p99 latency over loopback
//   load:     N concurrent API clients creating, listing and deleting stacks, checked
//   cloud:    examples/three-tier.yaml scaled to N servers on the emulated cloud, with or without latency
//   notify:   notifications per second to a webhook during an N-resource create, cost, latency
//   telemetry: one alarm evaluation round's aggregates over N groups of M servers
//   scale:    N auto-scaling groups of M servers with CPU alarms in a served engine: round time, load -> new member ONLINE
//   scale-out: 1 vs N kiln serve engines on one PostgreSQL: stacks/s, per-resource cost vs SQLite, takeover after kill -9
//   torture:  kill -9 of the engine running a create/update/delete at random points; every operation must finish, checked
//   startup:  wall time of N runs of `kiln --version` (spawn to exit): the dynamic loader's share of every command

var arguments = Array(CommandLine.arguments.dropFirst())
guard let benchmark = arguments.first else { fail("name a benchmark") }
arguments.removeFirst()
switch benchmark {
case "validate": exit(validateBenchmark(arguments))
case "stack": exit(await stackBenchmark(arguments))
case "api": exit(await apiBenchmark(arguments))
case "load": exit(await loadBenchmark(arguments))
case "cloud": exit(await cloudBenchmark(arguments))
case "telemetry": exit(await telemetryBenchmark(arguments))
case "scale": exit(await scaleBenchmark(arguments))
case "notify": exit(await notifyBenchmark(arguments))
case "scale-out": exit(await scaleOutBenchmark(arguments))
case "torture": exit(await tortureCheck(arguments))
case "startup": exit(startupBenchmark(arguments))
default: fail("unknown benchmark \(benchmark)")
}
