import Foundation
import KilnModel

/// Everything the engine keeps. The only place that speaks SQL is behind this protocol;
/// SQLite (GRDB) is the embedded default. Every method is one transaction, and a
/// `StoreBatch` commits all its changes together or none.
public protocol Store: EngineRegistry, IdentityRegistry {
    // Stacks
    /// Inserts a stack with its template (assigning the template's id) and first events.
    func createStack(_ stack: StackRecord, template: TemplateRecord, events: [EventRecord],
                     subscription: NotificationSubscription?) async throws -> StackRecord
    func stack(id: String) async throws -> StackRecord?
    /// A live (not deleted) stack by name in a project.
    func stack(named name: String, projectID: String) async throws -> StackRecord?
    func stacks(_ query: StackQuery) async throws -> [StackRecord]
    /// How many top-level stacks are in each state (`CREATE_COMPLETE`: 3, ...), counted by the database.
    func stackCounts() async throws -> [String: Int]
    /// The stacks a stack's resources own (nested stacks), oldest first.
    func childStacks(of parentID: String) async throws -> [StackRecord]
    /// Removes a stack and everything it owns (resources, events, templates no longer used,
    /// snapshots), unless some of its notifications are not delivered yet (then
    /// `finishNotifications` or a later purge removes it).
    func purgeStack(id: String) async throws
    /// Purges deleted stacks (DELETE_COMPLETE) last changed before `cutoff`, as
    /// `heat-manage purge_deleted` does; the number purged.
    func purgeDeletedStacks(before cutoff: Date) async throws -> Int

    // Templates
    func saveTemplate(_ template: TemplateRecord) async throws -> Int64
    func template(id: Int64) async throws -> TemplateRecord?

    // Resources and events
    func resources(stackID: String) async throws -> [ResourceRecord]
    func resource(stackID: String, name: String) async throws -> ResourceRecord?
    /// Events of a stack in order, optionally of one resource, after a sequence number, at most `limit`.
    func events(stackID: String, resourceName: String?, after sequence: Int64?, limit: Int?) async throws -> [EventRecord]

    /// Applies a group of changes in one transaction: transitions that happen together
    /// are committed together (one commit, never one per resource).
    func commit(_ batch: StoreBatch) async throws

    // Notifications: each (sink, stack) queue is the stack's events after its cursor, in
    // order, merged with outbox rows that are not events (autoscaling notifications, placed
    // after the event committed with them); dead letters are rows too.
    /// Every queue with something to deliver: its sink, stack, and when its head is due.
    func notificationHeads() async throws -> [NotificationHead]
    func notificationCursor(sinkID: String, stackID: String) async throws -> NotificationCursor?
    /// Records a cursor's progress or its failed attempt.
    func saveNotificationCursor(_ cursor: NotificationCursor) async throws
    /// Gives up on a notification: it joins the dead-letter list (an event's, rendered as sent,
    /// with its cursor moved past it in the same transaction; an outbox row's, marked failed).
    func deadLetter(_ notification: OutboxNotification, cursor: NotificationCursor?) async throws
    /// A queue's pending outbox rows in order, at most `limit`.
    func pendingNotifications(sinkID: String, stackID: String, limit: Int) async throws -> [OutboxNotification]
    func notificationSinks() async throws -> [String: EventSink]
    /// Delivered outbox rows leave the outbox.
    func deliveredNotifications(sequences: [Int64]) async throws
    /// A failed attempt of an outbox row: it waits until `next`.
    func failedNotificationAttempt(sequence: Int64, attempts: Int, next: Date, error: String) async throws
    /// Outbox rows: pending ones and dead letters (only those with `failedOnly`), oldest first.
    func notifications(failedOnly: Bool, projectID: String?, limit: Int?) async throws -> [OutboxNotification]
    /// The stack's last own event (not a resource's) at or before `sequence`: its state then.
    func lastStackEvent(stackID: String, atOrBefore sequence: Int64) async throws -> EventRecord?
    /// Events not yet delivered to a sink, with the cursor they wait behind, oldest first.
    func pendingEventNotifications(projectID: String?, limit: Int?) async throws -> [(EventRecord, NotificationCursor)]
    /// Puts a dead letter (every sink's with this id, or the row with this sequence number) back
    /// in its queue, due now; the number requeued.
    func retryNotification(_ id: String, projectID: String?) async throws -> Int
    /// Notifications still to deliver: events behind cursors and pending outbox rows.
    func pendingNotificationCount() async throws -> Int
    /// A deleted stack whose notifications are all delivered gives up its cursors.
    func finishNotifications(stackID: String) async throws

    // Snapshots
    func saveSnapshot(_ snapshot: SnapshotRecord) async throws
    func snapshots(stackID: String) async throws -> [SnapshotRecord]
    func snapshot(id: String) async throws -> SnapshotRecord?
    func deleteSnapshot(id: String) async throws

