import Foundation
import KilnLocalPostgres
import KilnStore
import Testing

/// The stores the conformance suite runs against: every test taking a `StoreBackend` runs
/// once on SQLite and once on PostgreSQL, expecting the same answers.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A fresh, empty database of this kind.
    func database() async throws -> TestDatabase {
        switch self {
        case .sqlite:
            return TestDatabase(location: .sqlite(path: try TestFiles.directory().appendingPathComponent("kiln.db").path))
        case .postgres:
            return TestDatabase(location: .postgres(try await TestPostgres.makeDatabase()))
        }
    }
}

/// One test's database; `open` may be called more than once (several engines, or a reopening).
final class TestDatabase: Sendable {
    let location: StoreLocation

    init(location: StoreLocation) { self.location = location }

    func open() async throws -> any Store { try await location.open() }
}

/// SQLite files of the conformance suite: removed when the test process exits, not when a
/// test's last reference to its database goes (which can come before the store's last use).
enum TestFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var directories: [URL] = []

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        lock.lock()
        defer { lock.unlock() }
        if directories.isEmpty { atexit { TestFiles.removeAll() } }
        directories.append(url)
        return url
    }

    static func removeAll() {
        for url in directories { try? FileManager.default.removeItem(at: url) }
    }
}
