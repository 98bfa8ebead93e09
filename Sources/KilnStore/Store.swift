import Foundation
import KilnModel

/// Everything the engine keeps. The only place that speaks SQL is behind this protocol;
/// SQLite (GRDB) is the embedded default. Every method is one transaction, and a
/// `StoreBatch` commits all its changes together or none.
public protocol Store: Sendable {
    // Stacks
    /// Inserts a stack with its template (assigning the template's id) and first events.
    func createStack(_ stack: StackRecord, template: TemplateRecord, events: [EventRecord], notifications: NotificationBatch)
        async throws -> StackRecord
    func stack(id: String) async throws -> StackRecord?
    /// A live (not deleted) stack by name in a project.
    func stack(named name: String, projectID: String) async throws -> StackRecord?
    func stacks(_ query: StackQuery) async throws -> [StackRecord]
    /// How many top-level stacks are in each state (`CREATE_COMPLETE`: 3, ...), counted by the database.
    func stackCounts() async throws -> [String: Int]
    /// The stacks a stack's resources own (nested stacks), oldest first.
    func childStacks(of parentID: String) async throws -> [StackRecord]
    /// Removes a stack and everything it owns (resources, events, templates no longer used, snapshots).
    func purgeStack(id: String) async throws

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

    // The notification outbox
    /// The head of every (sink, stack) queue with pending notifications: the oldest pending
    /// row of each, which is the only one of its queue that may be delivered now.
    func notificationHeads() async throws -> [NotificationHead]
    /// A queue's pending notifications in order, at most `limit`.
    func pendingNotifications(sinkID: String, stackID: String, limit: Int) async throws -> [OutboxNotification]
    func notificationSinks() async throws -> [String: EventSink]
    /// Delivered: the rows leave the outbox.
    func deliveredNotifications(sequences: [Int64]) async throws
    /// A failed attempt: the row waits until `next`, or joins the dead-letter list when `deadLetter`.
    func failedNotificationAttempt(sequence: Int64, attempts: Int, next: Date, error: String, deadLetter: Bool) async throws
    /// Pending and dead-lettered notifications (only the latter with `failedOnly`), oldest first.
    func notifications(failedOnly: Bool, projectID: String?, limit: Int?) async throws -> [OutboxNotification]
    /// Puts a dead-lettered notification (every sink's row with this id, or the row with this
    /// sequence number) back in its queue, due now; the number of rows requeued.
    func retryNotification(_ id: String, projectID: String?) async throws -> Int
    /// Pending rows in the outbox.
    func pendingNotificationCount() async throws -> Int

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
    /// Notifications of these changes for the outbox, committed with them (see `NotificationStore`).
    public var notifications: [OutboxNotification] = []
    /// The sinks `notifications` name, stored once by their id.
    public var sinks: [EventSink] = []
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

/// Notifications to store with a new stack's first state, and their sinks.
public struct NotificationBatch: Sendable {
    public var notifications: [OutboxNotification]
    public var sinks: [EventSink]
    public init(notifications: [OutboxNotification] = [], sinks: [EventSink] = []) {
        self.notifications = notifications
        self.sinks = sinks
    }
}

/// The first pending notification of one (sink, stack) queue.
public struct NotificationHead: Sendable, Equatable {
    public var sinkID: String
    public var stackID: String
    public var sequence: Int64
    public var nextAttempt: Date
    public init(sinkID: String, stackID: String, sequence: Int64, nextAttempt: Date) {
        self.sinkID = sinkID
        self.stackID = stackID
        self.sequence = sequence
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
    /// Sort key (`name`, `created_at`, `updated_at`, `status`) and direction.
    public var sortKey: String
    public var ascending: Bool
    public var limit: Int?
    /// Id of the last stack of the previous page.
    public var marker: String?

    public init(
        projectID: String? = "default", names: [String]? = nil, statuses: [String]? = nil, tags: [String]? = nil,
        tagsAny: [String]? = nil, notTags: [String]? = nil, notTagsAny: [String]? = nil, showNested: Bool = false,
        sortKey: String = "created_at", ascending: Bool = false, limit: Int? = nil, marker: String? = nil
    ) {
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
        try await createStack(stack, template: template, events: events, notifications: NotificationBatch())
    }
}
