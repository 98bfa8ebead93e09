import ArgumentParser
import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `kiln stack ...`: stacks run by the embedded engine or a server, named as `openstack stack ...`.
struct StackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stack",
        abstract: "Create, update, inspect and delete stacks (as `openstack stack`).",
        subcommands: [
            Create.self, Update.self, Delete.self, List.self, Show.self,
            StackActions.Suspend.self, StackActions.Resume.self, StackActions.Check.self, StackActions.Cancel.self,
            StackActions.Abandon.self, StackActions.Adopt.self,
            SnapshotCommand.self, ResourceCommand.self, EventCommand.self, OutputCommand.self, SignalCommand.self, HookCommand.self,
            Purge.self,
        ]
    )
}

/// `-e FILE` and `--parameter K=V`, shared by create, update and adopt.
struct StackInputOptions: ParsableArguments {
    @Option(name: [.customShort("e"), .customLong("environment")], help: "An environment file (repeatable).")
    var environments: [String] = []

    @Option(name: .customLong("parameter"), help: "A parameter value as KEY=VALUE (repeatable).")
    var parameters: [String] = []

    func validate() throws {
        for parameter in parameters where !parameter.contains("=") {
            throw ValidationError("--parameter '\(parameter)' is not KEY=VALUE")
        }
    }

    /// Split at the first `=`; a repeated key keeps its last value.
    var parameterValues: [String: String] {
        var values: [String: String] = [:]
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            values[String(parameter[..<equals])] = String(parameter[parameter.index(after: equals)...])
        }
        return values
    }

    func environmentTexts() throws -> [NamedText] {
        try environments.map { NamedText(name: $0, text: try readText($0)) }
    }
}

/// `--tag a --tag b,c` as openstack's comma-separated tags.
func splitTags(_ tags: [String]) -> [String] {
    tags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
}

