import Foundation
import Testing

/// `kiln stack hook poll|clear`, embedded and against `kiln serve`: a create paused on hooks
/// (on a resource and on one of a nested stack) lists them, and clearing them lets it finish.
@Suite struct HookCLITests {
    static let template = """
        heat_template_version: 2018-08-31
        resources:
          a: {type: OS::Heat::RandomString}
          nest: {type: inner.yaml}
        """
    static let inner = "heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::Heat::RandomString}\n"
    static let environment = "resource_registry:\n  resources:\n    a: {hooks: pre-create}\n    nest:\n      x: {hooks: pre-create}\n"

    /// Polls until both hooks are reached: for up to 45 s (a loaded machine can take long to
    /// start the create's process), so a create that never gets there fails plainly within
    /// the test's time limit.
    func pollBoth(_ poll: () async throws -> CLITests.Run) async throws -> CLITests.Run {
        let deadline = Date().addingTimeInterval(45)
        var run = try await poll()
        while Date() < deadline, !(run.stdout.contains("\na ") && run.stdout.contains("/x ")) {
            try await Task.sleep(nanoseconds: 100_000_000)
            run = try await poll()
        }
        return run
    }

    @Test(.timeLimit(.minutes(2)))
    func embedded() async throws {
        let home = try KilnHome()
        let template = try home.write("hooked.yaml", Self.template)
        _ = try home.write("inner.yaml", Self.inner)
        let env = try home.write("env.yaml", Self.environment)
        let create = try home.start(["stack", "create", "h", "-t", template, "-e", env])
        let poll = try await pollBoth { try await home.kiln(["stack", "hook", "poll", "h", "--nested-depth", "1"]) }
        #expect(poll.status == 0, "\(poll.stderr)")
        #expect(poll.stdout.contains("CREATE paused until Hook pre-create is cleared"))
        let notSet = try await home.kiln(["stack", "hook", "clear", "h", "nope"])
        #expect(notSet.status == 1)
        #expect(notSet.stderr.contains("no resource of stack 'h' matches 'nope'"))
        let clear = try await home.kiln(["stack", "hook", "clear", "h", "a", "ne*/x"])
        #expect(clear.status == 0, "\(clear.stderr)")
        await create.process.exited()
        let created = try create.result()
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("CREATE_COMPLETE"))
        let after = try await home.kiln(["stack", "hook", "poll", "h"])
        #expect(after.status == 1)
        #expect(after.stderr.contains("Stack status CREATE_COMPLETE not IN_PROGRESS"))
        let twice = try await home.kiln(["stack", "hook", "clear", "--pre-create", "h", "a"])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("The \"pre-create\" hook is not defined on RandomString \"a\""))
    }

    /// The process running the create dies while it is paused: later commands do not hang
    /// on it (their start-up recovery leaves a paused stack alone), and clearing the hook
    /// carries the create on to its end.
    @Test(.timeLimit(.minutes(2)))
    func aPausedCreateWhoseProcessDied() async throws {
        let home = try KilnHome()
        let template = try home.write("hooked.yaml", Self.template)
        _ = try home.write("inner.yaml", Self.inner)
        let env = try home.write("env.yaml", Self.environment)
        let create = try home.start(["stack", "create", "hk", "-t", template, "-e", env])
        let reached = try await pollBoth { try await home.kiln(["stack", "hook", "poll", "hk", "--nested-depth", "1"]) }
        try #require(reached.stdout.contains("\na ") && reached.stdout.contains("/x "), "the hooks were never reached")
        kill(create.process.processIdentifier, SIGKILL)
        await create.process.exited()
        let poll = try await home.kiln(["stack", "hook", "poll", "hk", "--nested-depth", "1"])
        #expect(poll.status == 0, "\(poll.stderr)")
        #expect(poll.stdout.contains("\na ") && poll.stdout.contains("/x "))
        let clearA = try await home.kiln(["stack", "hook", "clear", "hk", "a"])
        #expect(clearA.status == 0, "\(clearA.stderr)")
        let clearX = try await home.kiln(["stack", "hook", "clear", "hk", "nest/x"])
        #expect(clearX.status == 0, "\(clearX.stderr)")
        #expect(clearX.stderr.contains("resumed stack hk: CREATE_COMPLETE"))
        let shown = try await home.kiln(["stack", "show", "hk"])
        #expect(shown.stdout.contains("CREATE_COMPLETE"))
    }

    @Test(.timeLimit(.minutes(2)))
    func clientMode() async throws {
        let server = try await ServedKiln()
        let files = try KilnHome()
        let template = try files.write("hooked.yaml", Self.template)
        _ = try files.write("inner.yaml", Self.inner)
        let env = try files.write("env.yaml", Self.environment)
        var environment = ServedKiln.embeddedEnvironment
        environment["OS_CLIENT_CONFIG_FILE"] = server.cloudsFile
        let create = Process()
        create.executableURL = CLITests.kiln
        create.arguments = ["stack", "create", "hc", "-t", template, "-e", env, "--os-cloud", "kiln"]
        create.environment = environment
        create.standardInput = FileHandle.nullDevice
        create.standardOutput = FileHandle.nullDevice
        create.standardError = FileHandle.nullDevice
        try create.run()
        let poll = try await pollBoth { try await server.client(["stack", "hook", "poll", "hc", "--nested-depth", "1"]) }
        #expect(poll.status == 0, "\(poll.stderr)")
        let clear = try await server.client(["stack", "hook", "clear", "hc", "a", "nest/x"])
        #expect(clear.status == 0, "\(clear.stderr)")
        await create.exited()
        #expect(create.terminationStatus == 0)
        let shown = try await server.client(["stack", "show", "hc"])
        #expect(shown.stdout.contains("CREATE_COMPLETE"))
    }
}
