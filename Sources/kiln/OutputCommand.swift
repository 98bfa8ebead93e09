import ArgumentParser
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `kiln stack output ...`: a stack's outputs, resolved against its resources.
struct OutputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output", abstract: "List and show a stack's outputs.", subcommands: [List.self, Show.self])
}

extension OutputCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a stack's outputs.")
        @Argument(help: "The stack's name or id.") var stack: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            let outputs = try await engineCall { try await service.outputs(stack) }
            let rows: [Value] = outputs.map { ["output_key": .string($0.key), "description": .string($0.description)] }
            emit(.list(rows), output.format) { StackFormat.rowsTable(["output_key", "description"], rows) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one output; with --format json or yaml, just its value.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Argument(help: "The output's name.") var name: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            let found = try await engineCall { try await service.output(stack, key: name) }
            emit(found.value, output.format) { StackFormat.fieldTable(StackFormat.outputSummary(found)) }
            if let error = found.error {
                standardError("kiln: output \(name): \(error)")
                throw ExitCode(1)
            }
        }
    }
}
