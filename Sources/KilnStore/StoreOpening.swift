import Foundation

/// Which database a process uses: `--database URL` (or `KILN_DATABASE`) when given, else the
/// SQLite file of its home. One function, shared by `kiln serve` and the embedded CLI.
public enum StoreLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// `postgresql://` / `postgres://` URLs select PostgreSQL; `sqlite:PATH` or a plain path
    /// (no `://`) a SQLite file; nil or empty text the default file. Any other scheme is an error.
    public init(database: String?, defaultPath: String) throws {
        guard let text = database?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            self = .sqlite(path: defaultPath)
            return
        }
        if PostgresLocation.isPostgresURL(text) {
            self = .postgres(try PostgresLocation(parsing: text))
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            let file = path.hasPrefix("//") ? String(path.dropFirst(2)) : path
            guard !file.isEmpty else { throw StoreError("invalid database URL \(text): no file path after sqlite:") }
            self = .sqlite(path: file)
        } else if let scheme = text.range(of: "://") {
            throw StoreError(
                "unsupported database '\(PostgresLocation.redacted(text))': scheme '\(text[..<scheme.lowerBound])' "
                    + "is not postgresql:// (nor a SQLite file path)")
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The location as messages show it (never a password).
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// Opens the store, its schema brought up to date.
    public func open() async throws -> any Store {
        switch self {
        case .sqlite(let path): try SQLiteStore(path: path)
        case .postgres(let location): try await PostgresStore.open(location)
        }
    }
}
