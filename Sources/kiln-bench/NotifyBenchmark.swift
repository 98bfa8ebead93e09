import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnNotify
import KilnStore
import KilnTemplate

/// `kiln-bench notify`: a stack of N resources created with every notification going to a
/// webhook receiver on loopback (in this process, over real HTTP), against the same create with
/// no sink. Reports notifications delivered per second (from the create's start to the last
/// delivery), the create's added cost per resource, and delivery latency p50/p99 (from the
/// event's commit to its receipt). Then a receiver that never answers: a create of
/// `--hang-resources` with it against one without, as a ratio.
func notifyBenchmark(_ arguments: [String]) async -> Int32 {
    let given = options(arguments, allowed: ["--resources", "--hang-resources", "--format"])
    guard let count = Int(given["--resources"] ?? "10000"), count > 0,
          let hangCount = Int(given["--hang-resources"] ?? "1000"), hangCount > 0 else {
        fail("--resources and --hang-resources take positive numbers")
    }
    let json = (given["--format"] ?? "text") == "json"
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-notify-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
        let receiver = try await BenchReceiver.start()
        let template = StackShape.flat.template(resources: count, type: "OS::Heat::None")
        let baseline = try await timedCreate(template, sinks: [], in: directory, name: "plain").seconds

        let sink = EventSink(kind: .webhook, target: receiver.url, secret: "bench-secret")
        let start = ContinuousClock.now
        let notified = try await timedCreate(template, sinks: [sink], in: directory, name: "notified", deliverAll: true)
        let expected = notified.events.count
        let deadline = Date().addingTimeInterval(600)
        while receiver.count < expected, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        let total = seconds(since: start)
        notified.stop()
        let received = receiver.received
        guard received.count >= expected else { fail("only \(received.count) of \(expected) notifications arrived") }
        let latencies = Latencies()
        for event in notified.events {
            if let at = received[event.id] { latencies.record(max(0, at.timeIntervalSince(event.timestamp))) }
        }

        // Latency when the receiver keeps up: 50 small stacks one after another, one engine.
        let steady = try await steadyLatencies(sink: sink, receiver: receiver, in: directory)

        // A receiver that never answers, against none.
        receiver.hang()
        let small = StackShape.flat.template(resources: hangCount, type: "OS::Heat::None")
        var plainRuns: [Double] = [], hangingRuns: [Double] = []
        for round in 0..<9 {
            plainRuns.append(try await timedCreate(small, sinks: [], in: directory, name: "plain-small-\(round)").seconds)
            let hanging = try await timedCreate(small, sinks: [sink], in: directory, name: "hanging-\(round)", deliverAll: true)
            hanging.stop()
            hangingRuns.append(hanging.seconds)
        }
        let plainSmall = plainRuns.sorted()[4], hangingSmall = hangingRuns.sorted()[4]

        let body: Value = [
            "resources": .int(count), "notifications": .int(expected),
            "create_seconds_without_sink": .double(baseline), "create_seconds_with_sink": .double(notified.seconds),
            "added_us_per_resource": .double((notified.seconds - baseline) * 1e6 / Double(count)),
            "delivered_per_second": .double(Double(expected) / total), "delivery_seconds": .double(total),
            "latency_p50_ms": .double(latencies.percentile(0.5)), "latency_p99_ms": .double(latencies.percentile(0.99)),
            "steady_latency_p50_ms": .double(steady.percentile(0.5)), "steady_latency_p99_ms": .double(steady.percentile(0.99)),
            "hang_resources": .int(hangCount), "create_seconds_hanging_sink": .double(hangingSmall),
            "create_seconds_no_sink": .double(plainSmall), "hanging_sink_ratio": .double(hangingSmall / plainSmall),
            "peak_rss_mib": peakRSSMiB().map(Value.double) ?? .null,
        ]
        if json {
            print(body.prettyJSON())
        } else {
            print(String(format: "%d resources, %d notifications to a webhook on loopback", count, expected))
            print(String(format: "create without sink %.3f s, with sink %.3f s: %+.1f µs/resource",
                         baseline, notified.seconds, (notified.seconds - baseline) * 1e6 / Double(count)))
            print(String(format: "delivered %.0f notifications/s (all %d in %.2f s from the create's start)",
                         Double(expected) / total, expected, total))
            print(String(format: "delivery latency during it (a backlog, delivered in order) p50 %.1f ms, p99 %.1f ms",
                         latencies.percentile(0.5), latencies.percentile(0.99)))
            print(String(format: "delivery latency when the receiver keeps up (50 stacks of 5) p50 %.1f ms, p99 %.1f ms",
                         steady.percentile(0.5), steady.percentile(0.99)))
            print(String(format: "%d resources with a receiver that never answers: %.3f s vs %.3f s without sink (ratio %.3f)",
                         hangCount, hangingSmall, plainSmall, hangingSmall / plainSmall))
            print("peak RSS: \(peakRSSMiB().map { String(format: "%.1f MiB", $0) } ?? "unknown")")
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8))
        return 1
    }
}

