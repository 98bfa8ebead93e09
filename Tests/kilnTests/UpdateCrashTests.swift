import Foundation
import KilnModel
import KilnStore
import Testing

/// `kill -9` of a `kiln stack update` that replaces emulated servers: the next command carries
/// the update on (beyond Heat, which marks it FAILED), with every server made once and every
/// replaced one deleted, none orphaned.
@Suite("Crash recovery of an update", .serialized)
struct UpdateCrashTests {
    /// Replacements are made before the old ones go: 4 servers peak at 8 of the quota's 10 instances.
    static let count = 4

    /// `count` servers; a new availability zone cannot be applied in place, so an update to
    /// it replaces each server (new before old).
    static func servers(zone: String) -> String {
        var text = "heat_template_version: 2021-04-16\nresources:\n"
        for index in 0..<count {
            text += """
                  s\(index):
                    type: OS::Nova::Server
                    properties:
                      flavor: m1.tiny
                      image: cirros-0.6.2-x86_64-disk
                      availability_zone: \(zone)
                      networks: [{allocate_network: none}]

                """
        }
        return text
    }

    /// The emulated cloud's servers: id and availability zone.
    func servers(_ store: any Store) async throws -> [String: String] {
        let rows = try await store.cloudRead { tables in try tables.rows(kind: "server", projectID: nil, parentID: nil) }
        var zones: [String: String] = [:]
        for row in rows {
            let body = try Value.parseJSON(row.body)
            zones[row.id] = body["OS-EXT-AZ:availability_zone"].stringValue ?? body["availability_zone"].stringValue ?? ""
        }
        return zones
    }

    @Test func anUpdateKilledMidReplacementIsCarriedOnWithNothingOrphaned() async throws {
        let home = try KilnHome()
        let created = try await home.kiln(["stack", "create", "fleet", "-t", try home.write("a.yaml", Self.servers(zone: "nova"))])
        #expect(created.status == 0, "\(created.stderr)")
        let changed = try home.write("b.yaml", Self.servers(zone: "zone-b"))
        let stack = try #require(try await home.store().stack(named: "fleet", projectID: "default"))
        let original = Set(try await home.store().resources(stackID: stack.id).compactMap(\.physicalID))
        #expect(original.count == Self.count)
        // Each server stays BUILD for 6 s once made (3 s was too short a window to kill into
        // when the test's polling was starved on a loaded machine).
        let crash = try await CrashRun.start(
            ["stack", "update", "fleet", "-t", changed, "--max-parallel", "2", "--cloud-latency", "server=6s"], in: home)
        // Killed while replacements are being built: servers half made (in the cloud and their
        // ids saved on record, their creates not returned).
        try await crash.waitUntil("a replacement server building", seconds: 60) { store in
            try await store.resources(stackID: stack.id).contains {
                $0.status == .inProgress && $0.physicalID != nil && $0.data.mapValue?["creating"] == .bool(true)
            }
        }
        crash.killNow()
        #expect(try await crash.stack("fleet")?.statusText == "UPDATE_IN_PROGRESS")

        let shown = try await home.kiln(["stack", "show", "fleet", "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stderr.contains("resumed interrupted stack fleet: UPDATE_COMPLETE"), "\(shown.stderr)")
        let finished = try await #require(try crash.store.stack(id: stack.id))
        #expect(finished.statusText == "UPDATE_COMPLETE", "\(finished.statusReason)")
        #expect(finished.owner == nil)

        // Every resource replaced once, nothing kept aside, and the cloud holds exactly them.
        let resources = try await crash.store.resources(stackID: stack.id)
        #expect(resources.count == Self.count, "\(resources.map(\.name))")
        #expect(resources.allSatisfy { $0.status == .complete && !$0.name.contains("~") })
        let ids = Set(resources.compactMap(\.physicalID))
        #expect(ids.count == Self.count && ids.isDisjoint(with: original))
        let cloud = try await servers(crash.store)
        #expect(Set(cloud.keys) == ids, "servers in the cloud: \(cloud.keys.sorted()), on record: \(ids.sorted())")

        let deleted = try await home.kiln(["stack", "delete", "fleet", "--yes"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try await servers(crash.store).isEmpty)
    }

    /// 1 s per resource update, 4 at a time: after the first 4 complete, 5 s are left to kill in
    /// (with 0.2 s, a CI machine's loaded parallel suite polled too late and found the update done).
    @Test func anInPlaceUpdateKilledIsCarriedOnToComplete() async throws {
        let home = try KilnHome()
        let created = try await home.kiln(["stack", "create", "moving", "-t", try home.write("a.yaml", CrashTemplates.wide(24, updateWait: 1))])
        #expect(created.status == 0, "\(created.stderr)")
        let stack = try await #require(try await home.store().stack(named: "moving", projectID: "default"))
        let before = Dictionary(uniqueKeysWithValues: try await home.store().resources(stackID: stack.id).map { ($0.name, $0.physicalID) })
        let changed = try home.write("b.yaml", CrashTemplates.wide(24, updateWait: 1, value: "b"))

        let crash = try await CrashRun.start(["stack", "update", "moving", "-t", changed, "--max-parallel", "4"], in: home)
        try await crash.waitUntil("a few resources updated") { _ in try await crash.resourceEvents("moving", .update, .complete).count >= 4 }
        crash.killNow()
        #expect(try await crash.stack("moving")?.statusText == "UPDATE_IN_PROGRESS")

        let shown = try await home.kiln(["stack", "show", "moving", "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stderr.contains("resumed interrupted stack moving: UPDATE_COMPLETE"), "\(shown.stderr)")
        let updated = try await #require(try crash.store.stack(id: stack.id))
        #expect(updated.statusText == "UPDATE_COMPLETE" && updated.owner == nil)
        let after = try await crash.store.resources(stackID: stack.id)
        #expect(after.count == 24 && after.allSatisfy { $0.status == .complete && $0.properties.mapValue?["value"] == .string("b") })
        // Updated in place or, those caught mid-update, replaced: never lost track of.
        #expect(after.allSatisfy { $0.physicalID != nil })
        let kept = after.filter { before[$0.name] == $0.physicalID }.count
        #expect(kept >= 4, "resources updated before the kill keep their ids")
        #expect(try await crash.events("moving").last?.statusText == "UPDATE_COMPLETE")
    }
}
