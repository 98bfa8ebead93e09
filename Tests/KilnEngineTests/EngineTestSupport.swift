import Foundation
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// A fresh SQLite file in a temporary directory, removed when the test ends.
final class TemporaryHome: @unchecked Sendable {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-engine-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var databasePath: String { directory.appendingPathComponent("kiln.db").path }

    func store() throws -> SQLiteStore { try SQLiteStore(path: databasePath) }

    func engine(maxParallel: Int = 64) throws -> Engine { Engine(store: try store(), maxParallel: maxParallel) }

    func write(_ name: String, _ text: String) -> String {
        let url = directory.appendingPathComponent(name)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

func request(_ name: String, _ template: String, parameters: [String: String] = [:], rollback: Bool = false) -> StackRequest {
    StackRequest(name: name, templateName: "\(name).yaml", template: template, parameters: parameters, disableRollback: !rollback)
}

/// Collects events as the engine reports them.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [EventRecord] = []

    var observer: EngineObserver { { event in self.lock.lock(); self.events.append(event); self.lock.unlock() } }

    var all: [EventRecord] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    /// `name STATUS_TEXT` lines in order.
    var lines: [String] { all.map { "\($0.resourceName) \($0.statusText)" } }
}
