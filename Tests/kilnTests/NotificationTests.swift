import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KilnModel
import KilnStore
import Testing

/// Event notifications delivered to a real webhook receiver on loopback: every lifecycle step,
/// in order per stack, signed; held while the receiver is down and delivered after; kept
/// across `kill -9` of `kiln serve`; dead-lettered and retried; never holding up operations.
@Suite("Event notifications", .serialized)
struct NotificationTests {
    static let template = """
        heat_template_version: 2021-04-16
        parameters:
          word: {type: string, default: one}
        resources:
          a: {type: OS::Heat::Value, properties: {value: {get_param: word}}}
          b: {type: OS::Heat::Value, properties: {value: {get_attr: [a, value]}}}
          c: {type: OS::Heat::RandomString}
        """

    static let scaling = """
        heat_template_version: 2021-04-16
        resources:
          group:
            type: OS::Heat::AutoScalingGroup
            properties:
              min_size: 1
              max_size: 3
              resource: {type: OS::Heat::RandomString}
          up:
            type: OS::Heat::ScalingPolicy
            properties: {auto_scaling_group_id: {get_resource: group}, adjustment_type: change_in_capacity, scaling_adjustment: 1}
        """

    /// The stack's events (nested stacks' too) as the store keeps them, by id.
    func eventIDs(_ store: SQLiteStore, stack name: String) async throws -> [String] {
        var ids: [String] = []
        var stacks = [try #require(try await store.stacks(StackQuery(projectID: nil, names: [name], showNested: true)).first)]
        while let stack = stacks.popLast() {
            ids += try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).map(\.id)
            stacks += try await store.childStacks(of: stack.id)
        }
        return ids
    }

    /// Each stack's notifications first arrived in the order of its events. Delivery is at least
    /// once: a notification may come again with its id (on a loaded CI machine a run of eight
    /// came twice), and a receiver drops what it has seen, as this does.
    func expectOrdered(_ deliveries: [NotificationReceiver.Delivery], store: SQLiteStore) async throws {
        var byStack: [String: [String]] = [:], seen: Set<String> = []
        for delivery in deliveries where seen.insert(delivery.id).inserted {
            let stack = delivery.body["payload"]["stack_identity"].stringValue ?? ""
            byStack[stack, default: []].append(delivery.id)
        }
        for (stackID, ids) in byStack {
            let events = try await store.events(stackID: stackID, resourceName: nil, after: nil, limit: nil).map(\.id)
            let known = ids.filter(events.contains)
            #expect(known == events.filter(ids.contains), "notifications of stack \(stackID) out of order")
        }
    }

