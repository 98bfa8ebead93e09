import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnNotify
import KilnServer
import KilnStore
import Logging
import Testing

/// Two engines (two in-process servers, each with its own store, engine and membership) on
/// ONE SQLite file and one identity.json, as two `kiln serve` processes share a database.
struct TwoEngines {
    let directory: URL
    let path: String
    let stores: [SQLiteStore]
    let engines: [Engine]
    let memberships: [EngineMembership]
    let servers: [KilnServer]
    let adminPassword: String

    /// The TTL is long: the fixture beats once, and a loaded machine may take many seconds
    /// between that and a test's checks (an engine gone stale then is not what is tested).
    init(ttl: TimeInterval = 600) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-engines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("kiln.db").path
        let identityPath = directory.appendingPathComponent("identity.json").path
        let (file, password) = try IdentityFile.openOrCreate(path: identityPath, iterations: SharedIdentityServers.fastIterations)
        adminPassword = password ?? ""
        var stores: [SQLiteStore] = [], engines: [Engine] = [], memberships: [EngineMembership] = [], servers: [KilnServer] = []
        for name in ["a", "b"] {
            let store = try SQLiteStore(path: path)
            let engine = Engine(store: store)
            let membership = EngineMembership(store: store, id: engine.owner, name: name, version: "test", ttl: ttl)
            try await membership.beat()
            var server = KilnServer(engine: engine, identity: IdentityService(file: file, shared: store, options: SharedIdentityServers.fastOptions()), log: .silent)
            server.membership = membership
            stores.append(store)
            engines.append(engine)
            memberships.append(membership)
            servers.append(server)
        }
        for membership in memberships { try await membership.refresh() }
        (self.stores, self.engines, self.memberships, self.servers) = (stores, engines, memberships, servers)
    }

    /// Both servers listening on loopback at once.
    func run(_ test: @Sendable (ServerFixture.Client, ServerFixture.Client) async throws -> Void) async throws {
        let (a, b) = (servers[0].application(host: "127.0.0.1", port: 0), servers[1].application(host: "127.0.0.1", port: 0))
        try await a.test(.live) { clientA in
            try await b.test(.live) { clientB in
                try await test(ServerFixture.Client(client: clientA), ServerFixture.Client(client: clientB))
            }
        }
    }
}

@Suite("Several engines on one database")
struct MultiEngineTests {
    @Test func aTokenIssuedByOneEngineIsValidOnTheOtherAndItsRevocationReachesIt() async throws {
        let engines = try await TwoEngines()
        let password = engines.adminPassword
        try await engines.run { a, b in
            let (token, project) = try #require(try await a.signIn(user: "admin", password: password, project: "admin"))
            #expect(try await b.call(.get, "/v1/\(project)/stacks", token: token).status == .ok)
            #expect(try await b.call(.get, "/v3/auth/tokens", token: token, headers: ["X-Subject-Token": token]).status == .ok)
            // The database holds no token (nor its SHA-256): only the keys that seal them.
            #expect(try await engines.stores[1].token(digest: token) == nil)
            #expect(try await engines.stores[1].token(digest: TokenDigest.hex(token)) == nil)
            #expect(try await engines.stores[1].tokenKeys().count == 1)

            let revoked = try await a.call(.delete, "/v3/auth/tokens", token: token, headers: ["X-Subject-Token": token])
            #expect(revoked.status == .noContent)
            #expect(try await b.call(.get, "/v1/\(project)/stacks", token: token).status == .unauthorized)
            #expect(try await a.call(.get, "/v1/\(project)/stacks", token: token).status == .unauthorized)
        }
    }

