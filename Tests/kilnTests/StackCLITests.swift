import Foundation
import Testing

/// `kiln stack ...` end to end: the real binary against a temporary `--home`.
@Suite("Stack CLI")
struct StackCLITests {
    @Test func createWithWaitShowsProgressAndEndsComplete() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        let run = try await home.kiln(["stack", "create", "demo", "-t", template, "--wait"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("[demo]: CREATE_IN_PROGRESS  Stack CREATE started") == true)
        #expect(lines.contains { $0.hasSuffix("[first]: CREATE_IN_PROGRESS  state changed") })
        #expect(lines.contains { $0.hasSuffix("[second]: CREATE_COMPLETE  state changed") })
        #expect(lines.contains { $0.hasSuffix("[demo]: CREATE_COMPLETE  Stack CREATE completed successfully") })
        #expect(lines.first?.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \["#, options: .regularExpression) != nil)
        #expect(run.stdout.contains("stack_status         CREATE_COMPLETE"))
    }

    @Test func createWithoutWaitPrintsNoProgress() async throws {
        let home = try KilnHome()
        let run = try await home.kiln(["stack", "create", "quiet", "-t", try home.write("t.yaml", StackTemplates.pair)])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("state changed"))
        #expect(run.stdout.contains("CREATE_COMPLETE"))
    }

    @Test func showAsJSONHasHeatFieldsAndHidesHiddenParameters() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template, "--tag", "a,b"]).status == 0)
        let body = try #require(try await home.json(["stack", "show", "demo"]) as? [String: Any])
        #expect(body["stack_status"] as? String == "CREATE_COMPLETE")
        #expect(body["stack_status_reason"] as? String == "Stack CREATE completed successfully")
        #expect(body["stack_name"] as? String == "demo")
        #expect((body["id"] as? String)?.isEmpty == false)
        #expect(body["disable_rollback"] as? Bool == true)
        #expect(body["tags"] as? [String] == ["a", "b"])
        let parameters = try #require(body["parameters"] as? [String: String])
        #expect(parameters["word"] == "hello")
        #expect(parameters["secret"] == "******")
        #expect(parameters["OS::stack_name"] == "demo")
        let outputs = try #require(body["outputs"] as? [[String: Any]])
        #expect(outputs.first?["output_key"] as? String == "words")
    }

    @Test func outputShowAsJSONPrintsTheValue() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template, "--parameter", "word=hi"]).status == 0)
        let value = try await home.json(["stack", "output", "show", "demo", "words"])
        #expect(value as? [String] == ["hi", "hi"])
        let list = try await home.kiln(["stack", "output", "list", "demo"])
        #expect(list.stdout.contains("words") && list.stdout.contains("The word, twice."))
        let missing = try await home.kiln(["stack", "output", "show", "demo", "nothing"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no output 'nothing'"))
    }

    @Test func badTemplateReportsEveryLocationAndCreatesNothing() async throws {
        let home = try KilnHome()
        let template = try home.write("bad.yaml", """
            heat_template_version: 2018-08-31
            resources:
              a:
                type: OS::Heat::Nope
              b:
                type: OS::Heat::None
                properties: {x: {get_param: missing}}
            """)
        let run = try await home.kiln(["stack", "create", "broken", "-t", template])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.yaml:4:11: error:"))
        #expect(run.stderr.contains("bad.yaml:7:"))
        #expect(run.stdout.isEmpty)
        #expect(try await home.json(["stack", "list"]) as? [Any] != nil)
        #expect((try await home.json(["stack", "list"]) as? [Any])?.isEmpty == true)
    }

    @Test func missingParameterValueIsAnInputError() async throws {
        let home = try KilnHome()
        let template = try home.write("p.yaml", """
            heat_template_version: 2018-08-31
            parameters:
              size: {type: number}
            resources:
              a: {type: OS::Heat::None}
            """)
        let run = try await home.kiln(["stack", "create", "p", "-t", template])
        #expect(run.status == 1)
        #expect(run.stderr.contains("p.yaml:3:"))
        #expect(run.stderr.contains("The Parameter (size) was not provided."))
    }

    @Test func updateDryRunPrintsThePlanAndChangesNothing() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template]).status == 0)
        let before = try await home.kiln(["stack", "show", "demo", "--format", "json"]).stdout
        let events = try await home.kiln(["stack", "event", "list", "demo"]).stdout

        let plan = try await home.kiln(["stack", "update", "demo", "--existing", "--parameter", "word=bye", "--dry-run"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("first   OS::Heat::None  updated"))
        #expect(plan.stdout.contains(#"word: "hello" -> "bye""#))
        #expect(plan.stdout.contains("second  OS::Heat::None  unchanged"))
        #expect(plan.stdout.contains("Plan: 0 added, 1 updated, 0 replaced, 0 deleted, 1 unchanged"))

        let json = try #require(try await home.json(["stack", "update", "demo", "--existing", "--parameter", "word=bye", "--dry-run"]) as? [[String: Any]])
        #expect(json.map { $0["change"] as? String } == ["updated", "unchanged"])

        #expect(try await home.kiln(["stack", "show", "demo", "--format", "json"]).stdout == before)
        #expect(try await home.kiln(["stack", "event", "list", "demo"]).stdout == events)
    }

    @Test func updateChangesTheStack() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template]).status == 0)
        let run = try await home.kiln(["stack", "update", "demo", "--existing", "--parameter", "word=bye", "--wait"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("[first]: UPDATE_COMPLETE"))
        #expect(try await home.json(["stack", "output", "show", "demo", "words"]) as? [String] == ["bye", "bye"])
    }

    @Test func deleteWithYesRemovesTheStack() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template]).status == 0)
        let run = try await home.kiln(["stack", "delete", "demo", "--yes", "--wait"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("[demo]: DELETE_COMPLETE"))
        #expect((try await home.json(["stack", "list"]) as? [Any])?.isEmpty == true)
        let show = try await home.kiln(["stack", "show", "demo"])
        #expect(show.status == 1)
        #expect(show.stderr.contains("stack 'demo' not found"))
    }

    @Test func deleteOfAMissingStackFailsButDeletesTheOthers() async throws {
        let home = try KilnHome()
        #expect(try await home.kiln(["stack", "create", "demo", "-t", try home.write("t.yaml", StackTemplates.pair)]).status == 0)
        let run = try await home.kiln(["stack", "delete", "ghost", "demo"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("stack 'ghost' not found"))
        #expect((try await home.json(["stack", "list"]) as? [Any])?.isEmpty == true)
    }

    @Test func eventAndResourceListsShowTheStack() async throws {
        let home = try KilnHome()
        #expect(try await home.kiln(["stack", "create", "demo", "-t", try home.write("t.yaml", StackTemplates.pair)]).status == 0)
        let log = try await home.kiln(["stack", "event", "list", "demo"])
        #expect(log.status == 0)
        let lines = log.stdout.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.last?.hasSuffix("[demo]: CREATE_COMPLETE  Stack CREATE completed successfully") == true)
        let ofFirst = try #require(try await home.json(["stack", "event", "list", "demo", "--resource", "first"]) as? [[String: Any]])
        #expect(ofFirst.map { $0["resource_status"] as? String } == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"])

        let resources = try #require(try await home.json(["stack", "resource", "list", "demo"]) as? [[String: Any]])
        #expect(resources.map { $0["resource_name"] as? String } == ["first", "second"])
        let first = try #require(try await home.json(["stack", "resource", "show", "demo", "first"]) as? [String: Any])
        #expect(first["required_by"] as? [String] == ["second"])
        #expect(first["resource_status"] as? String == "CREATE_COMPLETE")
    }

    @Test func duplicateNameIsRefused() async throws {
        let home = try KilnHome()
        let template = try home.write("t.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template]).status == 0)
        let again = try await home.kiln(["stack", "create", "demo", "-t", template])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let home = try KilnHome()
        let template = try home.write("t.yaml", StackTemplates.pair)
        let cases: [[String]] = [
            ["stack", "create", "demo"],
            ["stack", "create", "demo", "-t", template, "--format", "xml"],
            ["stack", "create", "demo", "-t", template, "--parameter", "novalue"],
            ["stack", "update", "demo"],
            ["stack", "update", "demo", "-t", template, "--rollback", "maybe"],
            ["stack", "show"],
            ["stack", "frobnicate"],
            ["stack", "create", "demo", "-t", home.directory.appendingPathComponent("absent.yaml").path],
        ]
        for arguments in cases {
            let run = try await home.kiln(arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(!run.stderr.isEmpty)
        }
        #expect((try await home.json(["stack", "list"]) as? [Any])?.isEmpty == true)
    }

    @Test func createDryRunListsResourcesAndCreatesNothing() async throws {
        let home = try KilnHome()
        let run = try await home.kiln(["stack", "create", "demo", "-t", try home.write("t.yaml", StackTemplates.pair), "--dry-run"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("first   OS::Heat::None  added"))
        #expect((try await home.json(["stack", "list"]) as? [Any])?.isEmpty == true)
    }

    /// Ctrl-C ends the process at once; the next command finishes the stack from the store.
    @Test func interruptedCreateIsResumedByTheNextCommand() async throws {
        let home = try KilnHome()
        let template = try home.write("chain.yaml", StackTemplates.chain(1500))
        let running = try home.start(["stack", "create", "long", "-t", template, "--max-parallel", "1", "--wait"])
        // Interrupt once the stack exists and is under way.
        _ = try await running.printed("[r1]", every: .milliseconds(20))
        running.process.interrupt()
        await running.process.exited()
        let interrupted = try running.result()
        if interrupted.status == 130 {
            #expect(interrupted.stderr.contains("interrupted; the next kiln command resumes the stack"))
        } else {
            #expect(interrupted.status == 0)  // it finished before the signal arrived
        }
        let list = try await home.kiln(["stack", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("CREATE_COMPLETE"))
        let resources = try #require(try await home.json(["stack", "resource", "list", "long"]) as? [[String: Any]])
        #expect(resources.count == 1500)
        #expect(resources.allSatisfy { $0["resource_status"] as? String == "CREATE_COMPLETE" })
    }

    @Test func followOnAFinishedStackPrintsItsEventsAndEnds() async throws {
        let home = try KilnHome()
        #expect(try await home.kiln(["stack", "create", "demo", "-t", try home.write("t.yaml", StackTemplates.pair)]).status == 0)
        let run = try await home.kiln(["stack", "event", "list", "demo", "--follow"])
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 6)
    }

    @Test func homeDefaultsToKilnHome() async throws {
        let home = try KilnHome()
        let template = try home.write("t.yaml", StackTemplates.pair)
        let process = Process()
        process.executableURL = CLITests.kiln
        process.arguments = ["stack", "create", "fromenv", "-t", template]
        process.environment = ProcessInfo.processInfo.environment.merging(["KILN_HOME": home.directory.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        await process.exited()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: home.directory.appendingPathComponent("kiln.db").path))
        let listed = try #require(try await home.json(["stack", "list"]) as? [[String: Any]])
        #expect(listed.map { $0["Stack Name"] as? String } == ["fromenv"])
    }
}