    @Test func createUpdateScaleAndDeleteAreNotifiedInOrderAndSigned() async throws {
        let receiver = try await NotificationReceiver()
        let home = try KilnHome()
        let env = try home.write("sinks.yaml", receiver.environment())
        let template = try home.write("t.yaml", Self.template)
        let created = try await home.kiln(["stack", "create", "n", "-t", template, "-e", env])
        #expect(created.status == 0, "\(created.stderr)")
        let updated = try await home.kiln(["stack", "update", "n", "--existing", "--parameter", "word=two"])
        #expect(updated.status == 0, "\(updated.stderr)")
        let scaling = try home.write("s.yaml", Self.scaling)
        let group = try await home.kiln(["stack", "create", "g", "-t", scaling, "-e", env])
        #expect(group.status == 0, "\(group.stderr)")
        let signalled = try await home.kiln(["stack", "resource", "signal", "g", "up", "--data", #"{"current": "alarm"}"#])
        #expect(signalled.status == 0, "\(signalled.stderr)")
        let store = try await home.store()
        let groupEvents = try await eventIDs(store, stack: "g")
        // n's events before its delete (the delete's own are checked by type below).
        let nEvents = try await eventIDs(store, stack: "n")
        let nID = try #require(try await store.stack(named: "n", projectID: "default")?.id)
        try await expectOrdered(try await receiver.wait(for: nEvents.count + groupEvents.count + 2), store: store)
        let deleted = try await home.kiln(["stack", "delete", "n", "--yes"])
        #expect(deleted.status == 0, "\(deleted.stderr)")

        // And the delete's: the stack's start and end, each resource's.
        let deliveries = try await receiver.wait(for: nEvents.count + groupEvents.count + 2 + 8, seconds: 30)
        let ids = Set(deliveries.map(\.id))
        #expect(nEvents.allSatisfy(ids.contains), "an event of stack n was not notified")
        #expect(groupEvents.allSatisfy(ids.contains), "an event of stack g was not notified")
        #expect(deliveries.allSatisfy { $0.signed }, "a delivery's signature does not verify")
        let types = deliveries.map(\.eventType)
        for type in [
            "orchestration.stack.create.start", "orchestration.stack.create.end", "orchestration.resource.create.start",
            "orchestration.resource.create.end", "orchestration.stack.update.start", "orchestration.stack.update.end",
            "orchestration.resource.update.end", "orchestration.stack.delete.start", "orchestration.stack.delete.end",
            "orchestration.autoscaling.start", "orchestration.autoscaling.end",
        ] {
            #expect(types.contains(type), "no \(type)")
        }
        // Heat's shape: oslo's envelope, the stack's payload.
        let end = try #require(deliveries.first { $0.eventType == "orchestration.stack.create.end" }?.body)
        #expect(end["priority"] == "INFO")
        #expect(end["publisher_id"].stringValue?.hasPrefix("orchestration.") == true)
        #expect(end["payload"]["stack_name"] == "n" || end["payload"]["stack_name"] == "g")
        #expect(end["payload"]["state"] == "CREATE_COMPLETE")
        #expect(end["payload"]["tenant_id"] == "default")
        let scaled = try #require(deliveries.first { $0.eventType == "orchestration.autoscaling.end" }?.body["payload"])
        #expect(scaled["capacity"] == 2 && scaled["adjustment"] == 1 && scaled["groupname"] == "group")
        #expect(scaled["adjustment_type"] == "change_in_capacity")
        // Everything delivered; the deleted stack is kept (soft delete) until purged by age.
        #expect(try await store.pendingNotificationCount() == 0)
        #expect(try await store.stack(id: nID)?.statusText == "DELETE_COMPLETE")
        let purged = try await home.kiln(["stack", "purge", "--age", "0"])
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(purged.stdout.contains("purged 1 deleted stack"), "\(purged.stdout)")
        #expect(try await store.stack(id: nID) == nil)
        #expect(try await store.events(stackID: nID, resourceName: nil, after: nil, limit: nil).isEmpty)
    }

    @Test func abandonAndAdoptAreNotified() async throws {
        let receiver = try await NotificationReceiver()
        let home = try KilnHome()
        let env = try home.write("sinks.yaml", receiver.environment(events: ["orchestration.stack.*"]))
        let template = try home.write("t.yaml", Self.template)
        #expect(try await home.kiln(["stack", "create", "ab", "-t", template, "-e", env]).status == 0)
        let abandoned = try await home.kiln(["stack", "abandon", "ab", "--output-file", home.directory.appendingPathComponent("ab.json").path])
        #expect(abandoned.status == 0, "\(abandoned.stderr)")
        let adopted = try await home.kiln([
            "stack", "adopt", "ab2", "--adopt-file", home.directory.appendingPathComponent("ab.json").path, "-t", template, "-e", env,
        ])
        #expect(adopted.status == 0, "\(adopted.stderr)")
        let types = try await receiver.wait(for: 6, seconds: 20).map(\.eventType)
        #expect(types == [
            "orchestration.stack.create.start", "orchestration.stack.create.end", "orchestration.stack.delete.start",
            "orchestration.stack.delete.end", "orchestration.stack.adopt.start", "orchestration.stack.adopt.end",
        ], "\(types)")
    }

