import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// What `kiln stack ...` asks of an engine: the embedded one (`LocalStackService`) or a
/// Heat-compatible server (`RemoteStackService`). Operations run to a final state either way
/// and report each event to the observer as it is seen, so every command prints the same.
protocol StackService: Sendable {
    func stack(_ name: String) async throws -> StackRecord
    func stacks(_ query: StackQuery) async throws -> [StackRecord]
    /// `stack show`'s body (Heat's field names).
    func show(_ stack: StackRecord) async -> Value

    func create(_ request: StackRequest, observer: EngineObserver?) async throws -> StackRecord
    func previewCreate(_ request: StackRequest) async throws -> [PlanLine]
    func update(_ name: String, _ request: UpdateRequest, observer: EngineObserver?) async throws -> StackRecord
    func previewUpdate(_ name: String, _ request: UpdateRequest) async throws -> [PlanLine]
    func delete(_ name: String, observer: EngineObserver?) async throws -> StackRecord

    func suspend(_ name: String, observer: EngineObserver?) async throws -> StackRecord
    func resume(_ name: String, observer: EngineObserver?) async throws -> StackRecord
    func check(_ name: String, observer: EngineObserver?) async throws -> StackRecord
    /// `rollback`: cancel_update (an update rolls back); otherwise cancel_without_rollback.
    func cancelUpdate(_ name: String, rollback: Bool) async throws
    func abandon(_ name: String) async throws -> Value
    func adopt(_ request: StackRequest, data: Value, observer: EngineObserver?) async throws -> StackRecord

    func snapshot(_ name: String, snapshotName: String?) async throws -> SnapshotRecord
    func snapshots(_ name: String) async throws -> [SnapshotRecord]
    func restore(_ name: String, snapshotID: String, observer: EngineObserver?) async throws -> StackRecord
    func deleteSnapshot(_ name: String, snapshotID: String) async throws

    func resources(_ name: String) async throws -> [ResourceRecord]
    /// One resource as `resource show` prints it, with its stack's others (for `required_by`).
    func resource(_ name: String, _ resource: String) async throws -> (ResourceRecord, all: [ResourceRecord])
    /// Events in order; with `after`, only the newer ones (nested stacks' only without `after`).
    func events(_ stack: StackRecord, nestedDepth: Int, resource: String?, after: EventRecord?) async throws -> [EventRecord]
    /// The stack now, or nil once it is gone.
    func refreshed(_ stack: StackRecord) async throws -> StackRecord?
    /// Reports the events after `after` (of `resource` only, when given) as they come, until
    /// the stack is in a final state or gone (`stack event list --follow`).
    func followEvents(_ stack: StackRecord, resource: String?, after: EventRecord?, observer: EngineObserver) async throws
    func outputs(_ name: String) async throws -> [StackOutput]
    func output(_ name: String, key: String) async throws -> StackOutput
    func signal(_ name: String, resource: String, data: Value) async throws
    /// The child stack a resource of `stack` owns (nil: none), also while it is being made.
    func nestedStack(_ stack: StackRecord, resource: String) async throws -> StackRecord?
    /// Marks a resource unhealthy (or, with `unhealthy` false, healthy again).
    func markUnhealthy(_ name: String, resource: String, unhealthy: Bool, reason: String?) async throws
}

/// One line of a `--dry-run` plan, from either service.
struct PlanLine: Sendable, Equatable {
    var name: String
    var type: String
    /// added, updated, replaced, deleted or unchanged.
    var kind: String
    var reason: String?
    /// The properties that change; nil when the service does not say.
    var diff: [PropertyChange]?

    init(name: String, type: String, kind: String, reason: String? = nil, diff: [PropertyChange]? = nil) {
        self.name = name
        self.type = type
        self.kind = kind
        self.reason = reason
        self.diff = diff
    }

    init(_ planned: PlannedChange) {
        switch planned.change {
        case .updated(let diff): self.init(name: planned.name, type: planned.type, kind: "updated", diff: diff)
        case .replaced(let reason, let diff):
            self.init(name: planned.name, type: planned.type, kind: "replaced", reason: reason, diff: diff)
        default: self.init(name: planned.name, type: planned.type, kind: planned.change.kind)
        }
    }
}

extension StackService {
    func followEvents(_ stack: StackRecord, resource: String?, after: EventRecord?, observer: EngineObserver) async throws {
        try await pollEvents(stack, resource: resource, after: after, observer: observer)
    }

    /// Polls for events after the last one shown while another process runs the stack: the
    /// embedded engine's way, and a server's without an event stream.
    func pollEvents(_ stack: StackRecord, resource: String?, after event: EventRecord?, observer: EngineObserver) async throws {
        var last = event
        var current = stack
        while true {
            let fresh = try await events(current, nestedDepth: 0, resource: resource, after: last)
            for event in fresh { observer(event) }
            last = fresh.last ?? last
            guard current.status == .inProgress else { return }
            try await Task.sleep(nanoseconds: 500_000_000)
            // A deleted stack is gone: its final events were shown above.
            guard let again = try? await refreshed(current) else { return }
            current = again
        }
    }
}