/// 50 stacks of 5 resources created one after another with the sink, each create's
/// notifications waited for before the next: commit-to-receipt latency with no backlog.
private func steadyLatencies(sink: EventSink, receiver: BenchReceiver, in directory: URL) async throws -> Latencies {
    let store = try SQLiteStore(path: directory.appendingPathComponent("steady.db").path)
    let engine = Engine(store: store, serverSinks: [sink])
    let dispatcher = NotificationDispatcher(store: store, transport: SinkTransport(cloud: nil, timeout: 60), bell: engine.outboxBell)
    let delivery = Task { await dispatcher.run() }
    defer { delivery.cancel() }
    let latencies = Latencies()
    let template = StackShape.flat.template(resources: 5, type: "OS::Heat::None")
    for i in 0..<50 {
        let created = try await engine.create(StackRequest(name: "steady-\(i)", templateName: "s.yaml", template: template))
        let events = try await store.events(stackID: created.id, resourceName: nil, after: nil, limit: nil)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !events.allSatisfy({ receiver.received[$0.id] != nil }) {
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        let received = receiver.received
        for event in events {
            if let at = received[event.id] { latencies.record(max(0, at.timeIntervalSince(event.timestamp))) }
        }
    }
    return latencies
}

/// One create on a fresh store, with a dispatcher delivering its outbox when asked.
private struct TimedCreate {
    var seconds: Double
    var events: [EventRecord]
    var delivery: Task<Void, Never>?
    func stop() { delivery?.cancel() }
}

private func timedCreate(_ template: String, sinks: [EventSink], in directory: URL, name: String, deliverAll: Bool = false)
    async throws -> TimedCreate
{
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("\(name).db").path)
    let engine = Engine(store: store, limits: ReaderLimits(maxBytes: 64 << 20), serverSinks: sinks)
    var delivery: Task<Void, Never>?
    if deliverAll {
        let dispatcher = NotificationDispatcher(
            store: store, transport: SinkTransport(cloud: nil, timeout: 600), bell: engine.outboxBell)
        delivery = Task { await dispatcher.run() }
    }
    let start = ContinuousClock.now
    let created = try await engine.create(StackRequest(name: name, templateName: "\(name).yaml", template: template))
    let elapsed = seconds(since: start)
    guard created.status == .complete else { fail("\(name) ended \(created.statusText): \(created.statusReason)") }
    let events = try await store.events(stackID: created.id, resourceName: nil, after: nil, limit: nil)
    return TimedCreate(seconds: elapsed, events: events, delivery: delivery)
}

/// The webhook receiver: notes when each notification id arrived; `hang` makes it never answer.
private final class BenchReceiver: Sendable {
    let url: String
    private let state = Locked<(received: [String: Date], hanging: Bool)>(([:], false))

    private init(url: String) { self.url = url }

    var count: Int { state.withLock { $0.received.count } }
    var received: [String: Date] { state.withLock { $0.received } }
    func hang() { state.withLock { $0.hanging = true } }

    static func start() async throws -> BenchReceiver {
        let port = Locked<Int?>(nil)
        let holder = Locked<BenchReceiver?>(nil)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            guard let receiver = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            if receiver.state.withLock({ $0.hanging }) {
                try? await Task.sleep(nanoseconds: 3_600_000_000_000)
                return Response(status: .gatewayTimeout)
            }
            let id = request.headers[HTTPFields.Element.Name("X-Kiln-Notification-Id")!] ?? ""
            receiver.state.withLock { $0.received[id] = Date() }
            return Response(status: .noContent)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        Task { try await app.run() }
        let deadline = Date().addingTimeInterval(30)
        while port.withLock({ $0 }) == nil, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        guard let bound = port.withLock({ $0 }) else { fail("the receiver did not start") }
        let receiver = BenchReceiver(url: "http://127.0.0.1:\(bound)/hook")
        holder.withLock { $0 = receiver }
        return receiver
    }
}
