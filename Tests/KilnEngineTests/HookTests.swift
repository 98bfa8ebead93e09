import Foundation
@testable import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

/// Breakpoints (`hooks` in the environment's resource_registry). Every status and reason
/// here was measured with heat-oracle (Heat 27): a paused resource stays INIT_COMPLETE (or
/// its current state) with the event "CREATE paused until Hook pre-create is cleared"; the
/// rest of the graph goes on; `{"unset_hook": "pre-create"}` adds "Hook pre-create is
/// cleared" and the resource goes on.
@Suite("Hooks (breakpoints)")
struct HookTests {
    let template = """
        heat_template_version: 2018-08-31
        resources:
          a: {type: OS::Heat::RandomString}
          b: {type: OS::Heat::RandomString, depends_on: a}
          c: {type: OS::Heat::None}
        """

    func hooked(_ name: String, _ env: String, template: String? = nil) -> StackRequest {
        var req = request(name, template ?? self.template)
        req.environments = [NamedText(name: "env.yaml", text: env)]
        return req
    }

    let preCreateOnA = "resource_registry:\n  resources:\n    a: {hooks: pre-create}\n"

    func lines(_ engine: Engine, _ name: String, nested: Int = 0) async throws -> [String] {
        let stack = try await engine.stack(name)
        return try await engine.events(of: stack, nestedDepth: nested)
            .map { "\($0.resourceName) \($0.statusText) \($0.reason)" }
    }

    func paused(_ engine: Engine, _ stack: String, _ resource: String, _ hook: String) async throws -> Bool {
        // The stack may not be stored yet.
        guard let lines = try? await lines(engine, stack, nested: 2) else { return false }
        return lines.contains { $0.hasPrefix(resource + " ") && $0.contains("paused until Hook \(hook)") }
    }

