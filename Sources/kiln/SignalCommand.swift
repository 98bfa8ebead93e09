import ArgumentParser
import KilnEngine
import KilnTemplate

/// `kiln stack signal NAME RESOURCE`: signal a resource, e.g. a wait condition handle.
struct SignalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal", abstract: "Send a signal (JSON data) to a resource, e.g. a wait condition handle.")

    @Argument(help: "The stack's name or id.") var stack: String
    @Argument(help: "The resource's name.") var resource: String
    @Option(help: "The signal's data as JSON, e.g. '{\"status\": \"SUCCESS\"}'.") var data: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let value = try data.map { try parseJSON($0, from: "--data") } ?? .map([:])
        let service = try await connection.openService()
        try await engineCall { try await service.signal(stack, resource: resource, data: value) }
    }
}