    // Software configs and deployments (Heat's software_configs / software_deployments APIs)
    /// Inserts the config, or replaces the one with its id.
    func saveSoftwareConfig(_ config: SoftwareConfigRecord) async throws
    func softwareConfig(id: String) async throws -> SoftwareConfigRecord?
    /// Oldest first; `projectID` nil: every project. `marker`: id of the last config of the previous page.
    func softwareConfigs(projectID: String?, limit: Int?, marker: String?) async throws -> [SoftwareConfigRecord]
    /// Deletes a config no deployment refers to; false (nothing deleted) when one does.
    func deleteSoftwareConfig(id: String) async throws -> Bool
    /// Inserts the deployment, or replaces the one with its id.
    func saveSoftwareDeployment(_ deployment: SoftwareDeploymentRecord) async throws
    func softwareDeployment(id: String) async throws -> SoftwareDeploymentRecord?
    /// Oldest first: those owned by `projectID` or signalled from it (nil: all), of one server if given.
    func softwareDeployments(projectID: String?, serverID: String?) async throws -> [SoftwareDeploymentRecord]
    func deleteSoftwareDeployment(id: String) async throws

    // Operation leases: a stack's running operation is claimed by one engine process,
    // renewed while it runs, and taken over by another when it expires.
    /// Claims the stack for `owner` until `expiry` if it is unclaimed, already `owner`'s, or expired at `now`.
    func claim(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool
    /// Claims an interrupted operation's stack for `owner`, as `claim` does, for an engine
    /// taking over: on PostgreSQL a row another engine is claiming or committing at this
    /// moment is skipped (`FOR UPDATE SKIP LOCKED`), not waited for, so engines sweeping at
    /// once divide the interrupted operations between them instead of queueing on each one.
    func takeOver(stackID: String, owner: String, until expiry: Date, now: Date) async throws -> Bool
    /// Extends the claim; false if `owner` no longer holds it.
    func renew(stackID: String, owner: String, until expiry: Date) async throws -> Bool
    func release(stackID: String, owner: String) async throws
    /// The request to stop the stack's running operation (`StoreBatch.cancelRequest`), if any.
    func cancelRequest(stackID: String) async throws -> String?
    /// Stacks with an operation IN_PROGRESS whose claim has expired (or that have none) at `now`.
    func interruptedStacks(now: Date) async throws -> [StackRecord]

    // The emulated cloud's objects, in the same database as the stacks.
    /// One write transaction over the cloud's tables.
    func cloudWrite<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T
    /// One consistent read of the cloud's tables.
    func cloudRead<T: Sendable>(_ body: @escaping @Sendable (any CloudTables) throws -> T) async throws -> T

    // Secrets at rest
    /// Every sealed value (`SecretSealer`) stored in any text column of any table, each passed
    /// to `reseal`, whose answer replaces it (nil: kept): what a key rotation re-seals, found
    /// without a list of which records hold secrets. A table at a time, its rows locked while
    /// they are rewritten; the number of values replaced.
    func rewriteSealedValues(_ reseal: @escaping @Sendable (String) throws -> String?) async throws -> Int
}

/// Changes committed together.
public struct StoreBatch: Sendable {
    public var stacks: [StackRecord] = []
    /// Inserted or replaced by (stackID, name).
    public var resources: [ResourceRecord] = []
    public var deletedResources: [(stackID: String, name: String)] = []
    public var events: [EventRecord] = []
    /// When set, the batch commits only while `owner` still holds the stack's lease, so an
    /// operation another engine has taken over (after a long pause) can no longer write.
    public var lease: (stackID: String, owner: String)?
    /// With `lease`: the batch also gives the claim up, in the same transaction (an
    /// operation's final state and its release are seen together).
    public var releasesLease = false
    /// The stack's sinks: each gets a cursor on the stack's events (if it has none), so the
    /// batch's events are notified, committed with them.
    public var subscription: NotificationSubscription?
    /// Notifications that are not events (autoscaling), for the outbox, placed after the
    /// batch's last event of their stack.
    public var notifications: [OutboxNotification] = []
    /// Asks the stack's running operation to stop (a kind such as `rollback` or `stop`), if the
    /// stack is still IN_PROGRESS; cleared by the next claim.
    public var cancelRequest: (stackID: String, request: String)?

    public init(stacks: [StackRecord] = [], resources: [ResourceRecord] = [], events: [EventRecord] = []) {
        self.stacks = stacks
        self.resources = resources
        self.events = events
    }

    public var isEmpty: Bool {
        stacks.isEmpty && resources.isEmpty && deletedResources.isEmpty && events.isEmpty && cancelRequest == nil
            && notifications.isEmpty
    }
}

/// The sinks a stack's notifications go to: committed with a batch, each gets a cursor on
/// the stack (if it has none) just before the batch's events.
public struct NotificationSubscription: Sendable {
    public var stackID: String
    public var projectID: String
    public var sinks: [EventSink]
    /// What is written for a sink, by its id, when it is not `sink.definition`: a sealed store's
    /// (see `SealedStore`) with the secret and headers sealed. The row keeps the plain sink's id,
    /// which the outbox rows name.
    public var storedDefinitions: [String: Value] = [:]

    public init(stackID: String, projectID: String, sinks: [EventSink]) {
        self.stackID = stackID
        self.projectID = projectID
        self.sinks = sinks
    }