extension StackCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a stack and carry it to a final state.")

        @Argument(help: "The stack's name.") var name: String
        @Option(name: [.customShort("t"), .customLong("template")], help: "The template file.") var template: String
        @OptionGroup var input: StackInputOptions
        @Flag(help: "Show each event as it happens.") var wait = false
        @Flag(help: "Delete what was made if the create fails.") var enableRollback = false
        @Option(help: "Minutes before the create fails.") var timeout: Int?
        @Option(help: "A tag (repeatable; commas separate several).") var tag: [String] = []
        @Flag(help: "Print the resources that would be created; create nothing.") var dryRun = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var parallel: ParallelOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let timeout, timeout < 1 { throw ValidationError("--timeout must be at least 1 minute") }
        }

        func run() async throws {
            let request = StackRequest(
                name: name, templateName: template, template: try readText(template),
                environments: try input.environmentTexts(), parameters: input.parameterValues, timeoutMinutes: timeout,
                disableRollback: !enableRollback, tags: splitTags(tag))
            let service = try await connection.openService(maxParallel: parallel.maxParallel)
            if dryRun {
                let plan = try await engineCall { try await service.previewCreate(request) }
                emit(PlanFormat.body(plan), output.format) { PlanFormat.text(plan) }
                return
            }
            Interrupt.exitOnSignal()
            let stack = try await engineCall { try await service.create(request, observer: ProgressPrinter.observer(if: wait)) }
            await showFinished(stack, service: service, format: output.format)
            try requireSuccess(stack)
        }
    }

    enum RollbackSetting: String, ExpressibleByArgument, CaseIterable { case enabled, disabled }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Update a stack and carry it to a final state.")

        @Argument(help: "The stack's name or id.") var name: String
        @Option(name: [.customShort("t"), .customLong("template")], help: "The new template file.") var template: String?
        @OptionGroup var input: StackInputOptions
        @Flag(help: "Start from the stack's current template, environment and parameters (PATCH).") var existing = false
        @Option(help: "With --existing: a parameter to return to its default (repeatable).") var clearParameter: [String] = []
        @Option(help: "Roll back a failed update: enabled or disabled.") var rollback: RollbackSetting?
        @Option(help: "Minutes before the update fails.") var timeout: Int?
        @Option(help: "Replace the stack's tags (repeatable; commas separate several; without it a full update clears them, --existing keeps them).") var tag: [String] = []
        @Flag(help: "Show each event as it happens.") var wait = false
        @Flag(help: "Print what the update would do to each resource; change nothing.") var dryRun = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var parallel: ParallelOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if template == nil && !existing { throw ValidationError("give a template (-t FILE) or --existing") }
            if !clearParameter.isEmpty && !existing { throw ValidationError("--clear-parameter needs --existing") }
            if let timeout, timeout < 1 { throw ValidationError("--timeout must be at least 1 minute") }
        }

        func run() async throws {
            let request = UpdateRequest(
                templateName: template, template: try template.map(readText),
                environments: input.environments.isEmpty && existing ? nil : try input.environmentTexts(),
                parameters: input.parameterValues, clearParameters: clearParameter, existing: existing,
                timeoutMinutes: timeout, disableRollback: rollback.map { $0 == .disabled },
                tags: tag.isEmpty ? nil : splitTags(tag))
            let service = try await connection.openService(maxParallel: parallel.maxParallel)
            if dryRun {
                let plan = try await engineCall { try await service.previewUpdate(name, request) }
                emit(PlanFormat.body(plan), output.format) { PlanFormat.text(plan) }
                return
            }
            Interrupt.exitOnSignal()
            let stack = try await engineCall {
                try await service.update(name, request, observer: ProgressPrinter.observer(if: wait))
            }
            await showFinished(stack, service: service, format: output.format)
            try requireSuccess(stack)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete stacks. On a terminal, asks first unless --yes; otherwise proceeds, as openstack does.")

        @Argument(help: "Stack names or ids.") var names: [String]
        @Flag(name: [.customShort("y"), .customLong("yes")], help: "Do not ask for confirmation.") var yes = false
        @Flag(help: "Show each event as it happens.") var wait = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var parallel: ParallelOptions

        func validate() throws {
            if names.isEmpty { throw ValidationError("name at least one stack to delete") }
        }

        func run() async throws {
            if !yes, isatty(STDIN_FILENO) != 0 {
                print("Are you sure you want to delete \(names.count == 1 ? "this stack" : "these stacks") [y/N]? ", terminator: "")
                flushOutput()
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    standardError("kiln: user canceled the delete")
                    throw ExitCode(1)
                }
            }
            let service = try await connection.openService(maxParallel: parallel.maxParallel)
            Interrupt.exitOnSignal()
            var failed = false
            for name in names {
                do {
                    let stack = try await engineCall { try await service.delete(name, observer: ProgressPrinter.observer(if: wait)) }
                    try requireSuccess(stack)
                    if !wait { print("Stack \(stack.name) \(stack.statusText)") }
                } catch is ExitCode {
                    failed = true  // the reason is printed; go on with the other stacks, as openstack does
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List stacks.")

        @Option(help: "Only stacks having all of these tags (comma-separated).") var tags: String?
        @Option(help: "Only stacks in this state: CREATE_COMPLETE, FAILED, UPDATE... (repeatable).") var status: [String] = []
        @Flag(help: "Include deleted stacks (kept, readable by id, until purged).") var showDeleted = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            let query = StackQuery(
                statuses: status.isEmpty ? nil : status.map { $0.uppercased() },
                tags: tags.map { splitTags([$0]) }, showDeleted: showDeleted)
            let stacks = try await engineCall { try await service.stacks(query) }
            let rows = stacks.map(StackFormat.listRow)
            emit(.list(rows), output.format) { StackFormat.rowsTable(StackFormat.listColumns, rows) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a stack: state, parameters, outputs.")

        @Argument(help: "The stack's name or id.") var name: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            let stack = try await engineCall { try await service.stack(name) }
            let body = await service.show(stack)
            emit(body, output.format) { StackFormat.fieldTable(body) }
        }
    }
}

extension StackCommand {
    /// `kiln stack purge --age DAYS`: deleted stacks go for good, as `heat-manage purge_deleted`.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge", abstract: "Remove deleted stacks (with their events) deleted more than --age days ago (embedded engine).")
        @Option(help: "Days since the delete (0: every deleted stack).") var age: Double = 90
        @OptionGroup var home: HomeOptions

        func validate() throws {
            if !(age >= 0 && age.isFinite) { throw ValidationError("--age must be a non-negative number of days") }
        }

        func run() async throws {
            let engine = try await home.openEngine()
            let purged = try await engine.store.purgeDeletedStacks(before: Date().addingTimeInterval(-age * 86_400))
            print("purged \(purged) deleted stack\(purged == 1 ? "" : "s")")
        }
    }
}
