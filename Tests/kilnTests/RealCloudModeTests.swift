import Foundation
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