    /// A scaling policy made by engine a: its pre-signed alarm URL (keyed by the policy's stored
    /// key) is honoured by engine b, with no token.
    @Test func aPreSignedAlarmURLFromOneEngineIsHonouredByTheOther() async throws {
        let engines = try await TwoEngines()
        let password = engines.adminPassword
        try await engines.run { a, b in
            let (token, project) = try #require(try await a.signIn(user: "admin", password: password, project: "admin"))
            let created = try await a.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "scaled", "template": ScalingAPITests.template, "parameters": [:], "disable_rollback": true,
            ])
            #expect(created.status == .created)
            let stack = pathOf(try #require(created.headers[.location]))
            #expect(try await a.waitForStack(stack, token: token)["stack_status"] == "CREATE_COMPLETE")
            func output(_ key: String) async throws -> Value {
                try await b.call(.get, "\(stack)/outputs/\(key)", token: token).json["output"]["output_value"]
            }
            let alarmURL = try #require(try await output("alarm_url").stringValue)
            let signed = try await b.call(.post, pathOf(alarmURL), body: ["previous": "ok", "current": "alarm", "reason": "cpu high"])
            #expect(signed.status == .ok, "\(signed.json)")
            #expect(try await output("size") == 2)
        }
    }

    @Test func theServiceListShowsEveryEngineUpThenDownThenGone() async throws {
        let engines = try await TwoEngines()
        let password = engines.adminPassword
        try await engines.run { a, b in
            let (token, project) = try #require(try await b.signIn(user: "admin", password: password, project: "admin"))
            func listed() async throws -> [String: String] {
                let reply = try await a.call(.get, "/v1/\(project)/services", token: token)
                #expect(reply.status == .ok)
                var byHost: [String: String] = [:]
                for entry in reply.json["services"].listValue ?? [] {
                    #expect(entry["binary"] == "heat-engine" && entry["topic"] == "engine")
                    #expect(entry["engine_id"].stringValue?.count == 36 && entry["id"].stringValue?.count == 36)
                    byHost[entry["host"].stringValue ?? ""] = entry["status"].stringValue
                }
                return byHost
            }
            #expect(try await listed() == ["a": "up", "b": "up"])
            // b's last heartbeat two TTLs ago: it is down.
            var stale = engines.memberships[1].engine
            stale.heartbeatAt = Date().addingTimeInterval(-1200)
            try await engines.stores[1].heartbeat(stale)
            #expect(try await listed() == ["a": "up", "b": "down"])
            await engines.memberships[1].leave()
            #expect(try await listed() == ["a": "up"])
        }
    }

    @Test func metricsNameTheEngineThatAnswered() async throws {
        let engines = try await TwoEngines()
        try await engines.run { _, b in
            let reply = try await b.call(.get, "/metrics")
            let text = reply.json.stringValue ?? ""
            #expect(text.contains("kiln_engine_info{engine=\"b\",engine_id=\"\(engines.engines[1].owner)\",version=\"test\"} 1"), "\(text)")
            #expect(text.contains("kiln_engines{status=\"up\"} 2"))
        }
    }

    /// Each round every alarm is evaluated by exactly one of the live engines; when one stops,
    /// the other evaluates them all from its next round; when it comes back, they divide again.
    @Test func alarmsAreEvaluatedOncePerRoundAndRebalancedWhenAnEngineStops() async throws {
        let engines = try await TwoEngines()
        let clouds = [
            try await EmulatedCloud(store: engines.stores[0]), try await EmulatedCloud(store: engines.stores[1]),
        ]
        let alarms = try #require(clouds[0].session(projectID: "demo").alarms)
        let rule: Value = [
            "metric": "cpu", "aggregation_method": "mean", "granularity": 60, "evaluation_periods": 1, "threshold": 50,
            "comparison_operator": "gt", "resource_type": "instance", "query": #"{"=": {"server_group": "none"}}"#,
        ]
        var ids: [String] = []
        for index in 0..<40 {
            ids.append(try await alarms.createAlarm(AlarmRequest(
                name: "alarm-\(index)", type: "gnocchi_aggregation_by_resources_threshold", rule: rule)))
        }
        let runners = zip(clouds, engines.memberships).map { cloud, membership in
            AlarmRunner(evaluator: AlarmEvaluator(cloud: cloud), interval: 60, identity: nil, logger: .init(label: "test"),
                        membership: membership)
        }
        func round() async throws -> [Int] {
            var counts: [Int] = []
            for runner in runners { counts.append(try #require(await runner.round()).evaluated) }
            return counts
        }
        let shares = try await round()
        #expect(shares.reduce(0, +) == 40 && shares.allSatisfy { $0 > 0 }, "\(shares)")
        // Who evaluates which alarm is the same for both engines: each id is one engine's.
        #expect(ids.allSatisfy { id in engines.memberships.filter { $0.owns("alarm:" + id) }.count == 1 })
        #expect(try await round() == shares, "the same division while membership holds")

        // b stops: its row leaves the table; a's next round reads it and takes every alarm.
        await engines.memberships[1].leave()
        #expect(try #require(await runners[0].round()).evaluated == 40)
        // b starts again.
        try await engines.memberships[1].beat()
        let again = try await round()
        #expect(again.reduce(0, +) == 40 && again == shares, "\(again)")
    }

    /// Two dispatchers on one outbox: every notification delivered exactly once, both engines
    /// taking part; after one stops, the other delivers everything that follows, once.
    @Test func notificationsAreDeliveredExactlyOnceByTwoEnginesAndByOneAfterTheOtherStops() async throws {
        let engines = try await TwoEngines()
        let transports = [RecordingTransport(), RecordingTransport()]
        let dispatchers = (0..<2).map { index in
            NotificationDispatcher(
                store: engines.stores[index], transport: transports[index], policy: DeliveryPolicy(pollInterval: 0.05),
                membership: engines.memberships[index])
        }
        let sink = EventSink(kind: .webhook, target: "http://127.0.0.1:9/hook")
        let store = engines.stores[0]
        var stacks: [StackRecord] = []
        for index in 0..<12 {
            let stack = StackRecord(name: "s\(index)")
            stacks.append(try await store.createStack(
                stack, template: TemplateRecord(name: "t", content: "heat_template_version: 2021-04-16\n"),
                events: [EventRecord.ofStack(stack, .create, .inProgress, reason: "Stack CREATE started")],
                subscription: NotificationSubscription(stackID: stack.id, projectID: "default", sinks: [sink])))
        }
        func addEvents(_ count: Int) async throws {
            for stack in stacks {
                var batch = StoreBatch()
                for number in 0..<count {
                    batch.events.append(EventRecord(
                        stackID: stack.id, resourceName: "r\(number)", resourceType: "OS::Heat::None", action: .create,
                        status: .complete, reason: "state changed"))
                }
                try await store.commit(batch)
            }
        }
        try await addEvents(5)
        let tasks = dispatchers.map { dispatcher in Task { await dispatcher.run() } }
        try await waitUntilDelivered(store)
        let first = transports[0].ids + transports[1].ids
        #expect(first.count == 12 * 6 && Set(first).count == first.count, "each delivered once: \(first.count)")
        #expect(!transports[0].ids.isEmpty && !transports[1].ids.isEmpty, "both engines delivered")

        // b stops: its dispatcher ends and its row leaves; a reads the table (its heartbeat would).
        tasks[1].cancel()
        await tasks[1].value
        await engines.memberships[1].leave()
        try await engines.memberships[0].refresh()
        let before = transports[1].ids.count
        try await addEvents(3)
        try await waitUntilDelivered(store)
        tasks[0].cancel()
        let all = transports[0].ids + transports[1].ids
        #expect(all.count == 12 * 9 && Set(all).count == all.count)
        #expect(transports[1].ids.count == before, "the stopped engine delivered nothing more")
    }

    func waitUntilDelivered(_ store: SQLiteStore) async throws {
        let deadline = Date().addingTimeInterval(60)
        while try await store.pendingNotificationCount() > 0 {
            guard Date() < deadline else { throw DeliveryError("notifications still pending after 60 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Records what one engine's dispatcher delivered (the webhook's HTTP is not what these tests
/// are about; which engine delivers what, and how often, is).
final class RecordingTransport: NotificationTransport {
    private let delivered = Locked<[String]>([])
    var ids: [String] { delivered.withLock { $0 } }

    func deliver(_ notification: OutboxNotification, to sink: EventSink) async throws {
        delivered.withLock { $0.append(notification.id + "@" + notification.stackID) }
    }
}

/// A token's SHA-256 in hex (how older Kilns keyed the token table).
enum TokenDigest {
    static func hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
