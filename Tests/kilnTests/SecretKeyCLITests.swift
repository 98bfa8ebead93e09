import Foundation
import Testing

/// `kiln secret-key`: a rotation re-seals every stored secret under a new key, the stack still
/// reads and updates through it, the database file holds the secret under neither key in the
/// clear, and after `retire` the file keeps only the new key. A key file with a line that is
/// not a key is refused, naming the line.
@Suite struct SecretKeyCLITests {
    @Test func rotateStatusAndRetire() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template, "--parameter", "secret=rotate-me-77", "--wait"]).status == 0)
        let keyFile = home.directory.appendingPathComponent("secret.key").path
        let before = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n")
        #expect(before.count == 1)

        let status = try #require(try await home.json(["secret-key", "status"]) as? [String: Any])
        let keys = try #require(status["keys"] as? [[String: Any]])
        #expect(keys.count == 1 && keys[0]["primary"] as? Bool == true)
        let sealedBefore = try #require(keys[0]["sealed_values"] as? Int)
        #expect(sealedBefore > 0)
        let oldID = try #require(keys[0]["id"] as? String)

        let rotated = try await home.kiln(["secret-key", "rotate"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("\(sealedBefore) stored secrets re-sealed"), "\(rotated.stdout)")
        let after = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n")
        #expect(after.count == 2 && after[1] == before[0])

        let middle = try #require(try await home.json(["secret-key", "status"]) as? [String: Any])
        let middleKeys = try #require(middle["keys"] as? [[String: Any]])
        #expect(middleKeys.map { $0["sealed_values"] as? Int } == [sealedBefore, 0])
        #expect(middleKeys[1]["id"] as? String == oldID)

        // The stack reads and updates through the new key.
        #expect(try await home.kiln(["stack", "update", "demo", "-t", template, "--parameter", "word=again", "--wait"]).status == 0)
        let shown = try #require(try await home.json(["stack", "show", "demo"]) as? [String: Any])
        #expect((shown["parameters"] as? [String: String])?["word"] == "again")
        #expect((shown["parameters"] as? [String: String])?["secret"] == "******")

        let retired = try await home.kiln(["secret-key", "retire"])
        #expect(retired.status == 0, "\(retired.stderr)")
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n") == [after[0]])
        #expect(try await home.kiln(["stack", "show", "demo"]).status == 0)
        // The database file and its write-ahead log, as bytes.
        let database = try ["kiln.db", "kiln.db-wal"].map { home.directory.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }.reduce(into: Data()) { $0 += try Data(contentsOf: $1) }
        #expect(database.range(of: Data("rotate-me-77".utf8)) == nil)
        #expect(database.range(of: Data("kiln-enc:v2:\(oldID)".utf8)) == nil)
    }

    /// A running `kiln serve` follows a rotation made beside it, unrestarted: it opens what the
    /// rotation re-sealed under a key it did not hold, seals what it writes next with the new
    /// key (so `retire` finds nothing left under the old one), and reads everything after it.
    @Test func aRunningServerFollowsARotation() async throws {
        let served = try await ServedKiln()
        let home = served.home
        let template = try home.write("pair.yaml", StackTemplates.pair)
        let first = try await served.client(["stack", "create", "a", "-t", template, "--parameter", "secret=first-secret-41", "--wait"])
        #expect(first.status == 0, "\(first.stderr)")
        let rotated = try await home.kiln(["secret-key", "rotate"])
        #expect(rotated.status == 0, "\(rotated.stderr)")

        // At once: stack a's values are now sealed with a key the server has not read yet.
        let updated = try await served.client(["stack", "update", "a", "-t", template, "--parameter", "word=again", "--wait"])
        #expect(updated.status == 0, "\(updated.stderr)")
        // After the server's next look at the file (at most a second), it seals with the new key.
        try await Task.sleep(for: .milliseconds(1200))
        let second = try await served.client(["stack", "create", "b", "-t", template, "--parameter", "secret=second-secret-42", "--wait"])
        #expect(second.status == 0, "\(second.stderr)")
        let status = try #require(try await home.json(["secret-key", "status"]) as? [String: Any])
        let keys = try #require(status["keys"] as? [[String: Any]])
        #expect(keys.count == 2 && keys[1]["sealed_values"] as? Int == 0, "\(keys)")

        let retired = try await home.kiln(["secret-key", "retire"])
        #expect(retired.status == 0, "\(retired.stderr)")
        for name in ["a", "b"] {
            let shown = try await served.client(["stack", "show", name, "--format", "json"])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.contains("\"secret\": \"******\""), "\(shown.stdout)")
        }
        let again = try await served.client(["stack", "update", "b", "-t", template, "--parameter", "word=third", "--wait"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(served.process.isRunning)
        let log = try String(contentsOf: served.log, encoding: .utf8)
        #expect(!log.contains("first-secret-41") && !log.contains("second-secret-42"))
    }

    @Test func aKeyFileWithALineThatIsNotAKeyIsRefused() async throws {
        let home = try KilnHome()
        let template = try home.write("pair.yaml", StackTemplates.pair)
        #expect(try await home.kiln(["stack", "create", "demo", "-t", template]).status == 0)
        let keyFile = home.directory.appendingPathComponent("secret.key").path
        let key = try String(contentsOfFile: keyFile, encoding: .utf8)
        try (key + "not-a-key\n").write(toFile: keyFile, atomically: false, encoding: .utf8)
        let run = try await home.kiln(["secret-key", "rotate"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(keyFile) is not a Kiln secret key file"), "\(run.stderr)")
        #expect(run.stderr.contains("line 2 is not a key"))
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8) == key + "not-a-key\n")
    }
}
