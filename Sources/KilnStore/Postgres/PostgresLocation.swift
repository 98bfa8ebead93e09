import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=MODE]`
/// (or `postgres://`). Parsed once, with located errors; `description` never shows the password.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var user: String
    var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// libpq's names: `disable`, `prefer` (the default: TLS when the server offers it, unverified),
    /// `require` (TLS, unverified), `verify-full` (TLS, certificate and host name verified).
    public var sslMode: String

    public static func isPostgresURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    public init(parsing text: String) throws {
        func bad(_ reason: String) -> StoreError {
            StoreError("invalid database URL \(Self.redacted(text)): \(reason) (expected postgresql://USER@HOST:PORT/DB)")
        }
        guard Self.isPostgresURL(text), let url = URLComponents(string: text) else { throw bad("not a URL") }
        guard let host = url.host, !host.isEmpty else { throw bad("no host") }
        let environment = ProcessInfo.processInfo.environment
        self.host = host
        self.port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw bad("port out of range") }
        user = url.user.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = url.password ?? environment["PGPASSWORD"]
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !path.contains("/") else { throw bad("the database name contains '/'") }
        database = path.isEmpty ? user : path
        sslMode = "prefer"
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                let mode = item.value ?? ""
                guard ["disable", "prefer", "require", "verify-full"].contains(mode) else {
                    throw bad("sslmode '\(mode)' is not disable, prefer, require or verify-full")
                }
                sslMode = mode
            default:
                throw bad("unknown parameter '\(item.name)' (only sslmode is understood)")
            }
        }
    }

    /// The URL without its password.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// Text that failed to parse, with anything between `:` and `@` of its authority masked.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
        let authority = text[scheme.upperBound..<at]
        guard let colon = authority.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// The TLS settings for `sslMode` (a TLS context that cannot be made is a StoreError).
    func tls() throws -> (connection: PostgresConnection.Configuration.TLS, client: PostgresClient.Configuration.TLS) {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        do {
            switch sslMode {
            case "disable": return (.disable, .disable)
            case "require": return (.require(try NIOSSLContext(configuration: unverified)), .require(unverified))
            case "verify-full":
                let full = TLSConfiguration.makeClientConfiguration()
                return (.require(try NIOSSLContext(configuration: full)), .require(full))
            default: return (.prefer(try NIOSSLContext(configuration: unverified)), .prefer(unverified))
            }
        } catch {
            throw StoreError("cannot set up TLS for \(self) (sslmode=\(sslMode)): \(error)")
        }
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: try tls().connection)
    }

    func clientConfiguration(maximumConnections: Int) throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: try tls().client)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 1
        // An engine stopped (SIGSTOP, a frozen VM) inside a transaction would hold its row
        // locks for as long as it is stopped, and no other engine could take its operation
        // over. PostgreSQL ends such a session after this long idle in a transaction; the
        // engine, if it runs again, finds its commit refused. No transaction of Kiln's waits
        // on anything but the database between its statements.
        configuration.options.additionalStartupParameters = [("idle_in_transaction_session_timeout", "10s")]
        return configuration
    }
}