    @Test func cloudEventsFormatAndEventFilter() async throws {
        let receiver = try await NotificationReceiver()
        let home = try KilnHome()
        let env = try home.write("sinks.yaml", receiver.environment(format: "cloudevents", events: ["orchestration.stack.*"]))
        let created = try await home.kiln(["stack", "create", "ce", "-t", try home.write("t.yaml", Self.template), "-e", env])
        #expect(created.status == 0, "\(created.stderr)")
        let deliveries = try await receiver.wait(for: 2, seconds: 20)
        #expect(deliveries.map(\.eventType) == ["orchestration.stack.create.start", "orchestration.stack.create.end"])
        let event = try #require(deliveries.last?.body)
        #expect(event["specversion"] == "1.0")
        #expect(event["type"] == "org.openstack.orchestration.stack.create.end")
        #expect(event["id"].stringValue == deliveries.last?.id)
        #expect(event["data"]["state"] == "CREATE_COMPLETE")
        #expect(event["source"].stringValue?.hasPrefix("/v1/default/stacks/ce/") == true)
    }

    @Test func aHangingReceiverHoldsUpNoOperation() async throws {
        let receiver = try await NotificationReceiver()
        receiver.set(.hang)
        let home = try KilnHome()
        var resources = "heat_template_version: 2021-04-16\nresources:\n"
        for i in 0..<300 { resources += "  r\(i): {type: OS::Heat::Value, properties: {value: \(i)}}\n" }
        var environment = ServedKiln.embeddedEnvironment
        environment["KILN_NOTIFICATION_WAIT"] = "0"
        let created = try await CLITests.runKiln(
            ["stack", "create", "big", "-t", try home.write("big.yaml", resources), "-e", try home.write("s.yaml", receiver.environment()),
             "--home", home.directory.path], environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("CREATE_COMPLETE"))
        // Everything not delivered waits in the outbox, listed.
        let store = try await home.store()
        #expect(try await store.pendingNotificationCount() > 500)
        let listed = try await CLITests.runKiln(
            ["notification", "list", "--format", "json", "--home", home.directory.path], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(!listed.stdout.contains(receiver.secret), "the sink's secret is shown")
        #expect((try Value.parseJSON(listed.stdout).listValue?.count ?? 0) > 500)
    }

    @Test func aReceiverDownIsCaughtUpAndDeadLettersCanBeRetried() async throws {
        let receiver = try await NotificationReceiver(start: false)
        let served = try await ServedKiln(["--notification-backoff", "0.05", "--notification-attempts", "3"])
        _ = try served.home.write("sinks.yaml", receiver.environment())
        let created = try await served.client([
            "stack", "create", "down", "-t", try served.home.write("t.yaml", Self.template), "-e",
            served.home.directory.appendingPathComponent("sinks.yaml").path, "--wait",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        // Nobody listens: three attempts each, then the dead-letter list.
        var failed: [Value] = []
        for _ in 0..<200 {
            let listed = try await served.client(["notification", "list", "--failed", "--format", "json"])
            #expect(listed.status == 0, "\(listed.stderr)")
            failed = (try? Value.parseJSON(listed.stdout).listValue) ?? []
            if failed.count >= 1 { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let first = try #require(failed.first)
        #expect(first["attempts"] == 3)
        #expect(first["last_error"].stringValue?.isEmpty == false)
        // The metrics count the retries and the dead letter.
        let metrics = try await served.metrics()
        #expect(metrics.contains("kiln_notifications_retried_total"), "\(metrics)")
        #expect(metrics.contains("kiln_notifications_dead_lettered_total"))

        try await receiver.start()
        // The queue behind the dead letter goes on once the receiver is back; the dead letter
        // itself comes back with `retry`.
        let id = try #require(first["id"].stringValue)
        let retried = try await served.client(["notification", "retry", id])
        #expect(retried.status == 0, "\(retried.stderr)")
        let store = try SQLiteStore(path: served.databasePath)
        let events = try await eventIDs(store, stack: "down")
        for _ in 0..<300 {
            let ids = Set(receiver.deliveries.map(\.id))
            if events.allSatisfy(ids.contains) { break }
            // Every dead letter back in line, until all are through.
            for row in try await store.notifications(failedOnly: true, projectID: nil, limit: nil) {
                _ = try await store.retryNotification(row.id, projectID: nil)
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let ids = Set(receiver.deliveries.map(\.id))
        #expect(events.allSatisfy(ids.contains), "a notification was lost")
        #expect(try await served.metrics().contains("kiln_notifications_delivered_total"))
        let unknown = try await served.client(["notification", "retry", "no-such-id"])
        #expect(unknown.status == 1)
    }

    @Test func aReceiverDownForAWhileGetsEverythingWhenItComesBack() async throws {
        let receiver = try await NotificationReceiver(start: false)
        let served = try await ServedKiln(["--notification-backoff", "0.05", "--notification-attempts", "40"])
        let env = try served.home.write("sinks.yaml", receiver.environment())
        let created = try await served.client(["stack", "create", "w", "-t", try served.home.write("t.yaml", Self.template), "-e", env, "--wait"])
        #expect(created.status == 0, "\(created.stderr)")
        try await Task.sleep(nanoseconds: 1_000_000_000)
        try await receiver.start()
        let store = try SQLiteStore(path: served.databasePath)
        let events = try await eventIDs(store, stack: "w")
        for _ in 0..<300 {
            if events.allSatisfy(Set(receiver.deliveries.map(\.id)).contains) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(events.allSatisfy(Set(receiver.deliveries.map(\.id)).contains), "a notification was lost")
        #expect(try await store.notifications(failedOnly: true, projectID: nil, limit: nil).isEmpty)
        try await expectOrdered(receiver.deliveries, store: store)
    }

    @Test func notificationsCommittedBeforeKillAreDeliveredAfterRestart() async throws {
        let receiver = try await NotificationReceiver(start: false)
        var served: ServedKiln? = try await ServedKiln(["--notification-backoff", "0.2"])
        let home = served!.home, port = served!.port
        let env = try home.write("sinks.yaml", receiver.environment())
        let created = try await served!.client(["stack", "create", "k", "-t", try home.write("t.yaml", Self.template), "-e", env, "--wait"])
        #expect(created.status == 0, "\(created.stderr)")
        let store = try SQLiteStore(path: served!.databasePath)
        #expect(try await store.pendingNotificationCount() > 0)
        kill(served!.process.processIdentifier, SIGKILL)
        served!.process.waitUntilExit()
        served = nil
        try await receiver.start()
        let restarted = try await ServedKiln(["--notification-backoff", "0.2"], home: home, port: port)
        let events = try await eventIDs(store, stack: "k")
        for _ in 0..<300 {
            if events.allSatisfy(Set(receiver.deliveries.map(\.id)).contains) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(events.allSatisfy(Set(receiver.deliveries.map(\.id)).contains), "a notification was lost across kill -9")
        try await expectOrdered(receiver.deliveries, store: store)
        _ = restarted
    }

    @Test func badSinksAreLocatedErrors() async throws {
        let home = try KilnHome()
        let env = try home.write("bad.yaml", """
            event_sinks:
              - type: webhook
                url: ftp://example.com/x
                colour: red
              - type: zaqar-queue
                target: "no spaces allowed"
              - type: carrier-pigeon
            """)
        let run = try await home.kiln(["stack", "create", "x", "-t", try home.write("t.yaml", Self.template), "-e", env])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.yaml:3:10: error: a webhook's url must be an absolute http or https URL"), "\(run.stderr)")
        #expect(run.stderr.contains("bad.yaml:4:5: error: unknown field 'colour'"), "\(run.stderr)")
        #expect(run.stderr.contains("bad.yaml:6:13: error: a Zaqar queue name"), "\(run.stderr)")
        #expect(run.stderr.contains("bad.yaml:7:11: error: Unknown event sink type"), "\(run.stderr)")
        #expect(try await home.kiln(["stack", "list", "--format", "json"]).stdout.contains("\"x\"") == false)
        // Thousands of sinks would make every stack thousands of queues: at most 32.
        var many = "event_sinks:\n"
        for i in 0..<33 { many += "  - {type: webhook, url: 'http://127.0.0.1:9/\(i)'}\n" }
        let tooMany = try await home.kiln(["stack", "create", "y", "-t", try home.write("t2.yaml", Self.template), "-e",
                                           try home.write("many.yaml", many)])
        #expect(tooMany.status == 1)
        #expect(tooMany.stderr.contains("many.yaml:2:3: error: at most 32 event sinks are allowed, found 33"), "\(tooMany.stderr)")
    }
}

extension ServedKiln {
    /// `GET /metrics` as text.
    func metrics() async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        return String(decoding: data, as: UTF8.self)
    }
}
