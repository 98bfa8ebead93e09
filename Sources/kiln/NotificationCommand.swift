import ArgumentParser
import Foundation
import KilnClient
import KilnModel
import KilnStore

/// `kiln notification list|retry`: the notification outbox, embedded (HOME's database) or,
/// in client mode, through the server's admin API.
struct NotificationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notification",
        abstract: "Look at notifications waiting for delivery or dead-lettered, and retry them.",
        subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List notifications still to deliver and dead-lettered ones (--failed: only those).")
        @Flag(help: "Only notifications given up on after the retry limit (the dead-letter list).") var failed = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let rows = try await NotificationCommand.rows(connection, failedOnly: failed)
            emit(.list(rows), output.format) {
                TemplateOutput.table(
                    ["ID", "Event type", "Stack", "Sink", "State", "Attempts", "Last error"],
                    rows.map { row in
                        let fields = row.mapValue ?? [:]
                        return ["id", "event_type", "stack_id", "sink", "state", "attempts", "last_error"].map {
                            fields[$0].map { $0 == .null ? "" : $0.plainText } ?? ""
                        }
                    })
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry", abstract: "Put a dead-lettered notification back in its queue (by its id, or a row's sequence number).")
        @Argument(help: "The notification's id.") var id: String
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let count: Int
            if let client = try await NotificationCommand.remote(connection) {
                do {
                    count = try await client.retryNotification(id)
                } catch {
                    standardError("kiln: \(error)")
                    throw ExitCode(1)
                }
            } else {
                count = try await NotificationCommand.store(connection).retryNotification(id, projectID: nil)
            }
            guard count > 0 else {
                standardError("kiln: no dead-lettered notification \(id)")
                throw ExitCode(1)
            }
            print("requeued \(count) notification\(count == 1 ? "" : "s") with id \(id)")
        }
    }

    static func remote(_ connection: ConnectionOptions) async throws -> HeatClient? {
        let resolver = connection.resolver
        guard resolver.wantsRemote(cloud: connection.osCloud) else { return nil }
        do {
            return try await HeatClient.connect(try resolver.resolve(cloud: connection.osCloud))
        } catch {
            standardError("kiln: \(error)")
            throw ExitCode(1)
        }
    }

    static func store(_ connection: ConnectionOptions) async throws -> any Store {
        try await connection.home.openEngine().store
    }

    static func rows(_ connection: ConnectionOptions, failedOnly: Bool) async throws -> [Value] {
        if let client = try await remote(connection) {
            do {
                return try await client.notifications(failedOnly: failedOnly)
            } catch {
                standardError("kiln: \(error)")
                throw ExitCode(1)
            }
        }
        return try await store(connection).notificationListing(failedOnly: failedOnly, projectID: nil, limit: nil)
    }
}