    @Test(.timeLimit(.minutes(1)))
    func preCreatePausesUntilCleared() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let create = Task { try await engine.create(hooked("h1", preCreateOnA)) }
        try await waitFor { try await paused(engine, "h1", "a", "pre-create") }
        // The rest of the graph goes on: c is made; b waits for a.
        try await waitFor { try await engine.resources(of: engine.stack("h1")).contains { $0.name == "c" && $0.statusText == "CREATE_COMPLETE" } }
        let stack = try await engine.stack("h1")
        #expect(stack.statusText == "CREATE_IN_PROGRESS")
        let a = try #require(try await engine.resources(of: stack).first { $0.name == "a" })
        #expect(a.statusText == "INIT_COMPLETE")
        // Heat: a hook not set, or not a hook at all, is a 400 (InvalidBreakPointHook).
        await #expect(throws: InvalidBreakPointHook.self) { try await engine.signal("h1", resource: "a", data: ["unset_hook": "pre-update"]) }
        await #expect(throws: InvalidBreakPointHook.self) { try await engine.signal("h1", resource: "c", data: ["unset_hook": "pre-create"]) }
        do {
            try await engine.signal("h1", resource: "a", data: ["unset_hook": "bogus"])
            Issue.record("a bogus hook was accepted")
        } catch let error as InvalidBreakPointHook {
            #expect(error.description == "Invalid hook type \"bogus\" for RandomString \"a\" Stack \"h1\" [\(stack.id)]")
        }
        do {
            try await engine.signal("h1", resource: "c", data: ["unset_hook": "pre-create"])
        } catch let error as InvalidBreakPointHook {
            let c = try #require(try await engine.resources(of: stack).first { $0.name == "c" })
            #expect(error.description == "The \"pre-create\" hook is not defined on NoneResource \"c\" [\(c.physicalID ?? "")] Stack \"h1\" [\(stack.id)]")
        }
        try await engine.signal("h1", resource: "a", data: ["unset_hook": "pre-create"])
        let done = try await create.value
        #expect(done.statusText == "CREATE_COMPLETE")
        let events = try await lines(engine, "h1").filter { !$0.hasPrefix("c ") }
        #expect(events == [
            "h1 CREATE_IN_PROGRESS Stack CREATE started",
            "a INIT_COMPLETE CREATE paused until Hook pre-create is cleared",
            "a INIT_COMPLETE Hook pre-create is cleared",
            "a CREATE_IN_PROGRESS state changed",
            "a CREATE_COMPLETE state changed",
            "b CREATE_IN_PROGRESS state changed",
            "b CREATE_COMPLETE state changed",
            "h1 CREATE_COMPLETE Stack CREATE completed successfully",
        ])
        // The hook's marks are gone from the resource's data.
        let a2 = try #require(try await engine.resources(of: done).first { $0.name == "a" })
        #expect(a2.data.mapValue?["pre-create"] == nil)
    }

    /// A post-create hook pauses after the resource is made (its event at CREATE_COMPLETE);
    /// its dependents wait until it is cleared (measured with heat-oracle).
    @Test(.timeLimit(.minutes(1)))
    func postCreateHoldsTheDependents() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let create = Task { try await engine.create(hooked("hp", "resource_registry:\n  resources:\n    a: {hooks: post-create}\n")) }
        try await waitFor { try await paused(engine, "hp", "a", "post-create") }
        try await Task.sleep(nanoseconds: 200_000_000)
        let stack = try await engine.stack("hp")
        #expect(stack.statusText == "CREATE_IN_PROGRESS")
        #expect(try await engine.resources(of: stack).contains { $0.name == "b" } == false)
        try await engine.signal("hp", resource: "a", data: ["unset_hook": "post-create"])
        #expect(try await create.value.statusText == "CREATE_COMPLETE")
        let events = try await lines(engine, "hp").filter { $0.hasPrefix("a ") || $0.hasPrefix("b ") }
        #expect(events == [
            "a CREATE_IN_PROGRESS state changed",
            "a CREATE_COMPLETE state changed",
            "a CREATE_COMPLETE CREATE paused until Hook post-create is cleared",
            "a CREATE_COMPLETE Hook post-create is cleared",
            "b CREATE_IN_PROGRESS state changed",
            "b CREATE_COMPLETE state changed",
        ])
        let a = try #require(try await engine.resources(of: stack).first { $0.name == "a" })
        #expect(a.data.mapValue?["post-create"] == nil)
        #expect(a.data.mapValue?["value"] != nil)
    }

    /// Heat: the stack's timeout ends the wait: "Failure occurred while waiting." on the
    /// resource (still INIT_COMPLETE), the stack CREATE_FAILED "Timed out".
    @Test(.timeLimit(.minutes(1)))
    func aPausedCreateTimesOut() async throws {
        let home = TemporaryHome()
        let engine = Engine(store: try home.store(), plugins: .native, maxParallel: 64, leaseSeconds: 30, limits: .default,
                            secondsPerTimeoutMinute: 1)
        var req = hooked("ht", preCreateOnA)
        req.timeoutMinutes = 1
        let stack = try await engine.create(req)
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason == "Timed out")
        let events = try await lines(engine, "ht").filter { $0.hasPrefix("a ") }
        #expect(events == [
            "a INIT_COMPLETE CREATE paused until Hook pre-create is cleared",
            "a INIT_COMPLETE Failure occurred while waiting.",
        ])
        let a = try #require(try await engine.resources(of: stack).first { $0.name == "a" })
        #expect(a.statusText == "INIT_COMPLETE")
    }

    /// Heat pauses before updating every resource that exists, changed or not, and before
    /// deleting; the event carries the resource's state (CREATE_COMPLETE).
    @Test(.timeLimit(.minutes(1)))
    func preUpdateAndPreDeleteWithAGlob() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let env = "resource_registry:\n  resources:\n    \"c*\": {hooks: [pre-update, pre-delete]}\n"
        let created = try await engine.create(hooked("hu", env))
        #expect(created.statusText == "CREATE_COMPLETE")
        let update = Task { try await engine.update("hu", UpdateRequest(existing: true)) }
        try await waitFor { try await paused(engine, "hu", "c", "pre-update") }
        #expect(try await lines(engine, "hu").contains("c CREATE_COMPLETE UPDATE paused until Hook pre-update is cleared"))
        try await engine.signal("hu", resource: "c", data: ["unset_hook": "pre-update"])
        #expect(try await update.value.statusText == "UPDATE_COMPLETE")
        #expect(try await lines(engine, "hu").contains("c CREATE_COMPLETE Hook pre-update is cleared"))
        // A second update pauses again: the clearing was for one update only.
        let again = Task { try await engine.update("hu", UpdateRequest(existing: true)) }
        try await waitFor { try await lines(engine, "hu").filter { $0.contains("UPDATE paused until") }.count == 2 }
        try await engine.signal("hu", resource: "c", data: ["unset_hook": "pre-update"])
        #expect(try await again.value.statusText == "UPDATE_COMPLETE")

        let delete = Task { try await engine.delete("hu") }
        try await waitFor { try await paused(engine, "hu", "c", "pre-delete") }
        #expect(try await lines(engine, "hu").contains("c CREATE_COMPLETE DELETE paused until Hook pre-delete is cleared"))
        try await engine.signal("hu", resource: "c", data: ["unset_hook": "pre-delete"])
        #expect(try await delete.value.statusText == "DELETE_COMPLETE")
    }

    /// Hooks reach nested stacks as Heat's do: `{nest: {x: {hooks: ...}}}` is the child's `x`,
    /// and the child's resource is signalled in the child stack.
    @Test(.timeLimit(.minutes(1)))
    func nestedHook() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let inner = "heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::Heat::RandomString}\n  y: {type: OS::Heat::None}\n"
        let outer = "heat_template_version: 2018-08-31\nresources:\n  nest: {type: inner.yaml}\n  x: {type: OS::Heat::None}\n"
        var req = hooked("hn", "resource_registry:\n  resources:\n    nest:\n      x: {hooks: pre-create}\n", template: outer)
        req.files = ["inner.yaml": inner]
        let create = Task { try await engine.create(req) }
        try await waitFor {
            ((try? await lines(engine, "hn", nested: 1)) ?? []).contains { $0.hasSuffix("/x INIT_COMPLETE CREATE paused until Hook pre-create is cleared") }
        }
        let parent = try await engine.stack("hn")
        // The parent's own x has no hook: the entry is the child's.
        #expect(try await engine.resources(of: parent).contains { $0.name == "x" && $0.statusText == "CREATE_COMPLETE" })
        let child = try #require(try await engine.nestedStacks(of: parent).first)
        try await engine.signal(child.id, resource: "x", data: ["unset_hook": "pre-create"])
        #expect(try await create.value.statusText == "CREATE_COMPLETE")
        #expect(try await lines(engine, child.id).contains("x INIT_COMPLETE Hook pre-create is cleared"))
    }

    /// A pause outlives the engine: the store as it was while paused (the files copied, as a
    /// process killed then would leave them) is opened by a new engine. Its start-up recovery
    /// leaves the paused stack alone (resuming it would hold the process until someone clears
    /// the hook); clearing the hook there resumes the create, to its end.
    @Test(.timeLimit(.minutes(1)))
    func aPauseSurvivesARestart() async throws {
        let home = TemporaryHome()
        let first = Engine(store: try home.store(), plugins: .native, maxParallel: 64, leaseSeconds: 1)
        let create = Task { try await first.create(hooked("hr", preCreateOnA)) }
        try await waitFor { try await paused(first, "hr", "a", "pre-create") }
        let after = TemporaryHome()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: home.databasePath + suffix) {
            try FileManager.default.copyItem(atPath: home.databasePath + suffix, toPath: after.databasePath + suffix)
        }
        // The first engine goes on in its own files; let it finish there.
        try await first.signal("hr", resource: "a", data: ["unset_hook": "pre-create"])
        #expect(try await create.value.statusText == "CREATE_COMPLETE")

        try await Task.sleep(nanoseconds: 1_200_000_000)  // the copied lease lapses
        let second = Engine(store: try after.store(), plugins: .native, maxParallel: 64, leaseSeconds: 1)
        #expect(await second.recover().isEmpty)
        #expect(try await second.stack("hr").statusText == "CREATE_IN_PROGRESS")
        #expect(try await lines(second, "hr").filter { $0.contains("paused until") }.count == 1)
        #expect(try await second.resources(of: second.stack("hr")).first { $0.name == "a" }?.statusText == "INIT_COMPLETE")
        try await second.signal("hr", resource: "a", data: ["unset_hook": "pre-create"])
        let resumed = await second.resumeAfterHookCleared()
        #expect(resumed.map(\.statusText) == ["CREATE_COMPLETE"])
        // Still one pause: the resumed walk found the clearing and went on.
        #expect(try await lines(second, "hr").filter { $0.contains("paused until") }.count == 1)
    }
}
