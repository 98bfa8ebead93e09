import Foundation
import Testing

/// `kiln stack` action commands end to end: the real binary against a temporary `--home`.
@Suite("Stack action CLI")
struct StackActionCLITests {
    static let template = """
        heat_template_version: 2021-04-16
        parameters:
          salt: {type: string, default: a}
        resources:
          rand: {type: OS::Heat::RandomString, properties: {length: 10, salt: {get_param: salt}}}
          after: {type: OS::Heat::None, depends_on: [rand]}
        outputs:
          value: {value: {get_attr: [rand, value]}}
        """

    func status(_ home: KilnHome, _ name: String) async throws -> String? {
        (try await home.json(["stack", "show", name]) as? [String: Any])?["stack_status"] as? String
    }

    func value(_ home: KilnHome, _ name: String) async throws -> String? {
        try await home.json(["stack", "output", "show", name, "value"]) as? String
    }

    @Test func suspendResumeAndCheck() async throws {
        let home = try KilnHome()
        #expect(try await home.kiln(["stack", "create", "s", "-t", try home.write("t.yaml", Self.template)]).status == 0)
        let suspend = try await home.kiln(["stack", "suspend", "s", "--wait"])
        #expect(suspend.status == 0, "\(suspend.stderr)")
        #expect(suspend.stdout.contains("[rand]: SUSPEND_COMPLETE"))
        #expect(suspend.stdout.contains("stack_status         SUSPEND_COMPLETE"))
        let resume = try await home.kiln(["stack", "resume", "s"])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stdout.contains("RESUME_COMPLETE"))
        let check = try await home.kiln(["stack", "check", "s", "--format", "json"])
        #expect(check.status == 0, "\(check.stderr)")
        let body = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
        #expect(body?["stack_status"] as? String == "CHECK_COMPLETE")
        #expect(body?["stack_status_reason"] as? String == "Stack CHECK completed successfully")
        let missing = try await home.kiln(["stack", "suspend", "ghost"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("stack 'ghost' not found"))
    }

