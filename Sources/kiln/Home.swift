import ArgumentParser
import Foundation
import Logging
import KilnClient
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnOpenStack
import KilnResources
import KilnStore
import KilnModel
import KilnTemplate

/// Where Kiln keeps its state: `--home`, else `$KILN_HOME`, else `~/.kiln`. The database is `HOME/kiln.db`.
struct HomeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Kiln's state directory (default: $KILN_HOME or ~/.kiln).", valueName: "DIR"))
    var home: String?

    var directory: String {
        if let home, !home.isEmpty { return home }
        if let env = ProcessInfo.processInfo.environment["KILN_HOME"], !env.isEmpty { return env }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".kiln").path
    }

    @Option(help: ArgumentHelp(
        "Emulated cloud latency per kind, e.g. server=20s,volume=5s,others=1s (default: $KILN_CLOUD_LATENCY or none).",
        valueName: "LIST"))
    var cloudLatency: String?

    @Option(help: ArgumentHelp(
        "Emulated cloud faults: an operation fails its first N calls or with probability p, e.g. server.create=2,volume.create=p0.1 "
            + "(default: $KILN_CLOUD_FAULTS or none).",
        valueName: "LIST"))
    var cloudFaults: String?

    @Option(help: ArgumentHelp(
        "Run cloud resources on this cloud of clouds.yaml (a real OpenStack) instead of the emulated cloud "
            + "(default: $KILN_CLOUD, else the emulator).",
        valueName: "NAME"))
    var cloud: String?

    @Option(help: ArgumentHelp(
        "Seconds between the emulated servers' telemetry samples, e.g. 1s (default: $KILN_TELEMETRY_INTERVAL or 10s).",
        valueName: "DURATION"))
    var telemetryInterval: String?

    @Option(help: ArgumentHelp(
        "The database: postgresql://USER@HOST:PORT/DB for a PostgreSQL shared by several engines, or a SQLite file "
            + "(default: $KILN_DATABASE, else HOME/kiln.db).",
        valueName: "URL"))
    var database: String?

    @Option(help: ArgumentHelp(
        "The key that seals secrets in the database, made on first start (default: $KILN_SECRET_KEY_FILE, else "
            + "HOME/secret.key). Engines sharing a database need the same file.",
        valueName: "FILE"))
    var secretKeyFile: String?

    var databasePath: String { URL(fileURLWithPath: directory).appendingPathComponent("kiln.db").path }

    /// `--secret-key-file`, else `$KILN_SECRET_KEY_FILE`, else `HOME/secret.key`.
    var secretKeyPath: String {
        if let secretKeyFile, !secretKeyFile.isEmpty { return secretKeyFile }
        if let env = ProcessInfo.processInfo.environment["KILN_SECRET_KEY_FILE"], !env.isEmpty { return env }
        return URL(fileURLWithPath: directory).appendingPathComponent("secret.key").path
    }

    /// `--database`, else `$KILN_DATABASE`, else the home's SQLite file.
    var parsedStoreLocation: Result<StoreLocation, Error> {
        Result {
            try StoreLocation(database: database ?? ProcessInfo.processInfo.environment["KILN_DATABASE"], defaultPath: databasePath)
        }
    }

    /// The database to open; a bad URL is a one-line error (never showing a password).
    func storeLocation() throws -> StoreLocation {
        do {
            return try parsedStoreLocation.get()
        } catch {
            standardError("kiln: \(error)")
            throw ExitCode(2)
        }
    }

    /// Opens the store (see `storeLocation`) with its secrets sealed under the home's key (made
    /// on first start, followed as `kiln secret-key rotate` changes it); a database or key that
    /// cannot be opened is a one-line error.
    func openStore() async throws -> any Store {
        let sealer: SecretSealer
        do {
            sealer = try SecretSealer(keyFile: secretKeyPath)
        } catch {
            standardError("kiln: \(error)")
            throw ExitCode(1)
        }
        return SealedStore(try await openBaseStore(), sealer: sealer)
    }

    /// The database as stored, without the sealing layer (`kiln secret-key` works below it).
    func openBaseStore() async throws -> any Store {
        let location = try storeLocation()
        do {
            return try await location.open()
        } catch {
            switch location {
            case .sqlite(let path): standardError("kiln: cannot open \(path): \(error)")
            case .postgres: standardError("kiln: \(error)")
            }
            throw ExitCode(1)
        }
    }

    /// The engine's cloud: a clouds.yaml entry's real OpenStack with `--cloud`, else the emulator in the home's database.
    func engineCloud(store: any Store) async throws -> any Cloud {
        guard let name = cloud ?? ProcessInfo.processInfo.environment["KILN_CLOUD"], !name.isEmpty else {
            return try await openCloud(store: store)
        }
        do {
            return OpenStackCloud(config: try CloudConfigResolver().resolve(cloud: name))
        } catch {
            standardError("kiln: --cloud \(name): \(error)")
            throw ExitCode(1)
        }
    }

    /// The emulated cloud's options from the flags or the environment; a bad list is a usage error.
    func emulatorOptions() throws -> EmulatorOptions {
        let environment = ProcessInfo.processInfo.environment
        var options = EmulatorOptions()
        do {
            if let text = cloudLatency ?? environment["KILN_CLOUD_LATENCY"] { options.latency = try CloudLatency(parsing: text) }
            if let text = cloudFaults ?? environment["KILN_CLOUD_FAULTS"] { options.faults = try CloudFaults(parsing: text) }
            if let text = telemetryInterval ?? environment["KILN_TELEMETRY_INTERVAL"] { options.telemetryInterval = try telemetrySeconds(text) }
        } catch let error as CloudError {
            throw ValidationError(error.message)
        }
        return options
    }

    /// The emulated cloud kept in the home's database.
    func openCloud(store: any Store) async throws -> EmulatedCloud {
        let options = try emulatorOptions()
        do {
            return try await EmulatedCloud(store: store, options: options)
        } catch {
            standardError("kiln: cannot open the emulated cloud in \((try? parsedStoreLocation.get())?.description ?? databasePath): \(error)")
            throw ExitCode(1)
        }
    }

    /// Opens the store and finishes any stack a killed process left in progress, so every
    /// command starts from final states.
    /// The engine on HOME. `deliversNotifications`: the embedded CLI's outbox dispatcher runs
    /// beside the command (`kiln serve` runs its own).
    /// `leaseSeconds`: how long an operation's claim holds without renewal (`kiln serve --lease-ttl`).
    func openEngine(maxParallel: Int = 64, logger: Logger? = nil, deliversNotifications: Bool = true,
                    leaseSeconds: Double = 30) async throws -> Engine {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            standardError("kiln: cannot create \(directory): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let store = try await openStore()
        let cloud = try await engineCloud(store: store)
        let engine = Engine(
            store: store, plugins: .standard, cloud: cloud, maxParallel: maxParallel, leaseSeconds: leaseSeconds, logger: logger,
            serverSinks: try serverSinks())
        if deliversNotifications { EmbeddedNotifications.start(engine) }
        for stack in await engine.recover() {
            standardError("kiln: resumed interrupted stack \(stack.name): \(stack.statusText)")
        }
        return engine
    }
}

extension HomeOptions {
    /// `HOME/notifications.yaml`: where every stack's notifications also go (none when absent).
    var notificationsPath: String { URL(fileURLWithPath: directory).appendingPathComponent("notifications.yaml").path }

    func serverSinks() throws -> [EventSink] {
        guard FileManager.default.fileExists(atPath: notificationsPath) else { return [] }
        let text: String
        switch BoundedFile.read(notificationsPath, limit: 1 << 20) {
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        case .failure(let failure):
            standardError("kiln: \(failure)")
            throw ExitCode(2)
        }
        do {
            return try ServerSinks.read(text, file: notificationsPath)
        } catch {
            for diagnostic in error.diagnostics { standardError(diagnostic.description) }
            throw ExitCode(2)
        }
    }
}

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
