import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// A signal to a scaling policy resizes its group, as Heat's `AutoScalingPolicy.handle_signal`
/// and the group's `adjust` do, with the capacity math of `ScalingMath`.
///
/// Serialization: the resize runs as an operation that claims the stack's lease through the
/// store (a compare-and-set on the stack row), the same claim every stack operation takes, so
/// two signals at once, from one engine or two processes, cannot both resize: the one that
/// loses the claim is ignored "due to scaling activity" (Heat's `scaling_in_progress`), and a
/// stack update meanwhile is refused as busy. The group's metadata carries Heat's
/// `scaling_in_progress` and `cooldown_end`, committed before and after the resize, with the
/// target size in its data: an engine killed mid-resize leaves them, and the next start (or
/// the next signal, which then holds the claim and so knows the flag is stale) finishes the
/// resize to that target. Ignored signals are recorded as events saying why.
extension Engine {
    func scale(
        stack: StackRecord, policy record: ResourceRecord, plugin: any ScalingPolicyPlugin, data: Value, types: TypeResolver
    ) async throws {
        let settings: ScalingPolicySettings
        do {
            settings = try plugin.settings(of: LiveResource(record, stackName: stack.name))
        } catch let failure as ResourceFailure {
            throw EngineError.refused("signal to '\(record.name)' refused: \(failure)")
        }
        let state = Self.alarmState(data)
        // Only an alarm scales: an `ok` or `insufficient data` notification leaves the group alone.
        guard state == "alarm" else {
            try await note(stack, record, .complete, "Signal: alarm state \(state): no scaling (only the alarm state scales)")
            return
        }
        guard let groupName = try await scalingGroup(settings.groupReference, in: stack, types: types) else {
            throw EngineError.refused("Alarm \(record.name) could not find scaling group named \"\(settings.groupReference)\"")
        }
        // In cooldown: ignored without claiming the stack, as Heat checks the cooldown before it
        // adjusts. An alarm repeating every round would otherwise hold the stack's claim again
        // and again, and a stack delete or update in between would be refused as busy.
        if let reason = try await cooldownHolds(group: groupName, in: stack, settings: settings, types: types) {
            try await note(stack, record, .complete, Self.noAction(groupName, reason))
            return
        }
        var claimed = try await self.stack(stack.id, projectID: stack.projectID)
        guard try await claimOperation(&claimed) else {
            // Another resize holds the stack, or a stack operation does (the group then changes under it).
            let why = claimed.status == .inProgress ? "the stack is \(claimed.statusText)" : "due to scaling activity"
            try await note(stack, record, .complete, Self.noAction(groupName, why))
            return
        }
        let run: StackRun
        do {
            run = StackRun(
                engine: self, stack: claimed, loaded: try await load(claimed), records: try await store.resources(stackID: claimed.id),
                observer: nil)
        } catch {
            await endOperation(claimed)
            throw error
        }
        try await withLease(run) {
            try await run.adjust(group: groupName, policy: record, settings: settings, details: Self.signalDetails(data))
        }
    }

    /// Why a signal now would be ignored for the group's cooldown ("due to cooldown, cooldown
    /// 600"), read without the stack's claim; nil when the group may resize (checked again under
    /// the claim) or an interrupted resize is to be finished first.
    private func cooldownHolds(
        group name: String, in stack: StackRecord, settings: ScalingPolicySettings, types: TypeResolver
    ) async throws -> String? {
        guard let record = try await store.resource(stackID: stack.id, name: name),
              record.metadata.mapValue?["scaling_in_progress"] != .bool(true),
              let plugin = types.plugin(type: record.type, resource: name) as? any ScalingGroupPlugin else { return nil }
        let group = LiveResource(record, stackName: stack.name)
        guard let end = StackRun.cooldownEnd(group), Date() < end else { return nil }
        let cooldown = max(0, settings.cooldown ?? (try? plugin.limits(of: group))?.cooldown ?? 0)
        return "due to cooldown, cooldown \(StackRun.number(cooldown))"
    }

    /// Finishes a resize an engine was killed in (the group's `scaling_in_progress` still set).
    func resumeScaling(stackID: String, group: String) async {
        guard var stack = try? await store.stack(id: stackID), (try? leaseLapsed(stack)) == true,
              (try? await claimOperation(&stack)) == true else { return }
        guard let loaded = try? await load(stack), let records = try? await store.resources(stackID: stack.id) else {
            await endOperation(stack)
            return
        }
        let run = StackRun(engine: self, stack: stack, loaded: loaded, records: records, observer: nil)
        logger.notice("resuming an interrupted scaling", metadata: ["stack": .string(stack.id), "group": .string(group)])
        _ = try? await withLease(run) { try await run.resumeResize(group: group) }
    }

    /// The groups whose resize was interrupted, among the parents of the interrupted child
    /// stacks `recover` found.
    func resumeInterruptedScaling(children: [StackRecord]) async {
        var seen: Set<String> = []
        for child in children {
            guard let parentID = child.parentID, let name = child.parentResource, seen.insert("\(parentID)/\(name)").inserted,
                  let record = try? await store.resource(stackID: parentID, name: name),
                  record.metadata.mapValue?["scaling_in_progress"] == .bool(true) else { continue }
            await resumeScaling(stackID: parentID, group: name)
        }
    }

