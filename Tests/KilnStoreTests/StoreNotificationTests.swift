import Foundation
import KilnModel
import KilnStore
import Testing

/// Notification cursors over events, outbox rows and dead letters, on each store.
@Suite struct StoreNotificationTests {
    let sink = EventSink(kind: .webhook, target: "http://127.0.0.1:9/hook")

    func subscription(_ stack: StackRecord) -> NotificationSubscription {
        NotificationSubscription(stackID: stack.id, projectID: stack.projectID, sinks: [sink])
    }

    @Test(arguments: StoreBackend.allCases) func cursorsFollowEventsCommittedAfterTheSubscription(_ backend: StoreBackend) async throws {
        let store = try await backend.database().open()
        let before = try await makeStack(store, "before")
        try await store.commit(StoreBatch(events: [event(before.id, "old")]))
        let stack = try await store.createStack(
            StackRecord(name: "app", projectID: "default", action: .create, status: .inProgress, createdAt: at(0)),
            template: template(), events: [], subscription: nil)
        var batch = StoreBatch(events: [event(stack.id, "one"), event(stack.id, "two")])
        batch.subscription = subscription(stack)
        try await store.commit(batch)

        #expect(try await store.notificationSinks() == [sink.id: sink])
        let cursor = try #require(try await store.notificationCursor(sinkID: sink.id, stackID: stack.id))
        let events = try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil)
        #expect(cursor.afterSequence < events[0].sequence!)
        #expect(try await store.notificationHeads() == [NotificationHead(sinkID: sink.id, stackID: stack.id, nextAttempt: Date(timeIntervalSince1970: 0))])
        let pending = try await store.pendingEventNotifications(projectID: nil, limit: nil)
        #expect(pending.map(\.0.resourceName) == ["one", "two"])
        #expect(try await store.pendingNotificationCount() == 2)

        // Delivering the first moves the cursor; a failed attempt is recorded; a cursor never goes back.
        var moved = cursor
        moved.afterSequence = events[0].sequence!
        moved.attempts = 2
        moved.nextAttempt = at(500)
        moved.lastError = "connection refused"
        try await store.saveNotificationCursor(moved)
        var back = moved
        back.afterSequence = 0
        try await store.saveNotificationCursor(back)
        let saved = try #require(try await store.notificationCursor(sinkID: sink.id, stackID: stack.id))
        #expect(saved.afterSequence == events[0].sequence! && saved.attempts == 2 && saved.lastError == "connection refused")
        #expect(try await store.pendingNotificationCount() == 1)
        #expect(try await store.notificationHeads().first?.nextAttempt == at(500))

        // The last is given up on: a dead letter, the cursor past it, nothing pending.
        let last = events[1]
        var done = saved
        done.afterSequence = last.sequence!
        let letter = OutboxNotification(
            id: last.id, sinkID: sink.id, stackID: stack.id, projectID: "default", eventType: "orchestration.stack.x",
            body: .map(["k": .string("v")]), createdAt: at(3), attempts: 5, lastError: "gave up")
        try await store.deadLetter(letter, cursor: done)
        #expect(try await store.pendingNotificationCount() == 0)
        let failed = try await store.notifications(failedOnly: true, projectID: nil, limit: nil)
        #expect(failed.map(\.id) == [last.id] && failed[0].state == .failed && failed[0].lastError == "gave up")
        #expect(try await store.notifications(failedOnly: true, projectID: "other", limit: nil).isEmpty)

        // Retried: pending again, due now, then delivered (it leaves the outbox).
        #expect(try await store.retryNotification(last.id, projectID: "default") == 1)
        #expect(try await store.retryNotification(last.id, projectID: "default") == 0)
        let queued = try await store.pendingNotifications(sinkID: sink.id, stackID: stack.id, limit: 10)
        #expect(queued.map(\.id) == [last.id] && queued[0].attempts == 0)
        try await store.failedNotificationAttempt(sequence: queued[0].sequence!, attempts: 1, next: at(900), error: "503")
        #expect(try await store.pendingNotifications(sinkID: sink.id, stackID: stack.id, limit: 10)[0].nextAttempt == at(900))
        try await store.deliveredNotifications(sequences: [queued[0].sequence!])
        #expect(try await store.notifications(failedOnly: false, projectID: nil, limit: nil).isEmpty)
        #expect(try await store.notificationCursor(sinkID: sink.id, stackID: before.id) == nil)
    }

    @Test(arguments: StoreBackend.allCases) func outboxRowsFollowTheEventCommittedWithThem(_ backend: StoreBackend) async throws {
        let store = try await backend.database().open()
        let stack = try await makeStack(store, "app", status: .inProgress)
        var batch = StoreBatch(events: [event(stack.id, "group")])
        batch.subscription = subscription(stack)
        batch.notifications = [
            OutboxNotification(
                id: "n1", sinkID: sink.id, stackID: stack.id, projectID: "default", eventType: "autoscaling.scale.start",
                body: .map(["n": .int(1)]), createdAt: at(5)),
        ]
        try await store.commit(batch)
        let eventSequence = try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil)[0].sequence!
        let rows = try await store.pendingNotifications(sinkID: sink.id, stackID: stack.id, limit: 5)
        #expect(rows.count == 1 && rows[0].afterEvent == eventSequence && rows[0].body == .map(["n": .int(1)]))
        #expect(try await store.pendingNotificationCount() == 2)
        let listing = try await store.notificationListing(failedOnly: false, projectID: nil, limit: nil)
        #expect(listing.count == 2)

        // The stack's own last event at a sequence: its state then.
        var own = event(stack.id, "app", status: .complete)
        own.resourceType = "OS::Heat::Stack"
        own.physicalResourceID = stack.id
        try await store.commit(StoreBatch(events: [own]))
        let last = try await store.lastStackEvent(stackID: stack.id, atOrBefore: Int64.max)
        #expect(last?.status == .complete && last?.resourceName == "app")
        #expect(try await store.lastStackEvent(stackID: stack.id, atOrBefore: eventSequence) == nil)
    }

    /// A deleted stack with notifications still to send stays until they are delivered.
    @Test(arguments: StoreBackend.allCases) func purgeWaitsForUndeliveredNotifications(_ backend: StoreBackend) async throws {
        let store = try await backend.database().open()
        var stack = try await makeStack(store, "app", status: .inProgress)
        stack.action = .delete
        stack.status = .complete
        stack.updatedAt = at(10)
        var batch = StoreBatch(stacks: [stack], events: [event(stack.id, "app", status: .complete)])
        batch.subscription = subscription(stack)
        try await store.commit(batch)
        try await store.purgeStack(id: stack.id)
        #expect(try await store.stack(id: stack.id) != nil)
        #expect(try await store.purgeDeletedStacks(before: at(100)) == 0)

        let cursor = try #require(try await store.notificationCursor(sinkID: sink.id, stackID: stack.id))
        let events = try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil)
        var delivered = cursor
        delivered.afterSequence = events.last!.sequence!
        try await store.saveNotificationCursor(delivered)
        try await store.finishNotifications(stackID: stack.id)
        #expect(try await store.notificationCursor(sinkID: sink.id, stackID: stack.id) == nil)
        #expect(try await store.purgeDeletedStacks(before: at(5)) == 0)
        #expect(try await store.purgeDeletedStacks(before: at(100)) == 1)
        #expect(try await store.stack(id: stack.id) == nil)
    }
}
