import ArgumentParser
import Foundation
import KilnTemplate

/// Every command names itself (`commandName`): without one ArgumentParser derives it with
/// `String(describing: type)`, a dynamic cast that scans all the static binary's ~12,000
/// protocol conformances, for each of the ~50 commands at every start (`kiln-bench startup`).
struct KilnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "An orchestration engine compatible with OpenStack Heat.",
        version: "kiln 0.1.0",
        subcommands: [
            StackCommand.self, TemplateCommand.self, CloudCommand.self, ServeCommand.self, IdentityCommand.self,
            NotificationCommand.self, SecretKeyCommand.self,
        ]
    )
}

/// Writes a line to standard error.
func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Reads a file named on the command line: a regular file of at most `limit` bytes, or why
/// not in words that name it (`kiln: cannot read PATH: ...`). Devices and FIFOs are refused
/// rather than read without end or waited on.
func readFile(_ path: String, limit: Int = BoundedFile.defaultLimit) -> Result<[UInt8], FileReadFailure> {
    BoundedFile.read(path, limit: limit)
}
