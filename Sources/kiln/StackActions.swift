import ArgumentParser
import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// Stack actions besides create, update and delete: suspend, resume, check, cancel,
/// abandon and adopt.
enum StackActions {
    /// The options every simple action takes: the stack, --wait, --home or --os-cloud, --format.
    struct Target: ParsableArguments {
        @Argument(help: "The stack's name or id.") var name: String
        @Flag(help: "Show each event as it happens.") var wait = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var parallel: ParallelOptions
        @OptionGroup var output: FormatOptions

        /// Runs an action to its final state and prints the stack.
        func perform(_ action: (any StackService, EngineObserver?) async throws -> StackRecord) async throws {
            let service = try await connection.openService(maxParallel: parallel.maxParallel)
            Interrupt.exitOnSignal()
            let stack = try await engineCall { try await action(service, ProgressPrinter.observer(if: wait)) }
            await showFinished(stack, service: service, format: output.format)
            try requireSuccess(stack)
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Suspend a stack's resources.")
        @OptionGroup var target: Target
        func run() async throws {
            let name = target.name
            try await target.perform { try await $0.suspend(name, observer: $1) }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a suspended stack.")
        @OptionGroup var target: Target
        func run() async throws {
            let name = target.name
            try await target.perform { try await $0.resume(name, observer: $1) }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check", abstract: "Check that a stack's resources still exist as recorded.")
        @OptionGroup var target: Target
        func run() async throws {
            let name = target.name
            try await target.perform { try await $0.check(name, observer: $1) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel", abstract: "Cancel a stack's update in progress (it rolls back), or with --no-rollback a create or update (it stops FAILED).")
        @Argument(help: "The stack's name or id.") var name: String
        @Flag(help: "Stop a create or update where it is, without rolling back (Heat's cancel_without_rollback).")
        var noRollback = false
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let service = try await connection.openService()
            try await engineCall { try await service.cancelUpdate(name, rollback: !noRollback) }
            print("Cancel requested for stack \(name)")
        }
    }

    struct Abandon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "abandon", abstract: "Forget a stack without deleting its resources; print the data `stack adopt` takes.")
        @Argument(help: "The stack's name or id.") var name: String
        @Option(help: "Write the abandon data to this file instead of standard output.") var outputFile: String?
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let service = try await connection.openService()
            let data = try await engineCall { try await service.abandon(name) }
            let text = data.prettyJSON() + "\n"
            guard let outputFile else { return print(text, terminator: "") }
            do {
                try text.write(toFile: outputFile, atomically: true, encoding: .utf8)
            } catch {
                // The stack is gone from Kiln now: the data must not be lost with the file.
                standardError("kiln: cannot write \(outputFile): \(error.localizedDescription); the abandon data follows")
                print(text, terminator: "")
                throw ExitCode(1)
            }
        }
    }

    struct Adopt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adopt", abstract: "Create a stack from `stack abandon` data, taking over its resources.")
        @Argument(help: "The new stack's name.") var name: String
        @Option(help: "The abandon data (JSON).") var adoptFile: String
        @Option(name: [.customShort("t"), .customLong("template")], help: "A template (default: the one in the data).")
        var template: String?
        @OptionGroup var input: StackInputOptions
        @Flag(help: "Delete what was adopted if the adopt fails.") var enableRollback = false
        @Option(help: "Minutes before the adopt fails.") var timeout: Int?
        @Flag(help: "Show each event as it happens.") var wait = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var parallel: ParallelOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let data = try parseJSON(try readText(adoptFile), from: adoptFile)
            let templateText: String
            if let template {
                templateText = try readText(template)
            } else if let embedded = data.mapValue?["template"], embedded != .null {
                templateText = embedded.stringValue ?? embedded.prettyJSON()
            } else {
                standardError("kiln: \(adoptFile) has no template; give one with -t FILE")
                throw ExitCode(1)
            }
            let request = StackRequest(
                name: name, templateName: template ?? adoptFile, template: templateText,
                environments: try input.environmentTexts(), parameters: input.parameterValues, timeoutMinutes: timeout,
                disableRollback: !enableRollback)
            let service = try await connection.openService(maxParallel: parallel.maxParallel)
            Interrupt.exitOnSignal()
            let stack = try await engineCall {
                try await service.adopt(request, data: data, observer: ProgressPrinter.observer(if: wait))
            }
            await showFinished(stack, service: service, format: output.format)
            try requireSuccess(stack)
        }
    }
}
