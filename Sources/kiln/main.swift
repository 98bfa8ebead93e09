import ArgumentParser
import Foundation

// Exit codes: 0 success, 1 the input is invalid (diagnostics printed) or an operation
// failed, 2 the command line is wrong. ArgumentParser reports usage errors as 64
// (EX_USAGE); Kiln maps them to 2, as most Unix tools do.

/// Parses and runs the command; stack commands are async (they await the engine).
func runKiln() async {
    do {
        var command = try KilnCommand.parseAsRoot()
        if var operation = command as? AsyncParsableCommand {
            try await operation.run()
        } else {
            try command.run()
        }
        await EmbeddedNotifications.finish()
    } catch {
        await EmbeddedNotifications.finish()
        if KilnCommand.exitCode(for: error) == .validationFailure {
            standardError(KilnCommand.fullMessage(for: error))
            exit(2)
        }
        KilnCommand.exit(withError: error)
    }
}

await runKiln()
