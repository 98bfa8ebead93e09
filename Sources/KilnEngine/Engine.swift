import Foundation
import KilnCloud
import KilnModel
import KilnStore
import KilnTemplate
import Logging

/// Runs stacks: validates templates, walks their dependency graphs in parallel, and keeps
/// every state change in the store before acting on it. One engine per process; several
/// processes may share a store, each operation being claimed through a lease.
public final class Engine: Sendable {
    public let store: any Store
    public let plugins: PluginRegistry
    /// The cloud cloud-backed resource types act on (nil: none; only native types can run).
    public let cloud: (any Cloud)?
    /// Most resources worked on at once within one stack operation.
    public let maxParallel: Int
    /// This process, as it claims operations: `kiln:HOST:PID:UUID`.
    public let owner: String
    /// How long a claim holds without renewal.
    let leaseSeconds: Double
    /// Size and shape limits for templates (Heat's max_template_size is the default).
    public let limits: ReaderLimits
    /// Seconds in one minute of a stack's `timeout_mins`: 60, shortened only by tests.
    let secondsPerTimeoutMinute: Double
    /// Validated templates, so each stack is validated once, not by every view.
    let loadedTemplates = LoadedTemplates()
    /// Signals to one resource take turns (each reads, changes and writes its data).
    let signalTurns = KeyedSerializer()
    /// This engine's operations now running, by their claims.
    let operations = RunningOperations()
    /// Where operations are logged (start, end, recovery, a lost lease), each line naming the
    /// engine, stack and operation. Silent unless given one: the CLI's output is the user's.
    public let logger: Logger
    /// Sinks every stack's notifications go to, besides its environment's `event_sinks`
    /// (the server's, from KILN_HOME's configuration).
    public let serverSinks: [EventSink]
    /// Rung after each commit that adds notifications, for this process's dispatcher.
    public let outboxBell = OutboxBell()

    public convenience init(
        store: any Store, plugins: PluginRegistry = .native, cloud: (any Cloud)? = nil, maxParallel: Int = 64,
        leaseSeconds: Double = 30, limits: ReaderLimits = .default, logger: Logger? = nil, serverSinks: [EventSink] = []
    ) {
        self.init(store: store, plugins: plugins, cloud: cloud, maxParallel: maxParallel, leaseSeconds: leaseSeconds, limits: limits,
                  secondsPerTimeoutMinute: 60, logger: logger, serverSinks: serverSinks)
    }

    init(
        store: any Store, plugins: PluginRegistry, cloud: (any Cloud)? = nil, maxParallel: Int, leaseSeconds: Double,
        limits: ReaderLimits, secondsPerTimeoutMinute: Double, logger: Logger? = nil, serverSinks: [EventSink] = []
    ) {
        self.serverSinks = serverSinks
        self.cloud = cloud
        self.secondsPerTimeoutMinute = secondsPerTimeoutMinute
        self.store = store
        self.limits = limits
        self.plugins = plugins
        self.maxParallel = max(1, maxParallel)
        self.leaseSeconds = leaseSeconds
        self.owner = "kiln:\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
        var logger = logger ?? Logger(label: "kiln.engine", factory: { _ in SwiftLogNoOpLogHandler() })
        logger[metadataKey: "engine"] = .string(owner)
        self.logger = logger
    }
}
