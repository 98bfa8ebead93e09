import ArgumentParser
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `kiln stack resource ...`: a stack's resources and their states.
struct ResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource", abstract: "List and show a stack's resources, signal one.",
        // `signal` as `openstack stack resource signal` names it (also `kiln stack signal`).
        subcommands: [List.self, Show.self, SignalCommand.self, MarkUnhealthy.self])
}

extension ResourceCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a stack's resources.")
        @Argument(help: "The stack's name or id.") var stack: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            let records = try await engineCall { try await service.resources(stack) }
            let rows = records.sorted { $0.name < $1.name }.map { StackFormat.resource($0) }
            let listed: [Value] = rows.map { row in
                .map((row.mapValue ?? [:]).filter { StackFormat.resourceColumns.contains($0.key) })
            }
            emit(.list(listed), output.format) { StackFormat.rowsTable(StackFormat.resourceColumns, listed) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one resource of a stack.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Argument(help: "The resource's name.") var resource: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            let (record, all) = try await engineCall { try await service.resource(stack, resource) }
            let body = StackFormat.resource(record, all: all)
            emit(body, output.format) { StackFormat.fieldTable(body) }
        }
    }

    /// `openstack stack resource mark unhealthy [--reset] STACK RESOURCE [REASON]`: the next
    /// update replaces the resource (a scaling group's member: Heat's auto-healing).
    struct MarkUnhealthy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mark-unhealthy", abstract: "Mark a resource unhealthy, so the next stack update replaces it.")
        @Argument(help: "The stack's name or id (a group's child stack for a group member).") var stack: String
        @Argument(help: "The resource's name or physical id.") var resource: String
        @Argument(help: "Why.") var reason: String?
        @Flag(help: "Mark it healthy again.") var reset = false
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let service = try await connection.openService()
            try await engineCall { try await service.markUnhealthy(stack, resource: resource, unhealthy: !reset, reason: reason) }
        }
    }
}