    @Test func abandonThenAdopt() async throws {
        let home = try KilnHome()
        #expect(try await home.kiln(["stack", "create", "s", "-t", try home.write("t.yaml", Self.template)]).status == 0)
        let before = try await value(home, "s")
        let data = home.directory.appendingPathComponent("abandon.json").path
        let abandon = try await home.kiln(["stack", "abandon", "s", "--output-file", data])
        #expect(abandon.status == 0, "\(abandon.stderr)")
        #expect(abandon.stdout.isEmpty)
        #expect(try await home.kiln(["stack", "show", "s"]).status == 1)
        let adopt = try await home.kiln(["stack", "adopt", "s2", "--adopt-file", data, "--wait"])
        #expect(adopt.status == 0, "\(adopt.stderr)")
        #expect(adopt.stdout.contains("[rand]: ADOPT_COMPLETE"))
        #expect(adopt.stdout.contains("ADOPT_COMPLETE  Stack ADOPT completed successfully"))
        #expect(try await value(home, "s2") == before)
        let again = try await home.kiln(["stack", "adopt", "s2", "--adopt-file", data])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        let bad = try await home.kiln(["stack", "adopt", "s3", "--adopt-file", try home.write("bad.json", "{not json")])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("invalid JSON"))
    }

    @Test func snapshotCreateListRestoreDelete() async throws {
        let home = try KilnHome()
        #expect(try await home.kiln(["stack", "create", "s", "-t", try home.write("t.yaml", Self.template)]).status == 0)
        let original = try await value(home, "s")
        let created = try #require(try await home.json(["stack", "snapshot", "create", "s", "--name", "snap"]) as? [String: Any])
        #expect(created["name"] as? String == "snap")
        #expect(created["status"] as? String == "COMPLETE")
        let id = try #require(created["id"] as? String)
        let list = try await home.kiln(["stack", "snapshot", "list", "s"])
        #expect(list.status == 0)
        #expect(list.stdout.contains(id) && list.stdout.contains("snap"))

        #expect(try await home.kiln(["stack", "update", "s", "--existing", "--parameter", "salt=b"]).status == 0)
        #expect(try await value(home, "s") != original)
        let restore = try await home.kiln(["stack", "snapshot", "restore", "s", id, "--wait"])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout.contains("[s]: RESTORE_COMPLETE"))
        #expect(try await value(home, "s") == original)

        let delete = try await home.kiln(["stack", "snapshot", "delete", "s", id])
        #expect(delete.status == 0)
        #expect(delete.stdout.contains("Snapshot \(id) deleted"))
        #expect((try await home.json(["stack", "snapshot", "list", "s"]) as? [Any])?.isEmpty == true)
        let gone = try await home.kiln(["stack", "snapshot", "restore", "s", id])
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("snapshot '\(id)' not found"))
    }

    @Test func signalAWaitConditionHandle() async throws {
        let home = try KilnHome()
        let template = try home.write("h.yaml", """
            heat_template_version: 2021-04-16
            resources:
              handle: {type: OS::Heat::WaitConditionHandle}
            """)
        #expect(try await home.kiln(["stack", "create", "h", "-t", template]).status == 0)
        let signal = try await home.kiln(["stack", "signal", "h", "handle", "--data", #"{"status": "SUCCESS", "data": "ok"}"#])
        #expect(signal.status == 0, "\(signal.stderr)")
        let resource = try #require(try await home.json(["stack", "resource", "show", "h", "handle"]) as? [String: Any])
        let metadata = resource["metadata"] as? [String: Any] ?? resource["resource_metadata"] as? [String: Any]
        #expect((metadata?["1"] as? [String: Any])?["data"] as? String == "ok")
        let bad = try await home.kiln(["stack", "signal", "h", "handle", "--data", #"{"status": "MAYBE"}"#])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("Metadata format invalid"))
        let notJSON = try await home.kiln(["stack", "signal", "h", "handle", "--data", "{"])
        #expect(notJSON.status == 1)
        #expect(notJSON.stderr.contains("invalid JSON"))
    }

    @Test func cancelWithoutAnUpdateIsRefused() async throws {
        let home = try KilnHome()
        #expect(try await home.kiln(["stack", "create", "s", "-t", try home.write("t.yaml", Self.template)]).status == 0)
        let cancel = try await home.kiln(["stack", "cancel", "s"])
        #expect(cancel.status == 1)
        #expect(cancel.stderr.contains("not UPDATE_IN_PROGRESS"))
    }

    /// `stack cancel` from a second process stops an update running in the first.
    @Test func cancelStopsAnUpdateInAnotherProcess() async throws {
        let home = try KilnHome()
        let quick = "heat_template_version: 2021-04-16\nresources:\n  t: {type: OS::Heat::TestResource, properties: {value: a}}\n"
        #expect(try await home.kiln(["stack", "create", "c", "-t", try home.write("q.yaml", quick), "--enable-rollback"]).status == 0)
        let slow = try home.write("slow.yaml", quick.replacingOccurrences(of: "{value: a}", with: "{value: b, action_wait_secs: {update: 600}}"))
        let running = try home.start(["stack", "update", "c", "-t", slow, "--wait"])
        #expect(try await running.printed("[t]: UPDATE_IN_PROGRESS"))
        let cancel = try await home.kiln(["stack", "cancel", "c"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout.contains("Cancel requested for stack c"))
        await running.process.exited()
        let result = try running.result()
        #expect(result.stdout.contains("ROLLBACK_COMPLETE  Stack ROLLBACK completed successfully"))
        #expect(try await status(home, "c") == "ROLLBACK_COMPLETE")
    }

    /// `stack cancel --no-rollback` from a second process stops a create where it is.
    @Test func cancelWithoutRollbackStopsACreateInAnotherProcess() async throws {
        let home = try KilnHome()
        let slow = try home.write("slow.yaml", """
            heat_template_version: 2021-04-16
            resources:
              first: {type: OS::Heat::None}
              t: {type: OS::Heat::TestResource, depends_on: [first], properties: {value: a, action_wait_secs: {create: 600}}}
            """)
        let running = try home.start(["stack", "create", "n", "-t", slow, "--wait", "--enable-rollback"])
        #expect(try await running.printed("[t]: CREATE_IN_PROGRESS"))
        let cancel = try await home.kiln(["stack", "cancel", "n", "--no-rollback"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        await running.process.exited()
        let result = try running.result()
        #expect(result.status == 1)
        #expect(result.stderr.contains("kiln: stack n CREATE_FAILED: Stack CREATE cancelled"))
        #expect(!result.stdout.contains("ROLLBACK"))
        #expect(try await status(home, "n") == "CREATE_FAILED")
    }

    @Test func aFailedStackExitsOneWithItsReason() async throws {
        let home = try KilnHome()
        let failing = try home.write("f.yaml", """
            heat_template_version: 2021-04-16
            resources:
              t: {type: OS::Heat::TestResource, properties: {fail: true}}
            """)
        let create = try await home.kiln(["stack", "create", "f", "-t", failing])
        #expect(create.status == 1)
        #expect(create.stderr.contains("kiln: stack f CREATE_FAILED: Resource CREATE failed: Test Resource failed t"))
        let check = try await home.kiln(["stack", "check", "f"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("kiln: stack f CHECK_FAILED: Resource CHECK failed: Resource not created"))
        #expect(try await status(home, "f") == "CHECK_FAILED")
    }
}