    public func storedDefinition(of sink: EventSink) -> Value { storedDefinitions[sink.id] ?? sink.definition }
}

/// Where one sink is in one stack's events: everything up to `afterSequence` is delivered (or
/// dead-lettered); the next attempt waits until `nextAttempt`.
public struct NotificationCursor: Sendable, Equatable {
    public var sinkID: String
    public var stackID: String
    public var projectID: String
    public var afterSequence: Int64
    public var attempts: Int
    public var nextAttempt: Date
    public var lastError: String?
    public init(sinkID: String, stackID: String, projectID: String, afterSequence: Int64, attempts: Int = 0,
                nextAttempt: Date = .distantPast, lastError: String? = nil) {
        self.sinkID = sinkID
        self.stackID = stackID
        self.projectID = projectID
        self.afterSequence = afterSequence
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastError = lastError
    }
}

/// A (sink, stack) queue with something to deliver, and when its head is due.
public struct NotificationHead: Sendable, Equatable {
    public var sinkID: String
    public var stackID: String
    public var nextAttempt: Date
    public init(sinkID: String, stackID: String, nextAttempt: Date) {
        self.sinkID = sinkID
        self.stackID = stackID
        self.nextAttempt = nextAttempt
    }
}

/// Stack list filters, as Heat's `GET /stacks` and `openstack stack list` offer them.
public struct StackQuery: Sendable {
    /// nil: every project (admin's global_tenant).
    public var projectID: String?
    public var names: [String]?
    /// Status text such as `CREATE_COMPLETE`, or a bare status (`FAILED`) or action (`CREATE`).
    public var statuses: [String]?
    /// Stacks having all of these tags / any of these tags / not all / none of them.
    public var tags: [String]?
    public var tagsAny: [String]?
    public var notTags: [String]?
    public var notTagsAny: [String]?
    /// Include nested stacks (they are hidden by default, as in Heat).
    public var showNested: Bool
    /// Include deleted stacks (DELETE_COMPLETE, kept until purged; hidden by default, as in Heat).
    public var showDeleted: Bool
    /// Sort key (`name`, `created_at`, `updated_at`, `status`) and direction.
    public var sortKey: String
    public var ascending: Bool
    public var limit: Int?
    /// Id of the last stack of the previous page.
    public var marker: String?

    public init(
        projectID: String? = "default", names: [String]? = nil, statuses: [String]? = nil, tags: [String]? = nil,
        tagsAny: [String]? = nil, notTags: [String]? = nil, notTagsAny: [String]? = nil, showNested: Bool = false,
        showDeleted: Bool = false, sortKey: String = "created_at", ascending: Bool = false, limit: Int? = nil,
        marker: String? = nil
    ) {
        self.showDeleted = showDeleted
        self.projectID = projectID
        self.names = names
        self.statuses = statuses
        self.tags = tags
        self.tagsAny = tagsAny
        self.notTags = notTags
        self.notTagsAny = notTagsAny
        self.showNested = showNested
        self.sortKey = sortKey
        self.ascending = ascending
        self.limit = limit
        self.marker = marker
    }
}

/// A store failure people can act on: a locked database, a full disk, a corrupt file.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Store {
    /// A new stack with no notifications to send.
    public func createStack(_ stack: StackRecord, template: TemplateRecord, events: [EventRecord]) async throws -> StackRecord {
        try await createStack(stack, template: template, events: events, subscription: nil)
    }
}

extension Store {
    /// What the outbox holds, as `kiln notification list` and the admin API show it: events not
    /// yet delivered to a sink (pending), outbox rows, and dead letters (only those with
    /// `failedOnly`), oldest first. Sinks are named by type and target, never their secret.
    public func notificationListing(failedOnly: Bool, projectID: String?, limit: Int?) async throws -> [Value] {
        let sinks = try await notificationSinks()
        var listed: [(Date, Value)] = try await notifications(failedOnly: failedOnly, projectID: projectID, limit: limit)
            .map { ($0.createdAt, $0.view(sink: sinks[$0.sinkID])) }
        if !failedOnly {
            // In sequence order, the first event met for a cursor is the one its attempts are of.
            var seen: Set<String> = []
            for (event, cursor) in try await pendingEventNotifications(projectID: projectID, limit: limit) {
                let first = seen.insert(cursor.sinkID + "\u{0}" + cursor.stackID).inserted
                let row = OutboxNotification(
                    id: event.id, sinkID: cursor.sinkID, stackID: event.stackID, projectID: cursor.projectID,
                    eventType: HeatNotification.eventType(of: event), body: .null, createdAt: event.timestamp,
                    attempts: first ? cursor.attempts : 0, nextAttempt: first ? cursor.nextAttempt : event.timestamp,
                    lastError: first ? cursor.lastError : nil)
                listed.append((event.timestamp, row.view(sink: sinks[cursor.sinkID])))
            }
        }
        let sorted = listed.sorted { $0.0 < $1.0 }.map(\.1)
        return limit.map { Array(sorted.prefix(max(0, $0))) } ?? sorted
    }
}
