import ArgumentParser
import KilnEngine
import KilnStore
import KilnTemplate

/// `kiln stack resource ...`: a stack's resources and their states.
struct ResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource", abstract: "List and show a stack's resources.", subcommands: [List.self, Show.self])
}

extension ResourceCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a stack's resources.")
        @Argument(help: "The stack's name or id.") var stack: String
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let engine = try await home.openEngine()
            let records = try await engineCall { try engine.resources(of: try engine.stack(stack)) }
            let rows = records.sorted { $0.name < $1.name }.map { StackFormat.resource($0) }
            let listed: [Value] = rows.map { row in
                .map((row.mapValue ?? [:]).filter { StackFormat.resourceColumns.contains($0.key) })
            }
            emit(.list(listed), output.format) { StackFormat.rowsTable(StackFormat.resourceColumns, listed) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one resource of a stack.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Argument(help: "The resource's name.") var resource: String
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let engine = try await home.openEngine()
            let (record, all) = try await engineCall { () throws -> (ResourceRecord, [ResourceRecord]) in
                let found = try engine.stack(stack)
                let all = try engine.resources(of: found)
                guard let record = all.first(where: { $0.name == resource }) else {
                    throw EngineError.notFound("stack '\(found.name)' has no resource '\(resource)'")
                }
                return (record, all)
            }
            let body = StackFormat.resource(record, all: all)
            emit(body, output.format) { StackFormat.fieldTable(body) }
        }
    }
}
