import Foundation
import KilnModel
import KilnStore
import Testing

/// `--cloud NAME`: Kiln's own engine here, driving a cloud through its REST APIs (here the
/// emulated cloud `kiln serve` exposes, reached as a real OpenStack would be).
@Suite("Embedded engine on a cloud named in clouds.yaml")
struct RealCloudModeTests {
    @Test func theThreeTierStackIsBuiltInTheServedCloudAndDeletedFromIt() async throws {
        let served = try await ServedKiln()
        let local = try KilnHome()
        var environment = ServedKiln.embeddedEnvironment
        environment["OS_CLIENT_CONFIG_FILE"] = served.cloudsFile
        let template = CloudCrashTests.examples.appendingPathComponent("three-tier.yaml").path
        let created = try await ServedKiln.run(
            ["stack", "create", "app", "-t", template, "--parameter", "web_count=2", "--home", local.directory.path, "--cloud", "kiln"],
            environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("CREATE_COMPLETE"))
        // The stack is this home's; the servers are the served cloud's.
        let cloudStore = try SQLiteStore(path: served.databasePath)
        func count(_ kind: String) async throws -> Int {
            try await cloudStore.cloudRead { try $0.rows(kind: kind, projectID: nil, parentID: nil).count }
        }
        #expect(try await count("server") == 3)
        #expect(try await count("volume") == 3)
        #expect(try await count("member") == 2)
        let remoteStacks = try await served.client(["stack", "list"])
        #expect(!remoteStacks.stdout.contains("app"), "the served Heat API never saw the stack")

        let deleted = try await ServedKiln.run(
            ["stack", "delete", "app", "--yes", "--home", local.directory.path, "--cloud", "kiln"], environment: environment)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        for kind in ["server", "volume", "port", "loadbalancer", "member", "floatingip", "router"] {
            #expect(try await count(kind) == 0, "\(kind) left in the served cloud")
        }
    }
}

/// `kiln serve --cloud NAME`: the alarms of an autoscaling stack are made in the cloud's own
/// Aodh (here a second `kiln serve` acting as the real cloud: its Gnocchi, its Aodh, its
/// evaluator), and their actions reach this server's pre-signed alarm URL, which grows the
/// group in that cloud.
@Suite("Auto-scaling on a cloud named in clouds.yaml")
struct RealCloudAutoscalingTests {
    static let template = """
        heat_template_version: 2021-04-16
        resources:
          net: {type: OS::Neutron::Net}
          subnet:
            type: OS::Neutron::Subnet
            properties: {network: {get_resource: net}, cidr: 10.30.0.0/24}
          group:
            type: OS::Heat::AutoScalingGroup
            depends_on: [subnet]
            properties:
              min_size: 1
              max_size: 2
              resource:
                type: OS::Nova::Server
                properties:
                  flavor: m1.tiny
                  image: cirros-0.6.2-x86_64-disk
                  networks: [{network: {get_resource: net}}]
                  metadata: {"metering.server_group": {get_param: "OS::stack_id"}}
          up:
            type: OS::Heat::ScalingPolicy
            properties: {adjustment_type: change_in_capacity, auto_scaling_group_id: {get_resource: group}, scaling_adjustment: 1}
          high:
            type: OS::Aodh::GnocchiAggregationByResourcesAlarm
            properties:
              metric: cpu
              aggregation_method: rate:mean
              granularity: 2
              threshold: 1000000000
              comparison_operator: gt
              resource_type: instance
              query: {list_join: ['', [{'=': {server_group: {get_param: "OS::stack_id"}}}]]}
              alarm_actions: [{get_attr: [up, alarm_url]}]
        outputs:
          size: {value: {get_attr: [group, current_size]}}
        """

    @Test func theCloudsAodhFiresThisServersAlarmURLAndTheGroupGrowsInThatCloud() async throws {
        let cloud = try await ServedKiln(AutoscalingTests.serve)
        let kiln = try await ServedKiln(["--cloud", "kiln"], environment: ["OS_CLIENT_CONFIG_FILE": cloud.cloudsFile])
        let created = try await kiln.client(["stack", "create", "web", "-t", try kiln.home.write("web.yaml", Self.template), "--wait"])
        #expect(created.status == 0, "\(created.stderr)")
        let cloudStore = try SQLiteStore(path: cloud.databasePath)
        func count(_ kind: String) async throws -> Int {
            try await cloudStore.cloudRead { try $0.rows(kind: kind, projectID: nil, parentID: nil).count }
        }
        #expect(try await count("alarm") == 1, "the alarm is the cloud's")
        #expect(try await count("server") == 1)
        let stackID = try #require(try Value.parseJSON(
            try await kiln.client(["stack", "show", "web", "--format", "json"]).stdout).mapValue?["id"]?.stringValue)
        let load = try await cloud.client(["cloud", "load", "set", stackID, "--cpu", "90"])
        #expect(load.status == 0, "\(load.stderr)")
        try await AutoscalingTests().waitFor("the second server in the cloud") { try await count("server") == 2 }
        let deleted = try await kiln.client(["stack", "delete", "web", "--yes", "--wait"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try await count("alarm") == 0)
        #expect(try await count("server") == 0)
    }
}
