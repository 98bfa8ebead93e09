import Foundation
import Testing

extension Process {
    /// Waits for the process to end without holding a thread (tests share a small pool of them).
    func exited() async {
        while isRunning { try? await Task.sleep(nanoseconds: 5_000_000) }
        waitUntilExit()
    }
}

/// A temporary `--home` with its own database, and the `kiln` binary run against it.
final class KilnHome: @unchecked Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes a file into the home directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `kiln ARGUMENTS --home HOME` to its end, standard input empty (not a terminal).
    func kiln(_ arguments: [String]) async throws -> CLITests.Run {
        let process = try start(arguments)
        await process.process.exited()
        return try process.result()
    }

    struct Running {
        var process: Process
        var out: URL
        var err: URL

        /// Polls the running command's standard output until it contains `text` (at most 200 polls).
        func printed(_ text: String, every interval: Duration = .milliseconds(50)) async throws -> Bool {
            for _ in 0..<200 {
                if (try? String(contentsOf: out, encoding: .utf8))?.contains(text) == true { return true }
                try await Task.sleep(for: interval)
            }
            return false
        }

        func result() throws -> CLITests.Run {
            CLITests.Run(
                status: process.terminationStatus,
                stdout: try String(contentsOf: out, encoding: .utf8),
                stderr: try String(contentsOf: err, encoding: .utf8))
        }
    }

    func start(_ arguments: [String]) throws -> Running {
        let tag = UUID().uuidString
        let out = directory.appendingPathComponent("out-\(tag)"), err = directory.appendingPathComponent("err-\(tag)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = CLITests.kiln
        process.arguments = arguments + ["--home", directory.path]
        process.currentDirectoryURL = CLITests.packageRoot
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    /// The JSON a command printed, parsed.
    func json(_ arguments: [String]) async throws -> Any {
        let run = try await kiln(arguments + ["--format", "json"])
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8), options: [.fragmentsAllowed])
    }
}

/// Templates of OS::Heat::None resources (no other plugin needed).
enum StackTemplates {
    static let pair = """
        heat_template_version: 2018-08-31
        parameters:
          word:
            type: string
            default: hello
          secret:
            type: string
            hidden: true
            default: hush
        resources:
          first:
            type: OS::Heat::None
            properties:
              word: {get_param: word}
          second:
            type: OS::Heat::None
            depends_on: first
        outputs:
          words:
            description: The word, twice.
            value: [{get_param: word}, {get_param: word}]
        """

    /// A chain of `count` resources, each after the one before.
    static func chain(_ count: Int) -> String {
        var text = "heat_template_version: 2018-08-31\nresources:\n"
        for index in 0..<count {
            text += "  r\(index):\n    type: OS::Heat::None\n"
            if index > 0 { text += "    depends_on: r\(index - 1)\n" }
        }
        return text
    }
}
