import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnResources
import KilnServer
import KilnStore
import Logging

/// `kiln-bench scale`: N stacks, each an OS::Heat::AutoScalingGroup of M servers with pool
/// members behind its own load balancer, a scale-up policy and Heat's Gnocchi CPU alarm,
/// in an in-process `kiln serve` on the emulated cloud (no latency, samples every second).
/// Alarm rounds run every second as in `kiln serve --evaluation-interval 1`; it prints the
/// time per round over all N alarms, then raises one group's CPU load and measures the time
/// from the load crossing the threshold to the alarm firing and to the new member being
/// ONLINE in the pool (the whole chain: Gnocchi aggregate, Aodh transition, trust+ POST to
/// the policy's signal_url, the resize, the new server and its member).
func scaleBenchmark(_ arguments: [String]) async -> Int32 {
    let given = ServerBenchOptions(arguments, allowed: ["--groups", "--servers", "--rounds"])
    let groups = given.positive("--groups", 100), perGroup = given.positive("--servers", 10), rounds = given.positive("--rounds", 20)
    let json = given.format == "json"
    var cloudHolder: EmulatedCloud?
    guard let bench = try? await BenchServer.start(makeEngine: { store in
        var options = EmulatorOptions()
        options.telemetryInterval = 1
        let cloud = try await EmulatedCloud(store: store, options: options)
        cloudHolder = cloud
        return Engine(store: store, plugins: .standard, cloud: cloud)
    }), let cloud = cloudHolder else { fail("cannot start the bench server") }
    defer { bench.removeHome() }
    do {
        try await cloud.setQuotas(Dictionary(uniqueKeysWithValues: Quotas.names.map { ($0, -1) }), projectID: bench.projectID)
        let session = cloud.session(projectID: bench.projectID)
        guard let telemetry = session.metrics as? any TelemetryService else { fail("the emulated cloud has no telemetry") }
        _ = try await telemetry.setLoad(LoadSetting(target: .projectDefault, cpuPercent: 10))

        // The stacks, eight at a time.
        let createStart = ContinuousClock.now
        var stackIDs = [String](repeating: "", count: groups)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let stack = try await bench.engine.create(StackRequest(
                        name: "scale-\(index)", templateName: "scale.yaml", template: scaleTemplate(servers: perGroup),
                        files: ["lb-member.yaml": scaleMemberTemplate], projectID: bench.projectID))
                    guard stack.statusText == "CREATE_COMPLETE" else { fail("stack \(index): \(stack.statusText) \(stack.statusReason)") }
                    return (index, stack.id)
                }
            }
            for _ in 0..<min(8, groups) { add() }
            while let (index, id) = try await group.next() {
                stackIDs[index] = id
                if next < groups { add() }
            }
        }
        let createSeconds = seconds(createStart.duration(to: .now))

        let runner = AlarmRunner(
            evaluator: AlarmEvaluator(cloud: cloud), interval: 1, identity: bench.identity, logger: Logger(label: "kiln-bench.alarms"))
        // Complete periods of low load first, so every alarm is ok.
        try await Task.sleep(for: .seconds(2.5))
        var roundTimes: [Double] = []
        var evaluated = 0
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            guard let round = await runner.round() else { fail("an evaluation round failed") }
            let took = seconds(started.duration(to: .now))
            roundTimes.append(took)
            evaluated = round.evaluated
            try await Task.sleep(for: .seconds(max(0, 1 - took)))
        }

        // One group's load goes up: time to the alarm, then to the new member ONLINE.
        let pool = try await bench.engine.resources(of: try await stack(bench, stackIDs[0])).first { $0.name == "pool" }?.physicalID ?? ""
        let membersBefore = try await session.loadBalancer.members(poolID: pool).count
        let crossed = ContinuousClock.now
        _ = try await telemetry.setLoad(LoadSetting(target: .group(stackIDs[0]), cpuPercent: 90))
        var fired: Double?
        var online: Double?
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var nextRound = ContinuousClock.now
        while online == nil, ContinuousClock.now < deadline {
            if ContinuousClock.now >= nextRound {
                nextRound = nextRound.advanced(by: .seconds(1))
                if let round = await runner.round(), fired == nil, round.actions.contains(where: { $0.url.contains("/scale-0/") }) {
                    fired = seconds(crossed.duration(to: .now))
                }
            }
            let members = try await session.loadBalancer.members(poolID: pool)
            if members.count > membersBefore, members.allSatisfy({ $0.status.operating == "ONLINE" }) {
                online = seconds(crossed.duration(to: .now))
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        guard let fired, let online else { fail("the group did not scale out within 60 s") }
        let sorted = roundTimes.sorted()
        let median = sorted[sorted.count / 2] * 1000, worst = sorted.last! * 1000, best = sorted.first! * 1000
        if json {
            let result: Value = [
                "groups": .int(groups), "servers_per_group": .int(perGroup), "alarms_evaluated": .int(evaluated),
                "create_seconds": .double(createSeconds), "round_ms_best": .double(best), "round_ms_median": .double(median),
                "round_ms_worst": .double(worst), "threshold_to_alarm_seconds": .double(fired),
                "threshold_to_member_online_seconds": .double(online), "alarm_to_member_online_seconds": .double(online - fired),
                "peak_rss_mib": peakRSSMiB().map(Value.double) ?? .null,
            ]
            print(result.jsonText())
        } else {
            print("groups \(groups) x \(perGroup) servers with pool members, \(evaluated) alarms; created in \(String(format: "%.1f", createSeconds)) s")
            print("evaluation round (\(rounds) rounds, every 1 s): best \(String(format: "%.1f", best)) ms, median \(String(format: "%.1f", median)) ms, worst \(String(format: "%.1f", worst)) ms")
            print("load over the threshold -> alarm fired: \(String(format: "%.2f", fired)) s (a 1 s period to complete, then the next round)")
            print("load over the threshold -> new member ONLINE: \(String(format: "%.2f", online)) s (alarm -> member \(String(format: "%.3f", online - fired)) s)")
            if let rss = peakRSSMiB() { print("peak RSS \(String(format: "%.1f", rss)) MiB") }
        }
        return 0
    } catch {
        fail("\(error)")
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

private func stack(_ bench: BenchServer, _ id: String) async throws -> StackRecord {
    guard let stack = try await bench.engine.store.stack(id: id) else { fail("stack \(id) is gone") }
    return stack
}

/// One group: its network, a load balancer with a monitored pool, the scaling group of
/// `servers` members, a scale-up policy and Heat's CPU alarm (granularity 1 s: 50% of a vCPU).
private func scaleTemplate(servers: Int) -> String {
    """
    heat_template_version: 2021-04-16
    resources:
      net: {type: OS::Neutron::Net}
      subnet:
        type: OS::Neutron::Subnet
        properties: {network: {get_resource: net}, cidr: 10.0.0.0/22}
      lb:
        type: OS::Octavia::LoadBalancer
        properties: {vip_subnet: {get_resource: subnet}}
      listener:
        type: OS::Octavia::Listener
        properties: {loadbalancer: {get_resource: lb}, protocol: HTTP, protocol_port: 80}
      pool:
        type: OS::Octavia::Pool
        properties: {listener: {get_resource: listener}, lb_algorithm: ROUND_ROBIN, protocol: HTTP}
      monitor:
        type: OS::Octavia::HealthMonitor
        properties: {pool: {get_resource: pool}, type: HTTP, delay: 5, max_retries: 3, timeout: 5}
      group:
        type: OS::Heat::AutoScalingGroup
        properties:
          min_size: \(servers)
          max_size: \(servers * 2)
          resource:
            type: lb-member.yaml
            properties:
              network: {get_resource: net}
              subnet: {get_resource: subnet}
              pool: {get_resource: pool}
              metadata: {"metering.server_group": {get_param: "OS::stack_id"}}
      up:
        type: OS::Heat::ScalingPolicy
        properties: {adjustment_type: change_in_capacity, auto_scaling_group_id: {get_resource: group}, scaling_adjustment: 1, cooldown: 600}
      cpu_high:
        type: OS::Aodh::GnocchiAggregationByResourcesAlarm
        properties:
          metric: cpu
          aggregation_method: rate:mean
          granularity: 1
          evaluation_periods: 1
          threshold: 500000000
          comparison_operator: gt
          resource_type: instance
          query: {list_join: ['', [{'=': {server_group: {get_param: "OS::stack_id"}}}]]}
          alarm_actions:
            - {str_replace: {template: trust+url, params: {url: {get_attr: [up, signal_url]}}}}
    """
}

private let scaleMemberTemplate = """
    heat_template_version: 2021-04-16
    parameters:
      network: {type: string}
      subnet: {type: string}
      pool: {type: string}
      metadata: {type: json}
    resources:
      server:
        type: OS::Nova::Server
        properties:
          flavor: m1.tiny
          image: cirros-0.6.2-x86_64-disk
          networks: [{network: {get_param: network}}]
          metadata: {get_param: metadata}
      member:
        type: OS::Octavia::PoolMember
        properties: {pool: {get_param: pool}, address: {get_attr: [server, first_address]}, protocol_port: 80, subnet: {get_param: subnet}}
    """
