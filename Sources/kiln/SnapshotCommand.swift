import ArgumentParser
import Foundation
import KilnEngine
import KilnStore

/// `kiln stack snapshot ...`: save a stack's resource data and restore it later.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Create, list, restore and delete stack snapshots.",
        subcommands: [Create.self, List.self, Restore.self, Delete.self])
}

extension SnapshotCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Snapshot a stack.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Option(help: "The snapshot's name.") var name: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            Interrupt.exitOnSignal()
            let snapshot = try await engineCall { try await service.snapshot(stack, snapshotName: name) }
            let body = StackFormat.snapshot(snapshot)
            emit(body, output.format) { StackFormat.fieldTable(body) }
            if snapshot.status == .failed {
                standardError("kiln: snapshot \(snapshot.id) FAILED: \(snapshot.statusReason)")
                throw ExitCode(1)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a stack's snapshots.")
        @Argument(help: "The stack's name or id.") var stack: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService()
            let rows = try await engineCall { try await service.snapshots(stack) }.map(StackFormat.snapshot)
            emit(.list(rows), output.format) { StackFormat.rowsTable(StackFormat.snapshotColumns, rows) }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "restore", abstract: "Return a stack to a snapshot.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Argument(help: "The snapshot's id.") var snapshot: String
        @Flag(help: "Show each event as it happens.") var wait = false
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var parallel: ParallelOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            let service = try await connection.openService(maxParallel: parallel.maxParallel)
            Interrupt.exitOnSignal()
            let restored = try await engineCall {
                try await service.restore(stack, snapshotID: snapshot, observer: ProgressPrinter.observer(if: wait))
            }
            await showFinished(restored, service: service, format: output.format)
            try requireSuccess(restored)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a snapshot.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Argument(help: "The snapshot's id.") var snapshot: String
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let service = try await connection.openService()
            try await engineCall { try await service.deleteSnapshot(stack, snapshotID: snapshot) }
            print("Snapshot \(snapshot) deleted")
        }
    }
}
