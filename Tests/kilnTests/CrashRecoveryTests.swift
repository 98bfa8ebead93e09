import Foundation
import KilnModel
import KilnStore
import Testing

/// A real `kiln` process killed with SIGKILL at chosen points of an operation; the next
/// command must carry the stack to a consistent final state. The kill points are conditions
/// in the database, polled, so the tests do not depend on timing.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    static let count = 200
    /// 200 resources, 8 at a time, 1 s each: about 25 s of create to kill into (2.5 s, 5 s and
    /// then 10 s were not always enough on a loaded CI machine, where the test's own polling is starved).
    static let wide = CrashTemplates.wide(count, createWait: 1)

    enum KillPoint: CustomStringConvertible, CaseIterable {
        case rightAfterStart, midway, nearTheEnd

        /// Resources CREATE_COMPLETE before the kill.
        var completed: Int {
            switch self {
            case .rightAfterStart: return 0
            case .midway: return CrashRecoveryTests.count / 2
            case .nearTheEnd: return CrashRecoveryTests.count - 24
            }
        }

        var description: String { "\(completed) of \(CrashRecoveryTests.count) created" }
    }

    @Test(arguments: KillPoint.allCases)
    func createKilledResumesToComplete(at point: KillPoint) async throws {
        let home = try KilnHome()
        let template = try home.write("wide.yaml", Self.wide)
        let crash = try await CrashRun.start(["stack", "create", "wide", "-t", template, "--max-parallel", "8"], in: home)
        try await crash.waitUntil("stack stored") { _ in try await crash.stack("wide") != nil }
        if point.completed > 0 {
            try await crash.waitUntil("\(point)", seconds: 60) { _ in try await crash.resourceEvents("wide", .create, .complete).count >= point.completed }
        }
        crash.killNow()

        let stack = try await #require(try crash.stack("wide"))
        #expect(stack.statusText == "CREATE_IN_PROGRESS", "killed too late to test recovery")
        // What was created before the kill is kept as it was, not created again.
        let before = try await crash.store.resources(stackID: stack.id).filter { $0.status == .complete }
        #expect(before.count >= point.completed)

        let shown = try await home.kiln(["stack", "show", "wide", "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stderr.contains("resumed interrupted stack wide: CREATE_COMPLETE"))
        #expect(shown.stdout.contains("\"stack_status\" : \"CREATE_COMPLETE\"") || shown.stdout.contains("\"stack_status\": \"CREATE_COMPLETE\""))
        try await expectCreatedOnce(crash, stackID: stack.id, count: Self.count, keeping: before)
    }

    /// Every resource once, CREATE_COMPLETE with a physical id, one CREATE_COMPLETE event each.
    private func expectCreatedOnce(_ crash: CrashRun, stackID: String, count: Int, keeping before: [ResourceRecord]) async throws {
        let stack = try await #require(try crash.store.stack(id: stackID))
        #expect(stack.statusText == "CREATE_COMPLETE")
        #expect(stack.owner == nil && stack.leaseExpiry == nil, "a finished operation gives up its claim")
        let resources = try await crash.store.resources(stackID: stackID)
        #expect(resources.count == count)
        #expect(Set(resources.map(\.name)) == Set((0..<count).map { "r\($0)" }))
        #expect(resources.allSatisfy { $0.action == .create && $0.status == .complete })
        let physicalIDs = resources.compactMap(\.physicalID)
        #expect(physicalIDs.count == count && Set(physicalIDs).count == count)
        let byName = Dictionary(uniqueKeysWithValues: resources.map { ($0.name, $0) })
        for old in before { #expect(byName[old.name]?.physicalID == old.physicalID, "\(old.name) was created again") }

        let events = try await crash.events("wide")
        var completions: [String: Int] = [:]
        for event in events where event.resourceType != "OS::Heat::Stack" && event.statusText == "CREATE_COMPLETE" {
            completions[event.resourceName, default: 0] += 1
        }
        #expect(completions.count == count && completions.values.allSatisfy { $0 == 1 })
        // Each resource's last event is its CREATE_COMPLETE; the stack's last is the stack's.
        var last: [String: EventRecord] = [:]
        for event in events { last[event.resourceName] = event }
        #expect(last.values.allSatisfy { $0.statusText == "CREATE_COMPLETE" })
        #expect(events.last?.resourceType == "OS::Heat::Stack" && events.last?.statusText == "CREATE_COMPLETE")
    }

    @Test func twoRecoveringProcessesResumeTheStackOnce() async throws {
        let home = try KilnHome()
        let template = try home.write("wide.yaml", Self.wide)
        let crash = try await CrashRun.start(["stack", "create", "wide", "-t", template, "--max-parallel", "8"], in: home)
        try await crash.waitUntil("some resources created") { _ in try await crash.resourceEvents("wide", .create, .complete).count >= 40 }
        crash.killNow()
        let stack = try await #require(try crash.stack("wide"))
        let before = try await crash.store.resources(stackID: stack.id).filter { $0.status == .complete }

        // Both start together; only one may take the dead process's claim.
        let first = try home.start(["stack", "list"]), second = try home.start(["stack", "list"])
        await first.process.exited()
        await second.process.exited()
        let runs = [try first.result(), try second.result()]
        #expect(runs.allSatisfy { $0.status == 0 }, "\(runs.map(\.stderr))")
        #expect(runs.filter { $0.stderr.contains("resumed interrupted stack wide") }.count == 1, "\(runs.map(\.stderr))")
        try await expectCreatedOnce(crash, stackID: stack.id, count: Self.count, keeping: before)
    }

    @Test func recoveryKilledInTurnIsResumedByTheNextCommand() async throws {
        let home = try KilnHome()
        let template = try home.write("wide.yaml", Self.wide)
        let crash = try await CrashRun.start(["stack", "create", "wide", "-t", template, "--max-parallel", "8"], in: home)
        try await crash.waitUntil("a quarter created") { _ in try await crash.resourceEvents("wide", .create, .complete).count >= 50 }
        crash.killNow()
        let stack = try await #require(try crash.stack("wide"))
        let before = try await crash.store.resources(stackID: stack.id).filter { $0.status == .complete }

        // The command resuming it dies too, holding a lease that has not expired.
        let resuming = CrashRun(home: home, running: try home.start(["stack", "list"]), store: crash.store)
        try await resuming.waitUntil("the resumed create under way") { _ in
            guard try await resuming.stack("wide")?.owner?.contains(":\(resuming.pid):") == true else { return false }
            return try await resuming.resourceEvents("wide", .create, .complete).count >= 120
        }
        resuming.killNow()
        let held = try await #require(try crash.stack("wide"))
        #expect(held.statusText == "CREATE_IN_PROGRESS")
        #expect(try #require(held.leaseExpiry) > Date())

        let shown = try await home.kiln(["stack", "show", "wide"])
        #expect(shown.status == 0 && shown.stderr.contains("resumed interrupted stack wide: CREATE_COMPLETE"), "\(shown.stderr)")
        try await expectCreatedOnce(crash, stackID: stack.id, count: Self.count, keeping: before)
    }

    /// Kill windows of seconds, not fractions (0.5 s per delete, 4 at a time; 0.6 s per rollback
    /// delete, 2 at a time): a loaded CI machine's parallel suite polls late.
    @Test func deleteKilledFinishesOnTheNextCommand() async throws {
        let home = try KilnHome()
        let template = try home.write("slow-delete.yaml", CrashTemplates.wide(40, deleteWait: 0.5))
        let created = try await home.kiln(["stack", "create", "doomed", "-t", template])
        #expect(created.status == 0, "\(created.stderr)")

        let crash = try await CrashRun.start(["stack", "delete", "doomed", "--yes", "--max-parallel", "4"], in: home)
        try await crash.waitUntil("a few resources deleted") { _ in try await crash.resourceEvents("doomed", .delete, .complete).count >= 8 }
        crash.killNow()
        let stack = try await #require(try crash.stack("doomed"))
        #expect(stack.statusText == "DELETE_IN_PROGRESS")
        await #expect(try crash.store.resources(stackID: stack.id).count < 40)

        let listed = try await home.kiln(["stack", "list"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("resumed interrupted stack doomed: DELETE_COMPLETE"))
        #expect(!listed.stdout.contains("doomed"))
        await #expect(try crash.store.stack(id: stack.id)?.statusText == "DELETE_COMPLETE")
        await #expect(try crash.store.resources(stackID: stack.id).isEmpty)
        let shown = try await home.kiln(["stack", "show", "doomed"])
        #expect(shown.status == 1 && shown.stderr.contains("not found"))
    }

    @Test func rollbackKilledCompletesOnTheNextCommand() async throws {
        let home = try KilnHome()
        let template = try home.write("failing.yaml", CrashTemplates.failingAfter(12, deleteWait: 0.6))
        let crash = try await CrashRun.start(
            ["stack", "create", "unlucky", "-t", template, "--enable-rollback", "--max-parallel", "2"], in: home)
        try await crash.waitUntil("rollback under way") { _ in
            let events = try await crash.events("unlucky")
            return events.contains { $0.resourceType == "OS::Heat::Stack" && $0.statusText == "ROLLBACK_IN_PROGRESS" }
                && events.contains { $0.statusText == "DELETE_COMPLETE" }
        }
        crash.killNow()
        let stack = try await #require(try crash.stack("unlucky"))
        #expect(stack.statusText == "ROLLBACK_IN_PROGRESS")
        // As Heat: the failure is the CREATE_FAILED event's reason; the rollback then starts.
        await #expect(try crash.events("unlucky").contains {
            $0.resourceType == "OS::Heat::Stack" && $0.statusText == "CREATE_FAILED" && $0.reason.contains("Test Resource failed bad")
        })
        await #expect(try !crash.store.resources(stackID: stack.id).isEmpty)

        let listed = try await home.kiln(["stack", "list", "--format", "json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("resumed interrupted stack unlucky: ROLLBACK_COMPLETE"))
        let rolledBack = try await #require(try crash.store.stack(id: stack.id))
        #expect(rolledBack.statusText == "ROLLBACK_COMPLETE")
        await #expect(try crash.store.resources(stackID: stack.id).isEmpty)
        // Each resource made was deleted exactly once.
        let deletions = try await crash.resourceEvents("unlucky", .delete, .complete).map(\.resourceName)
        #expect(deletions.count == Set(deletions).count && Set(deletions) == Set((0..<12).map { "r\($0)" } + ["bad"]))
        await #expect(try crash.events("unlucky").last?.statusText == "ROLLBACK_COMPLETE")
    }

    @Test func aLiveOwnerIsNotTakenOver() async throws {
        let home = try KilnHome()
        let template = try home.write("long.yaml", CrashTemplates.wide(2, createWait: 60))
        let crash = try await CrashRun.start(["stack", "create", "busy", "-t", template], in: home)
        defer { if crash.running.process.isRunning { crash.killNow() } }
        try await crash.waitUntil("resources in progress") { _ in try await crash.resourceEvents("busy", .create, .inProgress).count == 2 }
        let owner = try await #require(try crash.stack("busy")?.owner)
        #expect(owner.contains(":\(crash.pid):"))

        let listed = try #require(try await home.json(["stack", "list"]) as? [[String: Any]])
        #expect(listed.first?["Stack Status"] as? String == "CREATE_IN_PROGRESS")
        let deleted = try await home.kiln(["stack", "delete", "busy", "--yes"])
        #expect(deleted.status == 1)
        #expect(deleted.stderr.contains("stack 'busy' is busy: CREATE_IN_PROGRESS"), "\(deleted.stderr)")
        #expect(deleted.stderr.contains("kiln process \(crash.pid) on"), "\(deleted.stderr)")
        let updated = try await home.kiln(["stack", "update", "busy", "--existing"])
        #expect(updated.status == 1 && updated.stderr.contains("CREATE_IN_PROGRESS"), "\(updated.stderr)")

        // Nothing was taken over: same owner, still in progress, resources untouched.
        let stack = try await #require(try crash.stack("busy"))
        #expect(stack.owner == owner && stack.statusText == "CREATE_IN_PROGRESS")
        await #expect(try crash.store.resources(stackID: stack.id).allSatisfy { $0.statusText == "CREATE_IN_PROGRESS" })
        #expect(crash.running.process.isRunning)
    }
}
