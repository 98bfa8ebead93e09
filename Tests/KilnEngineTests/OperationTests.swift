import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

/// Every stack operation through the Engine API, with its status transitions and events.
@Suite("Engine operations")
struct OperationTests {
    /// `base` first, then a TestResource `t` after it.
    static func pair(_ testProperties: String = "{value: one}") -> String {
        """
        heat_template_version: 2021-04-16
        resources:
          base: {type: OS::Heat::None}
          t:
            type: OS::Heat::TestResource
            depends_on: [base]
            properties: \(testProperties)
        outputs:
          out: {value: {get_attr: [t, output]}}
          ref: {value: {get_resource: t}}
        """
    }

    func stackLines(_ log: EventLog, _ stack: String) -> [String] {
        log.all.filter { $0.resourceName == stack }.map { "\($0.statusText) \($0.reason)" }
    }

    // MARK: Create failures

    @Test func failedCreateRollsBackAndDeletesWhatWasMade() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let log = EventLog()
        let stack = try await engine.create(request("rb", Self.pair("{fail: true}"), rollback: true), observer: log.observer)
        #expect(stack.statusText == "ROLLBACK_COMPLETE")
        #expect(stack.statusReason == "Stack ROLLBACK completed successfully")
        #expect(stackLines(log, "rb") == [
            "CREATE_IN_PROGRESS Stack CREATE started",
            "CREATE_FAILED Resource CREATE failed: Test Resource failed t",
            "ROLLBACK_IN_PROGRESS Stack ROLLBACK started",
            "ROLLBACK_COMPLETE Stack ROLLBACK completed successfully",
        ])
        #expect(log.lines.contains("t CREATE_FAILED"))
        #expect(log.lines.contains("base DELETE_COMPLETE"))
        await #expect(try engine.resources(of: stack).isEmpty)
        await #expect(try engine.stack("rb").statusText == "ROLLBACK_COMPLETE")
    }

    @Test func failedCreateWithoutRollbackKeepsTheFailure() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("nf", Self.pair("{fail: true}")))
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason == "Resource CREATE failed: Test Resource failed t")
        let resources = try await engine.resources(of: stack)
        #expect(resources.map { "\($0.name) \($0.statusText)" }.sorted() == ["base CREATE_COMPLETE", "t CREATE_FAILED"])
        #expect(resources.first { $0.name == "t" }?.statusReason == "Test Resource failed t")
        // A failed stack can be deleted.
        #expect(try await engine.delete("nf").statusText == "DELETE_COMPLETE")
    }

    // MARK: Update

    @Test func updateInPlaceKeepsTheResourceAndReplaceMakesANewOne() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let created = try await engine.create(request("up", Self.pair()))
        let firstID = try await engine.resources(of: created).first { $0.name == "t" }?.physicalID
        #expect(firstID != nil)

        let log = EventLog()
        let inPlace = try await engine.update(
            "up", UpdateRequest(templateName: "up.yaml", template: Self.pair("{value: two}")), observer: log.observer)
        #expect(inPlace.statusText == "UPDATE_COMPLETE")
        #expect(log.lines == ["up UPDATE_IN_PROGRESS", "t UPDATE_IN_PROGRESS", "t UPDATE_COMPLETE", "up UPDATE_COMPLETE"])
        await #expect(try engine.resources(of: inPlace).first { $0.name == "t" }?.physicalID == firstID)
        await #expect(try engine.outputs(of: inPlace).first { $0.key == "out" }?.value == "two")

        let replacing = EventLog()
        let replaced = try await engine.update(
            "up", UpdateRequest(templateName: "up.yaml", template: Self.pair("{value: three, update_replace: true}")),
            observer: replacing.observer)
        #expect(replaced.statusText == "UPDATE_COMPLETE")
        let newID = try await engine.resources(of: replaced).first { $0.name == "t" }?.physicalID
        #expect(newID != nil && newID != firstID)
        #expect(replacing.lines.contains("t CREATE_COMPLETE"))
        await #expect(try engine.outputs(of: replaced).first { $0.key == "out" }?.value == "three")
        await #expect(try engine.outputs(of: replaced).first { $0.key == "ref" }?.value == newID.map(Value.string))
    }

    @Test func failedUpdateWithoutRollbackIsUpdateFailed() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        try await engine.create(request("uf", Self.pair()))
        let failed = try await engine.update("uf", UpdateRequest(templateName: "uf.yaml", template: Self.pair("{value: two, fail: true}")))
        #expect(failed.statusText == "UPDATE_FAILED")
        #expect(failed.statusReason == "Resource UPDATE failed: Test Resource failed t")
        await #expect(try engine.resources(of: failed).first { $0.name == "t" }?.statusText == "UPDATE_FAILED")
        // The next good update replaces the failed resource and completes.
        let fixed = try await engine.update("uf", UpdateRequest(templateName: "uf.yaml", template: Self.pair("{value: four}")))
        #expect(fixed.statusText == "UPDATE_COMPLETE")
        await #expect(try engine.outputs(of: fixed).first { $0.key == "out" }?.value == "four")
    }

    @Test func failedUpdateWithRollbackReturnsToThePreviousTemplate() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let created = try await engine.create(request("ur", Self.pair(), rollback: true))
        let log = EventLog()
        let result = try await engine.update(
            "ur", UpdateRequest(templateName: "ur.yaml", template: Self.pair("{value: two, fail: true}")), observer: log.observer)
        #expect(result.statusText == "ROLLBACK_COMPLETE")
        #expect(stackLines(log, "ur") == [
            "UPDATE_IN_PROGRESS Stack UPDATE started",
            "UPDATE_FAILED Resource UPDATE failed: Test Resource failed t",
            "ROLLBACK_IN_PROGRESS Stack ROLLBACK started",
            "ROLLBACK_COMPLETE Stack ROLLBACK completed successfully",
        ])
        let stack = try await engine.stack("ur")
        #expect(stack.templateID == created.templateID)
        await #expect(try engine.outputs(of: stack).first { $0.key == "out" }?.value == "one")
        await #expect(try engine.resources(of: stack).allSatisfy { $0.status == .complete })
    }

    @Test(.timeLimit(.minutes(1)))
    func cancelledUpdateRollsBack() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let created = try await engine.create(request("cu", Self.pair(), rollback: true))
        let slow = Self.pair("{value: two, action_wait_secs: {update: 600}}")
        let update = Task { try await engine.update("cu", UpdateRequest(templateName: "cu.yaml", template: slow)) }
        try await waitFor { try await engine.resources(of: engine.stack("cu")).first { $0.name == "t" }?.statusText == "UPDATE_IN_PROGRESS" }
        try await engine.cancelUpdate("cu")
        let result = try await update.value
        #expect(result.statusText == "ROLLBACK_COMPLETE")
        let stack = try await engine.stack("cu")
        #expect(stack.statusText == "ROLLBACK_COMPLETE")
        #expect(stack.templateID == created.templateID)
        await #expect(try engine.outputs(of: stack).first { $0.key == "out" }?.value == "one")
        let reasons = try await engine.events(of: stack, resource: "cu").map { "\($0.statusText) \($0.reason)" }
        #expect(Array(reasons.suffix(4)) == [
            "UPDATE_IN_PROGRESS Stack UPDATE cancel requested", "UPDATE_FAILED Stack UPDATE cancelled",
            "ROLLBACK_IN_PROGRESS Stack ROLLBACK started", "ROLLBACK_COMPLETE Stack ROLLBACK completed successfully",
        ])
        // Nothing left to cancel.
        await #expect(throws: EngineError.self) { try await engine.cancelUpdate("cu") }
    }

    // MARK: Suspend, resume, check

    @Test func suspendThenResume() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        try await engine.create(request("sr", Self.pair()))
        let log = EventLog()
        let suspended = try await engine.suspend("sr", observer: log.observer)
        #expect(suspended.statusText == "SUSPEND_COMPLETE")
        #expect(suspended.statusReason == "Stack SUSPEND completed successfully")
        // Dependents first.
        #expect(log.lines == [
            "sr SUSPEND_IN_PROGRESS", "t SUSPEND_IN_PROGRESS", "t SUSPEND_COMPLETE",
            "base SUSPEND_IN_PROGRESS", "base SUSPEND_COMPLETE", "sr SUSPEND_COMPLETE",
        ])
        await #expect(try engine.resources(of: suspended).allSatisfy { $0.statusText == "SUSPEND_COMPLETE" })

        let resuming = EventLog()
        let resumed = try await engine.resume("sr", observer: resuming.observer)
        #expect(resumed.statusText == "RESUME_COMPLETE")
        #expect(resuming.lines == [
            "sr RESUME_IN_PROGRESS", "base RESUME_IN_PROGRESS", "base RESUME_COMPLETE",
            "t RESUME_IN_PROGRESS", "t RESUME_COMPLETE", "sr RESUME_COMPLETE",
        ])
        await #expect(try engine.outputs(of: resumed).first { $0.key == "out" }?.value == "one")
        // A resumed stack updates as usual.
        let updated = try await engine.update("sr", UpdateRequest(templateName: "sr.yaml", template: Self.pair("{value: two}")))
        #expect(updated.statusText == "UPDATE_COMPLETE")
    }

    @Test func checkCompletes() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        try await engine.create(request("ck", Self.pair()))
        let log = EventLog()
        let checked = try await engine.check("ck", observer: log.observer)
        #expect(checked.statusText == "CHECK_COMPLETE")
        #expect(checked.statusReason == "Stack CHECK completed successfully")
        #expect(log.lines.first == "ck CHECK_IN_PROGRESS")
        #expect(log.lines.contains("t CHECK_COMPLETE") && log.lines.contains("base CHECK_COMPLETE"))
        await #expect(try engine.resources(of: checked).allSatisfy { $0.statusText == "CHECK_COMPLETE" })
        await #expect(try engine.outputs(of: checked).first { $0.key == "out" }?.value == "one")
    }

    // MARK: Abandon and adopt

    @Test func abandonThenAdoptKeepsIdsAndOutputs() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              rand: {type: OS::Heat::RandomString, properties: {length: 12}}
              t: {type: OS::Heat::TestResource, properties: {value: {get_attr: [rand, value]}}}
            outputs:
              rand: {value: {get_attr: [rand, value]}}
              t: {value: {get_attr: [t, output]}}
              ids: {value: [{get_resource: rand}, {get_resource: t}]}
            """
        let created = try await engine.create(request("ab", template))
        let ids = Dictionary(uniqueKeysWithValues: try await engine.resources(of: created).map { ($0.name, $0.physicalID) })
        let outputs = try await engine.outputs(of: created)

        let data = try await engine.abandon("ab")
        await #expect(throws: EngineError.self) { try await engine.stack("ab") }
        #expect(data.mapValue?["name"] == "ab")
        #expect(data.mapValue?["resources"]?.mapValue?["t"]?.mapValue?["resource_id"] == ids["t"]!.map(Value.string))

        let log = EventLog()
        let adopted = try await engine.adopt(request("ab2", template), data: data, observer: log.observer)
        #expect(adopted.statusText == "ADOPT_COMPLETE")
        #expect(log.lines.first == "ab2 ADOPT_IN_PROGRESS" && log.lines.last == "ab2 ADOPT_COMPLETE")
        #expect(log.lines.contains("t ADOPT_COMPLETE"))
        let adoptedIDs = Dictionary(uniqueKeysWithValues: try await engine.resources(of: adopted).map { ($0.name, $0.physicalID) })
        #expect(adoptedIDs == ids)
        await #expect(try engine.outputs(of: adopted) == outputs)
        // Adopted resources update like created ones.
        #expect(try await engine.update("ab2", UpdateRequest(existing: true)).statusText == "UPDATE_COMPLETE")
    }

    // MARK: Snapshot and restore

    @Test func restoreBringsBackARandomString() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        func template(salt: String) -> String {
            """
            heat_template_version: 2021-04-16
            resources:
              rand: {type: OS::Heat::RandomString, properties: {length: 16, salt: \(salt)}}
            outputs:
              value: {value: {get_attr: [rand, value]}}
            """
        }
        let created = try await engine.create(request("sn", template(salt: "a")))
        let original = try await engine.outputs(of: created).first?.value
        let snapshot = try await engine.snapshot("sn", name: "first")
        #expect(snapshot.status == .complete)
        #expect(snapshot.name == "first")
        await #expect(try engine.stack("sn").statusText == "SNAPSHOT_COMPLETE")
        await #expect(try engine.snapshots(of: engine.stack("sn")).map(\.id) == [snapshot.id])

        try await engine.update("sn", UpdateRequest(templateName: "sn.yaml", template: template(salt: "b")))
        let changed = try await engine.outputs(of: engine.stack("sn")).first?.value
        #expect(changed != original)

        let log = EventLog()
        let restored = try await engine.restore("sn", snapshotID: snapshot.id, observer: log.observer)
        #expect(restored.statusText == "RESTORE_COMPLETE")
        #expect(log.lines.first == "sn RESTORE_IN_PROGRESS" && log.lines.last == "sn RESTORE_COMPLETE")
        let stack = try await engine.stack("sn")
        #expect(stack.statusText == "RESTORE_COMPLETE")
        await #expect(try engine.outputs(of: stack).first?.value == original)
        await #expect(try engine.resources(of: stack).allSatisfy { $0.status == .complete })
        // The restored stack is whole: a reopened engine sees the same value.
        await #expect(try home.engine().outputs(of: home.engine().stack("sn")).first?.value == original)

        try await engine.deleteSnapshot("sn", snapshotID: snapshot.id)
        await #expect(try engine.snapshots(of: stack).isEmpty)
        await #expect(throws: EngineError.self) { try await engine.deleteSnapshot("sn", snapshotID: snapshot.id) }
    }

    // MARK: Delete

    /// A retained resource is forgotten, not deleted: its (hour-long) delete never runs.
    @Test(.timeLimit(.minutes(1)))
    func retainedResourcesAreNotDeleted() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              kept:
                type: OS::Heat::TestResource
                deletion_policy: Retain
                properties: {action_wait_secs: {delete: 3600}}
              gone: {type: OS::Heat::None}
            """
        try await engine.create(request("rt", template))
        let log = EventLog()
        let deleted = try await engine.delete("rt", observer: log.observer)
        #expect(deleted.statusText == "DELETE_COMPLETE")
        #expect(log.lines.contains("kept DELETE_COMPLETE") && log.lines.contains("gone DELETE_COMPLETE"))
        await #expect(throws: EngineError.self) { try await engine.stack("rt") }
    }

    // MARK: Busy stacks

    @Test(.timeLimit(.minutes(1)))
    func operationsOnABusyStackAreRefusedAndChangeNothing() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        try await engine.create(request("busy", Self.pair(), rollback: true))
        let slow = Self.pair("{value: two, action_wait_secs: {update: 600}}")
        let update = Task { try await engine.update("busy", UpdateRequest(templateName: "busy.yaml", template: slow)) }
        try await waitFor { try await engine.resources(of: engine.stack("busy")).first { $0.name == "t" }?.statusText == "UPDATE_IN_PROGRESS" }

        // Another process (its own engine on the same file) is refused too.
        let other = try home.engine()
        let before = try await engine.stack("busy")
        let events = try await engine.events(of: before).count
        for engine in [engine, other] {
            await #expect(throws: EngineError.self) {
                try await engine.update("busy", UpdateRequest(templateName: "busy.yaml", template: Self.pair("{value: x}")))
            }
            await #expect(throws: EngineError.self) { try await engine.suspend("busy") }
            await #expect(throws: EngineError.self) { try await engine.resume("busy") }
            await #expect(throws: EngineError.self) { try await engine.check("busy") }
            await #expect(throws: EngineError.self) { try await engine.snapshot("busy", name: nil) }
            await #expect(throws: EngineError.self) { try await engine.abandon("busy") }
            await #expect(throws: EngineError.self) { try await engine.delete("busy") }
        }
        let after = try await engine.stack("busy")
        #expect(after.statusText == "UPDATE_IN_PROGRESS")
        #expect(after.templateID == before.templateID)
        await #expect(try engine.events(of: after).count == events)
        await #expect(try engine.snapshots(of: after).isEmpty)

        try await engine.cancelUpdate("busy")
        #expect(try await update.value.statusText == "ROLLBACK_COMPLETE")
    }
}

/// Polls until `condition` holds (at most 20 s).
func waitFor(_ condition: () async throws -> Bool) async throws {
    for _ in 0..<400 {
        if try await condition() { return }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    Issue.record("condition never held")
    throw CancellationError()
}