    /// Groups whose resize was interrupted while their child stack was not changing (just
    /// before or after its update): their stack is not IN_PROGRESS, but the claim the resize
    /// took is still on it, its holder gone.
    func resumeAbandonedScaling() async {
        guard let stacks = try? await store.stacks(StackQuery(projectID: nil, showNested: true)) else { return }
        for stack in stacks where stack.owner != nil && stack.status != .inProgress && (try? leaseLapsed(stack)) == true {
            for record in (try? await store.resources(stackID: stack.id)) ?? []
            where record.metadata.mapValue?["scaling_in_progress"] == .bool(true) {
                await resumeScaling(stackID: stack.id, group: record.name)
            }
        }
    }

    /// Whether the stack's resource `name` is a scaling policy (by its registered type).
    func isScalingPolicy(_ name: String, in stack: StackRecord) async throws -> Bool {
        guard let record = try await store.resource(stackID: stack.id, name: name) else { return false }
        return plugins.plugin(for: record.type) is any ScalingPolicyPlugin
    }

    /// The name of the stack's group whose reference id is `reference`.
    private func scalingGroup(_ reference: String, in stack: StackRecord, types: TypeResolver) async throws -> String? {
        for record in try await store.resources(stackID: stack.id) {
            guard let plugin = types.plugin(type: record.type, resource: record.name), plugin is any ScalingGroupPlugin else { continue }
            let live = LiveResource(record, stackName: stack.name)
            if plugin.referenceID(live) == .string(reference) || record.name == reference { return record.name }
        }
        return nil
    }

    /// An event on the policy, outside any operation (an ignored signal).
    private func note(_ stack: StackRecord, _ record: ResourceRecord, _ status: Status, _ reason: String) async throws {
        try await commit(StoreBatch(events: [EventRecord(
            stackID: stack.id, resourceName: record.name, physicalResourceID: record.physicalID ?? "", resourceType: record.type,
            action: .signal, status: status, reason: reason)]), stack: stack)
    }

    /// The alarm state a signal reports: `current` (Aodh) or `state`, else `alarm` (as Heat assumes).
    static func alarmState(_ data: Value) -> String {
        let fields = data.mapValue ?? [:]
        return (fields["current"]?.stringValue ?? fields["state"]?.stringValue ?? "alarm").lowercased()
    }

    /// Heat's description of a signal's body in its events.
    static func signalDetails(_ data: Value) -> String {
        switch data {
        case .null, .string(""): return "No signal details provided"
        case .string(let text): return text
        case .map(let fields):
            if let previous = fields["previous"], let current = fields["current"], let reason = fields["reason"] {
                return "alarm state changed from \(previous.plainText) to \(current.plainText) (\(reason.plainText))"
            }
            return fields.isEmpty ? "No signal details provided" : "Unknown"
        default: return "Unknown"
        }
    }

    /// Heat's NoActionRequired message.
    static func noAction(_ group: String, _ reason: String) -> String {
        "The resource \(group) could not perform scaling action: \(reason)"
    }
}

