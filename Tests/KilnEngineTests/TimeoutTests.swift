import Foundation
@testable import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate
import Testing

/// `timeout_mins`, with minutes shortened to 2 s (long enough for a loaded machine to start the first resource), and stores that cannot be written.
@Suite("Engine timeouts and store failures")
struct TimeoutTests {
    func engine(_ home: TemporaryHome) throws -> Engine {
        Engine(store: try home.store(), plugins: .native, maxParallel: 64, leaseSeconds: 30, limits: .default,
               secondsPerTimeoutMinute: 2)
    }

    let slow = """
        heat_template_version: 2021-04-16
        resources:
          slow: {type: OS::Heat::TestResource, properties: {wait_secs: 600}}
          after: {type: OS::Heat::None, depends_on: [slow]}
        """

    /// Not before the deadline, and well short of the resource's own 600 s: a loaded CI machine
    /// running the whole suite in parallel has taken 40 s to get there, so the bound is loose.
    @Test(.timeLimit(.minutes(6)))
    func createTimesOutAtTheDeadline() async throws {
        let home = TemporaryHome()
        let engine = try engine(home)
        var request = request("to", slow)
        request.timeoutMinutes = 1
        let started = Date()
        let stack = try await engine.create(request)
        let elapsed = Date().timeIntervalSince(started)
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason == "Timed out")
        #expect(elapsed >= 1.95 && elapsed < 300, "timed out after \(elapsed) s")
        let resources = try await engine.resources(of: stack)
        #expect(resources.map { "\($0.name) \($0.statusText)" } == ["slow CREATE_FAILED"])
        #expect(resources.first?.statusReason == "timed out")
    }

    @Test(.timeLimit(.minutes(1)))
    func createTimeoutWithRollbackDeletesWhatWasMade() async throws {
        let home = TemporaryHome()
        let engine = try engine(home)
        // Only the create waits (as Heat's action_wait_secs says): the rollback deletes the
        // timed-out resource, which exists (it has its physical id), at once.
        let slowCreate = """
            heat_template_version: 2021-04-16
            resources:
              slow: {type: OS::Heat::TestResource, properties: {action_wait_secs: {create: 600}}}
              after: {type: OS::Heat::None, depends_on: [slow]}
            """
        var request = request("tr", slowCreate, rollback: true)
        request.timeoutMinutes = 1
        let stack = try await engine.create(request)
        #expect(stack.statusText == "ROLLBACK_COMPLETE")
        await #expect(try engine.events(of: stack, resource: "tr").map(\.reason).contains("Timed out"))
        await #expect(try engine.resources(of: stack).isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func updateTimesOut() async throws {
        let home = TemporaryHome()
        let engine = try engine(home)
        let quick = "heat_template_version: 2021-04-16\nresources:\n  t: {type: OS::Heat::TestResource, properties: {value: a}}\n"
        try await engine.create(request("tu", quick))
        let slowUpdate = quick.replacingOccurrences(of: "{value: a}", with: "{value: b, action_wait_secs: {update: 600}}")
        let stack = try await engine.update("tu", UpdateRequest(templateName: "tu.yaml", template: slowUpdate, timeoutMinutes: 1))
        #expect(stack.statusText == "UPDATE_FAILED")
        #expect(stack.statusReason == "Timed out")
    }

    /// A deadline that passes before a resource could even start still fails the operation
    /// (nothing was done, and the stack must not claim it was).
    @Test func deadlinePassedBeforeAnythingStarted() async throws {
        let home = TemporaryHome()
        let instant = Engine(store: try home.store(), plugins: .native, maxParallel: 64, leaseSeconds: 30, limits: .default,
                             secondsPerTimeoutMinute: 0)
        var request = request("late", "heat_template_version: 2021-04-16\nresources:\n  n: {type: OS::Heat::None}\n")
        request.timeoutMinutes = 1
        let stack = try await instant.create(request)
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason == "Timed out")
    }

    /// A second connection holds the write lock: every write fails with a clear message and
    /// nothing is half written.
    @Test(.timeLimit(.minutes(1)))
    func lockedDatabaseIsAClearErrorAndChangesNothing() async throws {
        let home = TemporaryHome()
        let engine = Engine(store: try SQLiteStore(path: home.databasePath, busyTimeout: 0.2))
        let template = "heat_template_version: 2021-04-16\nresources:\n  v: {type: OS::Heat::Value, properties: {value: a}}\n"
        let created = try await engine.create(request("kept", template))
        let events = try await engine.events(of: created).count

        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [home.databasePath]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = Pipe()
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nSELECT 'locked';\n".utf8))
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        // Wait until the lock is really held.
        try await waitFor {
            do {
                try await SQLiteStore(path: home.databasePath, busyTimeout: 0).commit(StoreBatch(events: []))
                _ = try await SQLiteStore(path: home.databasePath, busyTimeout: 0).claim(
                    stackID: "none", owner: "probe", until: Date(), now: Date())
                return false
            } catch { return true }
        }

        do {
            try await engine.create(request("new", template))
            Issue.record("create should fail while the database is locked")
        } catch let error as StoreError {
            #expect(error.description.contains("database is locked"))
            #expect(error.description.contains(home.databasePath))
        }
        do {
            try await engine.update("kept", UpdateRequest(templateName: "t.yaml", template: template.replacingOccurrences(of: "value: a", with: "value: b")))
            Issue.record("update should fail while the database is locked")
        } catch let error as StoreError {
            #expect(error.description.contains("database is locked"))
        }

        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        let stacks = try await engine.stacks()
        #expect(stacks.map(\.name) == ["kept"])
        let kept = try await engine.stack("kept")
        #expect(kept.statusText == "CREATE_COMPLETE")
        #expect(kept.owner == nil)
        await #expect(try engine.events(of: kept).count == events)
        await #expect(try engine.outputs(of: kept).isEmpty)
        // Once the lock is gone the stack updates normally.
        let updated = try await engine.update("kept", UpdateRequest(templateName: "t.yaml", template: template.replacingOccurrences(of: "value: a", with: "value: b")))
        #expect(updated.statusText == "UPDATE_COMPLETE")
    }

    @Test func unwritableStorePathIsAClearError() throws {
        let home = TemporaryHome()
        let blocker = home.write("file", "not a directory")
        #expect {
            _ = try SQLiteStore(path: blocker + "/kiln.db")
        } throws: { error in
            (error as? StoreError)?.description.contains("cannot open database at \(blocker)/kiln.db") == true
        }
        let garbage = home.write("garbage.db", String(repeating: "not sqlite ", count: 100))
        #expect {
            _ = try SQLiteStore(path: garbage)
        } throws: { error in
            (error as? StoreError)?.description.contains(garbage) == true
        }
    }
}

/// A finished operation gives up its claim, so another live process can work on the stack
/// at once (not only after the lease expires).
@Suite("Engine claims")
struct ClaimTests {
    @Test func anotherEngineCanUpdateRightAfterAnOperation() async throws {
        let home = TemporaryHome()
        let first = try home.engine()
        let template = "heat_template_version: 2021-04-16\nresources:\n  v: {type: OS::Heat::Value, properties: {value: a}}\n"
        let created = try await first.create(request("shared", template))
        await #expect(try first.stack("shared").owner == nil)
        let second = try home.engine()
        let updated = try await second.update("shared", UpdateRequest(templateName: "t.yaml", template: template.replacingOccurrences(of: "value: a", with: "value: b")))
        #expect(updated.statusText == "UPDATE_COMPLETE")
        #expect(try await first.suspend("shared").statusText == "SUSPEND_COMPLETE")
        #expect(try await second.resume(created.id).statusText == "RESUME_COMPLETE")
    }
}
