import ArgumentParser
import Foundation

// Exit codes: 0 success, 1 the input is invalid (diagnostics printed) or an operation
// failed, 2 the command line is wrong. ArgumentParser reports usage errors as 64
// (EX_USAGE); Kiln maps them to 2, as most Unix tools do.

/// Ends the process for an error from parsing or running a command, with its exit code.
func exitKiln(for error: Error) -> Never {
    if KilnCommand.exitCode(for: error) == .validationFailure {
        standardError(KilnCommand.fullMessage(for: error))
        exit(2)
    }
    KilnCommand.exit(withError: error)
}

/// Runs the parsed command; stack commands are async (they await the engine). Notifications
/// queued by the command are delivered (or left for the next run) before the process ends.
func runKiln(_ parsed: ParsableCommand) async {
    var command = parsed
    do {
        if var operation = command as? AsyncParsableCommand {
            try await operation.run()
        } else {
            try command.run()
        }
        await EmbeddedNotifications.finish()
    } catch {
        await EmbeddedNotifications.finish()
        exitKiln(for: error)
    }
}

// Parsing happens here, on the main thread, before anything awaits: a command line that asks for
// help or the version, or is wrong, ends without starting the concurrency runtime's worker
// threads (a thread and a hop cost a `kiln --version` about a tenth of its start-up).
let parsed: ParsableCommand
do {
    parsed = try KilnCommand.parseAsRoot()
} catch {
    exitKiln(for: error)
}
await runKiln(parsed)
