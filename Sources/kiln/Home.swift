import ArgumentParser
import Foundation
import Logging
import KilnEngine
import KilnStore

/// Where Kiln keeps its state: `--home`, else `$KILN_HOME`, else `~/.kiln`. The database is `HOME/kiln.db`.
struct HomeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Kiln's state directory (default: $KILN_HOME or ~/.kiln).", valueName: "DIR"))
    var home: String?

    var directory: String {
        if let home, !home.isEmpty { return home }
        if let env = ProcessInfo.processInfo.environment["KILN_HOME"], !env.isEmpty { return env }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".kiln").path
    }

    var databasePath: String { URL(fileURLWithPath: directory).appendingPathComponent("kiln.db").path }

    /// Opens the store and finishes any stack a killed process left in progress, so every
    /// command starts from final states.
    func openEngine(maxParallel: Int = 64, logger: Logger? = nil) async throws -> Engine {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            standardError("kiln: cannot create \(directory): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let store: any Store
        do {
            store = try openStore(path: databasePath)
        } catch {
            standardError("kiln: cannot open \(databasePath): \(error)")
            throw ExitCode(1)
        }
        let engine = Engine(store: store, maxParallel: maxParallel, logger: logger)
        for stack in await engine.recover() {
            standardError("kiln: resumed interrupted stack \(stack.name): \(stack.statusText)")
        }
        return engine
    }
}

func openStore(path: String) throws -> any Store { try SQLiteStore(path: path) }

/// `--max-parallel N` for commands that run operations.
struct ParallelOptions: ParsableArguments {
    @Option(help: "Most resources worked on at once.")
    var maxParallel: Int = 64

    func validate() throws {
        if maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
    }
}

/// `--format table|json|yaml` for commands whose output is data.
struct FormatOptions: ParsableArguments {
    @Option(help: "Output format: table, json or yaml.")
    var format: ReportFormat = .table
}
