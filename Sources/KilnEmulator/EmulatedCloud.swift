import KilnModel
import Foundation
import KilnCloud
import KilnStore

/// The kinds of object the emulator keeps, as `cloud_objects.kind`.
enum EmulatedKind: String, CaseIterable {
    case server, flavor, image, keypair, servergroup
    case network, subnet, port, router, floatingip, securitygroup, sgrule
    case volume
    /// An Aodh alarm, and one entry of its history (parent the alarm).
    case alarm, alarmhistory
    /// A Zaqar queue (id `PROJECT/NAME`), and its messages and claims (parent the queue).
    case queue, message, claim
    case loadbalancer, listener, pool, member, healthmonitor
    /// A taken address: id `SUBNET/ADDRESS`, parent the subnet, body the port.
    case ip
    /// An idempotency token: id the token, body the object's id.
    case token
    /// A project's usage (body: quota name -> amount in use) and its own limits.
    case usage, quota
    case meta

    /// Kinds a latency or a fault can name.
    static let latencyKinds: Set<String> = [
        "server", "volume", "loadbalancer", "network", "subnet", "port", "router", "floatingip", "securitygroup",
        "listener", "pool", "member", "healthmonitor", "keypair", "servergroup", "image", "alarm", "message",
    ]
}

/// The embedded default cloud: Nova, Neutron, Cinder, Octavia, Glance, Gnocchi, Aodh and Zaqar emulated on the
/// store's database, so the cloud survives restarts and several processes on one home see
/// one cloud. Each call is one transaction: an address, a name or a quota checked is still
/// free when it is taken. Objects that take time (servers, volumes, load balancers) carry
/// the status they reach and when; reads show the status due at their time, so nothing
/// runs in the background and a restart loses no transition.
public final class EmulatedCloud: Cloud {
    public let store: any Store
    public let options: EmulatorOptions
    public var displayName: String { "the emulated cloud" }
    /// The time (tests may move it).
    let clock: @Sendable () -> Date
    /// Calls made per faulted operation, for "fails its first N calls".
    private let faultCounts = Locked<[String: Int]>([:])
    /// Telemetry's last snapshot of the servers and their load (EmulatedTelemetry).
    let telemetry = TelemetryCache()

    /// Opens the emulator on a store, adding the default catalog (images, flavors, the
    /// external network `public`) the first time.
    public init(store: any Store, options: EmulatorOptions = EmulatorOptions(), clock: @escaping @Sendable () -> Date = { Date() }) async throws {
        self.store = store
        self.options = options
        self.clock = clock
        let now = clock()
        let interval = options.telemetryInterval
        try await store.cloudWrite { raw in
            try DefaultCatalog.seed(Tables(raw: raw, now: now))
            try Tables(raw: raw, now: now).rememberTelemetryInterval(interval)
        }
    }

    public func session(projectID: String) -> CloudSession {
        let session = EmulatedSession(cloud: self, projectID: projectID)
        return CloudSession(
            projectID: projectID, compute: session, images: session, network: session, blockStorage: session, loadBalancer: session,
            agent: session, metrics: EmulatedTelemetry(cloud: self, projectID: projectID), alarms: session,
            messaging: EmulatedMessaging(cloud: self, projectID: projectID))
    }

    /// Whether an injected fault hits this call of `operation` (`server.create`).
    func faultHits(_ operation: String) -> Bool {
        let rules = options.faults.rules.filter { $0.operation == operation }
        guard !rules.isEmpty else { return false }
        let call = faultCounts.withLock { counts -> Int in
            counts[operation, default: 0] += 1
            return counts[operation]!
        }
        for rule in rules {
            if let times = rule.times, call <= times { return true }
            if let probability = rule.probability, Double.random(in: 0..<1) < probability { return true }
        }
        return false
    }

    /// Refuses the call with a 500 when a fault hits it.
    func injectFault(_ operation: String) throws {
        if faultHits(operation) {
            throw CloudError(.serverError, "Injected fault: \(operation) failed (emulated cloud fault injection)")
        }
    }

    /// Waits the kind's latency (a call that changes an object of a kind without a status of its own).
    func callLatency(_ kind: String) async throws {
        let seconds = options.latency.of(kind)
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
    }

    /// When an object of a kind made now is ready.
    func readyTime(_ kind: String, from now: Date) -> Date? {
        let seconds = options.latency.of(kind)
        return seconds > 0 ? now.addingTimeInterval(seconds) : nil
    }

    /// Every project's objects of a kind as stored, for `kiln cloud list` and admins.
    func write<T: Sendable>(projectID: String, _ body: @escaping @Sendable (Tables) throws -> T) async throws -> T {
        let now = clock(), quotas = options.quotas
        return try await store.cloudWrite { raw in
            let tables = Tables(raw: raw, now: now, defaultQuotas: quotas)
            try tables.ensureProject(projectID)
            return try body(tables)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Tables) throws -> T) async throws -> T {
        let now = clock(), quotas = options.quotas
        return try await store.cloudRead { raw in try body(Tables(raw: raw, now: now, defaultQuotas: quotas)) }
    }

    /// Sleeps until `date` (or at most `limit` seconds), in small steps so a changed object is seen.
    func sleep(until date: Date?, limit: Double) async throws {
        let wait = date.map { max(0.001, $0.timeIntervalSince(clock())) } ?? 0.05
        try await Task.sleep(nanoseconds: UInt64(min(wait, limit, 1) * 1_000_000_000))
    }
}

/// One project's view of the emulated cloud: every service protocol, in extensions by service.
struct EmulatedSession: Sendable {
    let cloud: EmulatedCloud
    let projectID: String

    func write<T: Sendable>(_ body: @escaping @Sendable (Tables) throws -> T) async throws -> T {
        try await cloud.write(projectID: projectID, body)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Tables) throws -> T) async throws -> T {
        try await cloud.read(body)
    }

    /// Waits until `poll` returns a value (not nil), sleeping until the time it names, or
    /// throws after `timeout` seconds with `what` in the message.
    func wait<T: Sendable>(
        _ what: String, timeout: Double, _ poll: @escaping @Sendable (Tables) throws -> (done: T?, next: Date?)
    ) async throws -> T {
        let deadline = cloud.clock().addingTimeInterval(timeout)
        while true {
            let (done, next) = try await read(poll)
            if let done { return done }
            let left = deadline.timeIntervalSince(cloud.clock())
            if left <= 0 { throw CloudError(.failedState, "Timed out after \(Int(timeout)) s waiting for \(what)") }
            try await cloud.sleep(until: next, limit: left)
        }
    }
}

/// What administrators see and set across projects (`kiln cloud ...`).
extension EmulatedCloud {
    /// A project's limits (its own over the defaults) and what it uses.
    public func quotas(projectID: String) async throws -> (limits: [String: Int], usage: [String: Int]) {
        try await write(projectID: projectID) { tables in (try tables.limits(projectID), try tables.usage(projectID)) }
    }

    /// Sets some of a project's limits (-1: unlimited); unknown names are refused.
    public func setQuotas(_ limits: [String: Int], projectID: String) async throws {
        try await write(projectID: projectID) { tables in try tables.setLimits(limits, project: projectID) }
    }
}
