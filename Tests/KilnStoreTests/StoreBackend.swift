import Foundation
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
            let dir = try TempDirectory()
            return TestDatabase(location: .sqlite(path: dir.path()), dir: dir)
        case .postgres:
            return TestDatabase(location: .postgres(try await TestPostgres.makeDatabase()), dir: nil)
        }
    }
}

/// One test's database; `open` may be called more than once (several engines, or a reopening).
final class TestDatabase: Sendable {
    let location: StoreLocation
    private let dir: TempDirectory?

    init(location: StoreLocation, dir: TempDirectory?) {
        self.location = location
        self.dir = dir
    }

    func open() async throws -> any Store { try await location.open() }
}
