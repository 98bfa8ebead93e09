import Foundation
import KilnModel
import KilnStore
import Testing

/// `kill -9` in the middle of building the three-tier example on the emulated cloud: the next
/// command finishes the create without making anything twice, and delete leaves nothing.
@Suite("Crash recovery on the emulated cloud")
struct CloudCrashTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")
    /// Slow enough that the kill lands while servers are building, even when the whole suite
    /// running in parallel on a loaded machine delays the test's polling by a second or two.
    static let latency = ["--cloud-latency", "server=10s,volume=300ms,others=20ms"]

    func count(_ kind: String, in store: any Store) async throws -> Int {
        try await store.cloudRead { tables in try tables.rows(kind: kind, projectID: nil, parentID: nil).count }
    }

    @Test func aCreateKilledWhileServersBuildFinishesOnceAndDeletesClean() async throws {
        let home = try KilnHome()
        for name in ["three-tier.yaml", "web-server.yaml"] {
            _ = try home.write(name, try String(contentsOf: Self.examples.appendingPathComponent(name), encoding: .utf8))
        }
        let template = home.directory.appendingPathComponent("three-tier.yaml").path
        let crash = try await CrashRun.start(
            ["stack", "create", "app", "-t", template, "--parameter", "web_count=3"] + Self.latency, in: home)
        try await crash.waitUntil("servers building", seconds: 60) { store in try await count("server", in: store) >= 2 }
        crash.killNow()
        let stack = try await #require(try crash.stack("app"))
        #expect(stack.statusText == "CREATE_IN_PROGRESS", "killed too late to test recovery")

        let shown = try await home.kiln(["stack", "show", "app", "--format", "json"] + Self.latency)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stderr.contains("resumed interrupted stack app: CREATE_COMPLETE"), "\(shown.stderr)")
        // Each server, volume and member once: the resumed resources found what the first attempt made.
        #expect(try await count("server", in: crash.store) == 4)
        #expect(try await count("volume", in: crash.store) == 4)
        #expect(try await count("member", in: crash.store) == 3)
        #expect(try await count("loadbalancer", in: crash.store) == 1)

        let deleted = try await home.kiln(["stack", "delete", "app", "--yes"] + Self.latency)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        for kind in ["server", "volume", "port", "loadbalancer", "member", "router", "floatingip"] {
            #expect(try await count(kind, in: crash.store) == 0, "\(kind) left after the delete")
        }
        let listed = try await home.kiln(["cloud", "list", "server", "--format", "json"])
        #expect(listed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(listed.stdout)")
    }
}
