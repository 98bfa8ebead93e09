import Foundation
import KilnModel
import KilnStore
import Testing

/// A `kiln` process the test kills with SIGKILL, and its home's store read directly, so a
/// test can wait for a point in the operation (a condition in the database), kill there,
/// and inspect what the next command makes of it.
struct CrashRun {
    let home: KilnHome
    let running: KilnHome.Running
    /// Opened with the home's key, as `kiln` opens it (sealed values read as they are).
    let store: any Store

    /// Starts `kiln ARGUMENTS` in `home`. The database is created first by a quick command,
    /// so the test's store and the child never migrate the same new file at once.
    static func start(_ arguments: [String], in home: KilnHome) async throws -> CrashRun {
        let store = try await home.sealedStore()
        return CrashRun(home: home, running: try home.start(arguments), store: store)
    }

    var pid: Int32 { running.process.processIdentifier }

    /// Polls the store until `condition` holds (every 5 ms, for at most `seconds`). Fails if
    /// the process ends first or time runs out, with what it printed.
    func waitUntil(_ what: String, seconds: Double = 15, _ condition: (any Store) async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition(store) { return }
            if !running.process.isRunning {
                if try await condition(store) { return }
                let result = try running.result()
                Issue.record("kiln ended (status \(result.status)) before \(what): \(result.stderr)")
                throw CrashTestError.conditionNotReached(what)
            }
            // Yields its thread: a blocking sleep here held one of the two cooperative threads the
            // whole parallel suite shares, and under load the polls themselves (which need a thread
            // to resume on) fell seconds behind and missed 4 s kill windows.
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        Issue.record("timed out waiting for \(what)")
        throw CrashTestError.conditionNotReached(what)
    }

    /// `kill -9` and reaps the process (a zombie would still look alive to `kill(pid, 0)`).
    func killNow() {
        kill(pid, SIGKILL)
        running.process.waitUntilExit()
        #expect(running.process.terminationReason == .uncaughtSignal)
        #expect(running.process.terminationStatus == SIGKILL)
    }

    // MARK: Reading the store

    func stack(_ name: String) async throws -> StackRecord? { try await store.stack(named: name, projectID: "default") }

    func events(_ name: String) async throws -> [EventRecord] {
        guard let stack = try await stack(name) else { return [] }
        return try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil)
    }

    /// Resource events (not the stack's own) with this action and status.
    func resourceEvents(_ name: String, _ action: Action, _ status: Status) async throws -> [EventRecord] {
        try await events(name).filter { $0.resourceType != "OS::Heat::Stack" && $0.action == action && $0.status == status }
    }
}

enum CrashTestError: Error {
    case conditionNotReached(String)
}

extension KilnHome {
    var databasePath: String { directory.appendingPathComponent("kiln.db").path }

    /// The home's store, the database created first by `kiln stack list`.
    func store() async throws -> SQLiteStore {
        if !FileManager.default.fileExists(atPath: databasePath) {
            let run = try await kiln(["stack", "list"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        return try SQLiteStore(path: databasePath)
    }

    /// The home's store as `kiln` opens it: sealed values (parameters, resources' properties,
    /// data, metadata) opened with the home's key. The plain `store()` sees them sealed.
    func sealedStore() async throws -> any Store {
        try sealed(try await store(), home: directory)
    }
}

/// A store of a `kiln` home opened with the home's secret key, as the `kiln` process opens it.
func sealed(_ base: any Store, home: URL) throws -> any Store {
    let path = home.appendingPathComponent("secret.key").path
    return SealedStore(base, sealer: SecretSealer(keyring: try SecretKeyFile.load(path), keySource: path))
}

/// Templates of OS::Heat::TestResource with waits, slow enough to be killed at a chosen point.
enum CrashTemplates {
    /// `count` independent resources, each waiting the given seconds after create and delete.
    static func wide(_ count: Int, createWait: Double = 0, deleteWait: Double = 0, updateWait: Double = 0,
                     value: String = "a") -> String {
        var text = "heat_template_version: 2018-08-31\nresources:\n"
        for index in 0..<count {
            text += """
                  r\(index):
                    type: OS::Heat::TestResource
                    properties:
                      value: \(value)
                      action_wait_secs: {create: \(createWait), update: \(updateWait), delete: \(deleteWait)}

                """
        }
        return text
    }

    /// Slow-to-delete resources, then one that fails once they all exist: a create with
    /// rollback enabled fails late and spends its time deleting them.
    static func failingAfter(_ count: Int, deleteWait: Double) -> String {
        var text = wide(count, deleteWait: deleteWait)
        text += """
              bad:
                type: OS::Heat::TestResource
                depends_on: [\((0..<count).map { "r\($0)" }.joined(separator: ", "))]
                properties:
                  fail: true

            """
        return text
    }
}
