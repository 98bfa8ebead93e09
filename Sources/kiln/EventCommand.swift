import ArgumentParser
import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `kiln stack event list`: a stack's events, as openstack's event log.
struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event", abstract: "List a stack's events.", subcommands: [List.self])
}

extension EventCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List a stack's events; the table format is openstack's event log.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Option(help: "Only the events of this resource.") var resource: String?
        @Flag(help: "Keep printing new events until the stack reaches a final state.") var follow = false
        @Option(help: "Depth of nested stacks whose events to include (their resources show as child-stack/resource).")
        var nestedDepth: Int?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let nestedDepth, nestedDepth < 0 { throw ValidationError("--nested-depth must not be negative") }
        }

        func run() async throws {
            let service = try await connection.openService()
            let found = try await engineCall { try await service.stack(stack) }
            let events = try await engineCall {
                try await service.events(found, nestedDepth: nestedDepth ?? 0, resource: resource, after: nil)
            }
            if !follow || output.format != .table {
                let rows = events.map(StackFormat.event)
                emit(.list(rows), output.format) { events.map { EventText.logLine($0) + "\n" }.joined() }
                return
            }
            for event in events { print(EventText.logLine(event)) }
            flushOutput()
            // From the stack's own last event: nested stacks' events are not followed.
            let marker = events.last { $0.stackID == found.id }
            try await engineCall {
                try await service.followEvents(found, resource: resource, after: marker) { event in
                    print(EventText.logLine(event))
                    flushOutput()
                }
            }
        }
    }
}
