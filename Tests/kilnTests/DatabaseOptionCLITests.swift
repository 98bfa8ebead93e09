import Foundation
import Testing

/// `--database` / `KILN_DATABASE`: a database that cannot be used is one line on standard
/// error and a non-zero exit, and the URL's password is never shown.
@Suite struct DatabaseOptionCLITests {
    @Test func aBadOrUnreachableDatabaseIsOneLineWithoutThePassword() async throws {
        let home = try KilnHome()
        let cases: [(url: String, status: Int32, says: String)] = [
            ("postgresql://kiln:hunter2@/kiln", 2, "invalid database URL postgresql://kiln:***@/kiln: no host"),
            ("mysql://kiln:hunter2@127.0.0.1/kiln", 2, "scheme 'mysql' is not postgresql://"),
            ("postgresql://kiln:hunter2@127.0.0.1:1/kiln?sslmode=disable", 1,
             "cannot open database postgresql://kiln@127.0.0.1:1/kiln: cannot connect to PostgreSQL at 127.0.0.1:1: connection refused"),
            ("postgresql://kiln@127.0.0.1/kiln?sslmode=sometimes", 2, "sslmode 'sometimes' is not disable, prefer, require or verify-full"),
        ]
        for (url, status, says) in cases {
            let run = try await home.kiln(["stack", "list", "--database", url])
            #expect(run.status == status, "\(url): \(run.stderr)")
            #expect(run.stderr.contains(says), "\(url): \(run.stderr)")
            #expect(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"))
            #expect(run.stderr.split(separator: "\n").count == 1, "\(url): \(run.stderr)")
        }
    }

    @Test func aSQLitePathSelectsThatFile() async throws {
        let home = try KilnHome()
        let file = home.directory.appendingPathComponent("elsewhere.db").path
        let run = try await home.kiln(["stack", "list", "--database", "sqlite:" + file])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(!FileManager.default.fileExists(atPath: home.directory.appendingPathComponent("kiln.db").path))
    }
}