extension StackRun {
    /// Resizes the group as the policy says, or records why not. Runs under the stack's lease.
    func adjust(group name: String, policy: ResourceRecord, settings: ScalingPolicySettings, details: String) async throws {
        guard let record = records[name], let plugin = plugin(type: record.type, resource: name) as? any ScalingGroupPlugin else {
            throw EngineError.refused("scaling group \(name) is not available")
        }
        if record.metadata.mapValue?["scaling_in_progress"] == .bool(true) {
            // This run holds the stack's claim, so no one else is resizing: the flag is an
            // interrupted resize's. Finish it first.
            try await resumeResize(group: name)
        }
        guard let current = records[name], current.status == .complete else {
            return try await ignore(policy, Engine.noAction(name, "the group is \(records[name]?.statusText ?? "gone"), not COMPLETE"))
        }
        var group = liveResource(from: current)
        let limits = try plugin.limits(of: group)
        let size = ScalingGroup.size(group)
        let target = ScalingMath.newCapacity(
            current: size, adjustment: settings.adjustment, type: settings.type, minAdjustmentStep: settings.minAdjustmentStep,
            minimum: limits.minimum, maximum: limits.maximum)
        guard target != size else {
            return try await ignore(policy, Engine.noAction(
                name, "no change in capacity (\(size) members, min_size \(limits.minimum), max_size \(limits.maximum))"))
        }
        let cooldown = max(0, settings.cooldown ?? limits.cooldown ?? 0)
        if let end = Self.cooldownEnd(group), Date() < end {
            return try await ignore(policy, Engine.noAction(name, "due to cooldown, cooldown \(Self.number(cooldown))"))
        }
        let adjustment = "\(settings.type.rawValue) : \(Self.number(settings.adjustment))"
        var metadata = group.metadata.mapValue ?? [:]
        metadata["scaling_in_progress"] = true
        group.metadata = .map(metadata)
        group.data["scaling"] = ["from": .int(size), "to": .int(target), "cooldown": .double(cooldown), "adjustment": .string(adjustment)]
        transition(name, type: current.type, .update, .inProgress,
                   reason: "Start resizing the group \(name): alarm state alarm, scaling from \(size) to \(target) (\(adjustment))",
                   live: group)
        let heatType = settings.type.rawValue
        let adjustmentValue: Value = settings.adjustment.rounded() == settings.adjustment && abs(settings.adjustment) < 1e15
            ? .int(Int(settings.adjustment)) : .double(settings.adjustment)
        notifyScaling("start", group: name, adjustment: adjustmentValue, type: heatType, capacity: size,
                      message: "Start resizing the group \(name)")
        try await flush()
        do {
            try await plugin.resize(&group, to: target, resourceContext())
        } catch {
            let reason = Engine.reason(for: error)
            finish(&group, cooldown: nil)
            transition(name, type: current.type, .update, .failed, reason: "Error resizing the group \(name): \(reason)", live: group)
            note(policy, .failed, "\(details): scaling \(name) from \(size) to \(target) failed: \(reason)")
            notifyScaling("error", group: name, adjustment: adjustmentValue, type: heatType,
                          capacity: ScalingGroup.size(group), message: reason)
            try await flush()
            throw EngineError.refused("signal to '\(policy.name)' failed: \(reason)")
        }
        finish(&group, cooldown: (cooldown, adjustment))
        transition(name, type: current.type, .update, .complete,
                   reason: "End resizing the group \(name): scaled from \(size) to \(target)", live: group)
        note(policy, .complete, "\(details): scaling \(name) from \(size) to \(target)")
        notifyScaling("end", group: name, adjustment: adjustmentValue, type: heatType, capacity: target,
                      message: "End resizing the group \(name)")
        try await flush()
    }

    /// Carries an interrupted resize to the size it was going to.
    func resumeResize(group name: String) async throws {
        guard let record = records[name], let plugin = plugin(type: record.type, resource: name) as? any ScalingGroupPlugin else { return }
        var group = liveResource(from: record)
        let scaling = group.data["scaling"]?.mapValue ?? [:]
        guard let target = NativeProperties.integer(scaling["to"] ?? .null) else {
            finish(&group, cooldown: nil)
            transition(name, type: record.type, record.action, record.status, reason: record.statusReason, live: group)
            return try await flush()
        }
        transition(name, type: record.type, .update, .inProgress,
                   reason: "Resuming the interrupted resizing of the group \(name) to \(target) (the engine stopped during it)",
                   live: group)
        try await flush()
        do {
            try await plugin.resize(&group, to: target, resourceContext())
        } catch {
            finish(&group, cooldown: nil)
            transition(name, type: record.type, .update, .failed, reason: "Error resizing the group \(name): \(Engine.reason(for: error))", live: group)
            return try await flush()
        }
        let cooldown = NativeProperties.number(scaling["cooldown"] ?? .null) ?? 0
        finish(&group, cooldown: (cooldown, scaling["adjustment"]?.stringValue ?? ""))
        transition(name, type: record.type, .update, .complete, reason: "End resizing the group \(name): resumed to \(target)", live: group)
        try await flush()
    }

    /// Clears `scaling_in_progress`; after a resize that happened, sets Heat's `cooldown_end`
    /// (`{iso time: "type : adjustment"}`, never earlier than one already set).
    private func finish(_ group: inout LiveResource, cooldown: (seconds: Double, reason: String)?) {
        var metadata = group.metadata.mapValue ?? [:]
        metadata["scaling_in_progress"] = false
        if let cooldown {
            var end = Date().addingTimeInterval(cooldown.seconds)
            if let previous = Self.cooldownEnd(group), previous > end { end = previous }
            metadata["cooldown_end"] = .map([Self.isoTime(end): .string(cooldown.reason)])
        }
        group.metadata = .map(metadata)
        group.data.removeValue(forKey: "scaling")
    }

    private func ignore(_ policy: ResourceRecord, _ reason: String) async throws {
        note(policy, .complete, reason)
        try await flush()
    }

    /// An event on the policy (its own state unchanged), in this run's next commit.
    private func note(_ policy: ResourceRecord, _ status: Status, _ reason: String) {
        record(EventRecord(
            stackID: stack.id, resourceName: policy.name, physicalResourceID: policy.physicalID ?? "", resourceType: policy.type,
            action: .signal, status: status, reason: reason))
    }

    static func cooldownEnd(_ group: LiveResource) -> Date? {
        guard let text = group.metadata.mapValue?["cooldown_end"]?.mapValue?.keys.first else { return nil }
        return try? isoStyle.parse(text)
    }

    static let isoStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func isoTime(_ date: Date) -> String { isoStyle.format(date) }

    /// 60 for 60.0, as Heat prints whole numbers.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
