import ArgumentParser
import KilnEngine
import KilnStore
import KilnTemplate

/// `kiln stack output ...`: a stack's outputs, resolved against its resources.
struct OutputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output", abstract: "List and show a stack's outputs.", subcommands: [List.self, Show.self])
}

extension OutputCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a stack's outputs.")
        @Argument(help: "The stack's name or id.") var stack: String
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let engine = try await home.openEngine()
            let outputs = try await engineCall { try engine.outputs(of: try engine.stack(stack)) }
            let rows: [Value] = outputs.map { ["output_key": .string($0.key), "description": .string($0.description)] }
            emit(.list(rows), output.format) { StackFormat.rowsTable(["output_key", "description"], rows) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one output; with --format json or yaml, just its value.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Argument(help: "The output's name.") var name: String
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let engine = try await home.openEngine()
            let found = try await engineCall { () throws -> KilnEngine.StackOutput in
                let record = try engine.stack(stack)
                guard let found = try engine.outputs(of: record).first(where: { $0.key == name }) else {
                    throw EngineError.notFound("stack '\(record.name)' has no output '\(name)'")
                }
                return found
            }
            emit(found.value, output.format) { StackFormat.fieldTable(StackFormat.outputSummary(found)) }
            if let error = found.error {
                standardError("kiln: output \(name): \(error)")
                throw ExitCode(1)
            }
        }
    }
}
