import ArgumentParser
import Foundation
import Logging
import Metrics
import Hummingbird
import KilnEmulator
import KilnServer
import KilnStore

/// `kiln serve`: the Heat v1 API and a Keystone v3 subset over Kiln's home, for the stock
/// `openstack` client (`HOME/clouds.yaml` names the cloud `kiln`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Heat v1 REST API with a built-in Keystone v3 subset.")

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int = 8004

    @Option(help: "Seconds a shutdown waits for running stack operations.")
    var shutdownGrace: Double = 20

    @Option(help: ArgumentHelp(
        "Validate tokens against this external Keystone (e.g. http://keystone:5000/v3) instead of serving identity.",
        valueName: "URL"))
    var keystoneURL: String?

    @Option(help: ArgumentHelp(
        "Seconds between rounds of the emulated cloud's alarm evaluator (Aodh's default is 60).", valueName: "SECONDS"))
    var evaluationInterval: Double = 60

    @Option(help: ArgumentHelp(
        "This engine's name among the engines sharing the database (default HOST-PID): in the service list, logs and /metrics.",
        valueName: "NAME"))
    var engineName: String?

    @Option(help: ArgumentHelp(
        "Seconds an operation's lease and an engine's heartbeat hold without renewal; after it another engine takes over.",
        valueName: "SECONDS"))
    var leaseTtl: Double = 10

    @Option(help: ArgumentHelp(
        "Failed sign-ins in a row that lock a user of the built-in identity (Keystone's lockout_failure_attempts; 0: never).",
        valueName: "N"))
    var lockoutFailureAttempts: Int = 5

    @Option(help: ArgumentHelp("Seconds a locked user stays locked (Keystone's lockout_duration).", valueName: "SECONDS"))
    var lockoutDuration: Double = 300

    @Option(help: ArgumentHelp(
        "Seconds between automatic rotations of the token key (0: only kiln identity rotate-keys).", valueName: "SECONDS"))
    var tokenKeyRotation: Double = 86400

    @Option(help: ArgumentHelp(
        "Seconds a rotated-out token key still validates tokens (default: the token lifetime, 12 h).", valueName: "SECONDS"))
    var tokenKeyGrace: Double?

    /// Hidden: the test suite's servers sign in hundreds of times and lower it; nobody else should.
    @Option(help: ArgumentHelp("PBKDF2 iterations of new password hashes (tests only).", visibility: .hidden))
    var passwordIterations: Int = IdentityOptions.defaultPasswordIterations

    @Option(help: ArgumentHelp("Serve HTTPS with this PEM certificate (chain), with --tls-key.", valueName: "FILE"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "FILE"))
    var tlsKey: String?

    @Option(help: ArgumentHelp(
        "Require a client certificate signed by a CA in this PEM file (mutual TLS), with --tls-cert.", valueName: "FILE"))
    var tlsClientCa: String?

    @Option(help: ArgumentHelp(
        "Log lines on standard error: json (one JSON object a line, for log shippers) or text (for people).",
        valueName: "FORMAT"))
    var logFormat: String = "json"

    @OptionGroup var home: HomeOptions
    @OptionGroup var notifications: NotificationOptions

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
        if !(evaluationInterval > 0 && evaluationInterval.isFinite) { throw ValidationError("--evaluation-interval must be a positive number of seconds") }
        if !(leaseTtl >= 1 && leaseTtl <= 86400) { throw ValidationError("--lease-ttl must be 1 to 86400 seconds") }
        if let engineName, engineName.isEmpty || engineName.count > 255 || engineName.contains(where: \.isNewline) {
            throw ValidationError("--engine-name must be 1 to 255 characters on one line")
        }
        if LogFormat(rawValue: logFormat) == nil { throw ValidationError("--log-format must be json or text") }
        if !(1_000...10_000_000).contains(passwordIterations) { throw ValidationError("--password-iterations must be 1000 to 10000000") }
        if lockoutFailureAttempts < 0 { throw ValidationError("--lockout-failure-attempts must be 0 or more") }
        if !(lockoutDuration >= 0 && lockoutDuration.isFinite) { throw ValidationError("--lockout-duration must be 0 or more seconds") }
        if !(tokenKeyRotation >= 0 && tokenKeyRotation.isFinite) { throw ValidationError("--token-key-rotation must be 0 or more seconds") }
        if let tokenKeyGrace, !(tokenKeyGrace >= 0 && tokenKeyGrace.isFinite) {
            throw ValidationError("--token-key-grace must be 0 or more seconds")
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsClientCa != nil && tlsCert == nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
        if let keystoneURL, Self.keystone(keystoneURL) == nil {
            throw ValidationError("--keystone-url '\(keystoneURL)' is not an http(s) URL")
        }
    }

    /// Kiln's version, as `kiln --version` prints it, for the heartbeat row.
    static var version: String {
        let text = KilnCommand.configuration.version
        return text.hasPrefix("kiln ") ? String(text.dropFirst(5)) : text
    }

    static func keystone(_ text: String) -> URL? {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            return nil
        }
        return url
    }

    /// `https` with --tls-cert, else `http`: what the URLs this server prints and hands out say.
    var scheme: String { tlsCert == nil ? "http" : "https" }

    /// The certificate and key, read before anything starts: a bad file is a one-line error.
    func serverTLS() throws -> ServerTLS? {
        guard let tlsCert, let tlsKey else { return nil }
        do {
            return try ServerTLS(certificate: tlsCert, key: tlsKey, clientCA: tlsClientCa)
        } catch {
            standardError("kiln: \(error)")
            throw ExitCode(1)
        }
    }

    func run() async throws {
        let tls = try serverTLS()
        // Signal URLs (scaling policies' alarm_url and signal_url) name this server unless
        // KILN_HEAT_URL says otherwise. Set before the engine starts any work.
        if ProcessInfo.processInfo.environment["KILN_HEAT_URL"] == nil, port != 0 {
            setenv("KILN_HEAT_URL", "\(scheme)://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/v1/kiln", 0)
        }
        // The engine's operations are logged as the requests are: JSON lines (or text) on
        // standard error, each naming this engine.
        let name = engineName ?? EngineMembership.defaultName()
        let format = LogFormat(rawValue: logFormat) ?? .json
        let logs: @Sendable (String) -> any LogHandler = { label in
            var handler = format.standardErrorHandler(label: label)
            handler[metadataKey: "engine_name"] = .string(name)
            return handler
        }
        let requestLog = RequestLog(handler: logs)
        let engine = try await home.openEngine(
            logger: Logger(label: "kiln.engine", factory: logs), deliversNotifications: false, leaseSeconds: leaseTtl)
        // This engine among those sharing the database: its heartbeat row, written before it
        // serves, so the others count it at once.
        let membership = EngineMembership(
            store: engine.store, id: engine.owner, name: name, version: Self.version, ttl: leaseTtl)
        let membershipLogger = Logger(label: "kiln.engines", factory: logs)
        do {
            try await membership.forgetEarlierStarts()
            try await membership.beat()
        } catch {
            standardError("kiln: cannot write this engine's heartbeat: \(error)")
            throw ExitCode(1)
        }
        var server: KilnServer
        var identity: IdentityService?
        if let keystoneURL, let url = Self.keystone(keystoneURL) {
            server = KilnServer(engine: engine, tokens: KeystoneTokenValidator(keystoneURL: url), log: requestLog)
            print("kiln: serving \(scheme)://\(host):\(port)/v1 (orchestration); tokens validated by \(keystoneURL)")
        } else {
            // Users, token keys and revocations in the database: a token issued by any engine
            // sharing it is valid on all.
            identity = try await setUpIdentity(store: engine.store, logger: Logger(label: "kiln.identity", factory: logs))
            server = KilnServer(engine: engine, identity: identity!, log: requestLog)
            print("kiln: serving \(scheme)://\(host):\(port)/v3 (identity) and \(scheme)://\(host):\(port)/v1 (orchestration)")
        }
        server.membership = membership
        // Subsystems deep in the engine (leases, cloud calls, alarms) count through
        // swift-metrics' global system: here it is this server's registry, shown at /metrics.
        // Once per process, before those subsystems make their counters.
        MetricsSystem.bootstrap(server.metrics.metricsFactory)
        print("kiln: engine \(name) (\(engine.owner)), lease TTL \(leaseTtl) s")
        let heartbeat = Task {
            await membership.run { error in membershipLogger.warning("heartbeat failed", metadata: ["error": "\(error)"]) }
        }
        defer { heartbeat.cancel() }
        // Takeover: operations whose engine died (its lease lapsed) are resumed here, checked
        // every TTL, not only at start.
        let sweepInterval = leaseTtl, operations = server.operations
        let sweep = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(sweepInterval))
                if Task.isCancelled { break }
                // Their events reach the event alarms as the server's own operations' do. Not
                // awaited: a long takeover must not keep the next sweep from noticing another
                // dead engine (operations this engine is running are never claimed twice).
                Task {
                    for stack in await engine.recover(observer: operations.eventObserver) {
                        membershipLogger.notice("took over an interrupted operation", metadata: [
                            "stack": .string(stack.id), "stack_name": .string(stack.name), "status": .string(stack.statusText),
                        ])
                    }
                }
            }
        }
        defer { sweep.cancel() }
        // Shown at once even when stdout is a file (the password line especially).
        fflush(nil)
        // The emulated Aodh's alarms are evaluated here, in the serving process.
        var alarms: Task<Void, Never>?
        if let cloud = engine.cloud as? EmulatedCloud {
            let runner = AlarmRunner(
                evaluator: AlarmEvaluator(cloud: cloud), interval: evaluationInterval, identity: identity,
                logger: Logger(label: "kiln.alarms", factory: logs), membership: membership)
            alarms = Task { await runner.run() }
            let store = engine.store
            server.operations.onEvent { event in runner.observe(event, store: store) }
        }
        defer { alarms?.cancel() }
        // The notification outbox is delivered from here too, counted in /metrics.
        let dispatcher = engine.notificationDispatcher(
            policy: notifications.policy,
            logger: Logger(label: "kiln.notifications", factory: logs),
            metrics: server.metrics.metricsFactory, membership: membership)
        let delivery = Task { await dispatcher.run() }
        defer { delivery.cancel() }
        // SIGTERM/SIGINT: the server stops taking requests and lets running ones answer.
        if let tls {
            try await server.application(host: host, port: port, tls: tls).runService()
        } else {
            try await server.application(host: host, port: port).runService()
        }
        await finishOperations(server.operations)
        // Leaving the table hands this engine's alarms and queues to the others at once.
        await membership.leave()
        print("kiln: stopped")
    }

    /// The identity in the database. On the first start on a database, HOME/identity.json (an
    /// older Kiln's, or created now with an admin whose password is printed once and written to
    /// HOME/clouds.yaml) is imported into it; from then on the database is what counts.
    func setUpIdentity(store: any Store, logger: Logger) async throws -> IdentityService {
        let directory = URL(fileURLWithPath: home.directory)
        let identityPath = directory.appendingPathComponent("identity.json").path
        do {
            let (file, newPassword) = try IdentityFile.openOrCreate(path: identityPath, iterations: passwordIterations)
            let imported = try await IdentityService.importIdentity(file, into: store)
            if let newPassword, imported {
                let cloudsPath = directory.appendingPathComponent("clouds.yaml").path
                try cloudsYAML(password: newPassword).write(toFile: cloudsPath, atomically: true, encoding: .utf8)
                _ = chmod(cloudsPath, 0o600)
                print("kiln: created \(identityPath) with user admin in project admin")
                print("kiln: admin password (shown once): \(newPassword)")
                print("kiln: wrote \(cloudsPath): OS_CLIENT_CONFIG_FILE=\(cloudsPath) openstack --os-cloud kiln stack list")
            } else if newPassword != nil {
                print("kiln: the database already has users (another engine's); \(identityPath) was not imported")
            } else if imported {
                print("kiln: imported \(identityPath) into the database; users are kept there from now on")
            }
        } catch {
            standardError("kiln: cannot set up the identity (\(identityPath)): \(error)")
            throw ExitCode(1)
        }
        var options = IdentityOptions()
        options.passwordIterations = passwordIterations
        options.lockoutFailureAttempts = lockoutFailureAttempts
        options.lockoutDuration = lockoutDuration
        options.keyRotation = tokenKeyRotation > 0 ? tokenKeyRotation : nil
        options.keyGrace = tokenKeyGrace
        return IdentityService(file: nil, shared: store, options: options, logger: logger)
    }

    /// Running operations get a grace period to finish; any still running after it are durable
    /// and the next start's recovery resumes them.
    func finishOperations(_ operations: OperationTracker) async {
        guard operations.running > 0 else { return }
        standardError("kiln: waiting up to \(Int(shutdownGrace)) s for \(operations.running) running operation(s)")
        let finished = await operations.waitUntilIdle(timeout: shutdownGrace)
        if !finished {
            standardError("kiln: \(operations.running) operation(s) still running; the next kiln serve resumes them")
        }
    }

    func cloudsYAML(password: String) -> String {
        """
        clouds:
          kiln:
            auth:
              auth_url: \(scheme)://\(host):\(port)/v3
              username: admin
              password: "\(password)"
              project_name: admin
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionOne
            interface: public
            identity_api_version: 3

        """
    }
}
