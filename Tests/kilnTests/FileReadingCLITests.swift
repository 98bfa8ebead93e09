import Foundation
import Testing

/// Files that are not files: `-t /dev/zero` was read whole (aborting near 560 MiB) and a FIFO
/// with no writer blocked forever. Both are now a usage error naming the file, at once.
@Suite("CLI file reading")
struct FileReadingCLITests {
    /// Runs `kiln`, killing it (and failing) if it has not ended within `seconds`.
    private func run(_ arguments: [String], seconds: Double = 60) async throws -> CLITests.Run {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = CLITests.kiln
        process.arguments = arguments
        process.currentDirectoryURL = CLITests.packageRoot
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            Issue.record("kiln \(arguments) still running after \(seconds) s")
        }
        await process.exited()
        return CLITests.Run(
            status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    @Test func devicesAreUsageErrorsNamingTheFile() async throws {
        for device in ["/dev/zero", "/dev/urandom"] {
            let result = try await run(["template", "validate", "-t", device])
            #expect(result.status == 2, "\(device)")
            #expect(result.stderr == "kiln: cannot read \(device): it is a character device, not a regular file\n")
        }
        let environment = try await run(["template", "validate", "-t", "examples/hello.yaml", "-e", "/dev/zero"])
        #expect(environment.status == 2)
        #expect(environment.stderr == "kiln: cannot read /dev/zero: it is a character device, not a regular file\n")
    }

    @Test func aFIFOWithNoWriterIsAUsageErrorAtOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("template.yaml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try await run(["template", "validate", "-t", fifo])
        #expect(result.status == 2)
        #expect(result.stderr == "kiln: cannot read \(fifo): it is a FIFO or pipe, not a regular file\n")
    }

    @Test func stackCommandsReadTheSameWay() async throws {
        let home = try KilnHome()
        let result = try await home.kiln(["stack", "create", "s", "-t", "/dev/zero"])
        #expect(result.status == 2)
        #expect(result.stderr == "kiln: cannot read /dev/zero: it is a character device, not a regular file\n")
    }

    @Test func aTemplateOverTheLimitIsStillALocatedError() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try String(repeating: "#", count: 2000).write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await run(["template", "validate", "-t", path, "--max-template-size", "1000"])
        #expect(result.status == 1)
        #expect(result.stderr == "\(path):1:1: error: file is too large (expected at most 1000 bytes, found 2000 bytes)\n")
        let json = try await run(["template", "validate", "-t", path, "--max-template-size", "1000", "--format", "json"])
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"message\": \"file is too large (expected at most 1000 bytes, found 2000 bytes)\""))
    }
}
