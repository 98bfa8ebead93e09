import Foundation
import KilnModel
import KilnStore
import Testing

@testable import KilnEngine

/// OS::Heat::AutoScalingGroup and OS::Heat::ScalingPolicy on the real engine and a SQLite
/// store: signals resize the group within its bounds, cooldowns hold, ignored signals say why.
@Suite("Auto-scaling")
struct ScalingTests {
    static func template(min: Int = 1, max: Int = 3, desired: Int? = nil, groupCooldown: Int? = nil, policyCooldown: Int? = 0,
                         adjustment: String = "change_in_capacity", step: Int = 1, wait: Double = 0, value: String = "v1") -> String {
        """
        heat_template_version: 2018-08-31
        resources:
          group:
            type: OS::Heat::AutoScalingGroup
            properties:
              min_size: \(min)
              max_size: \(max)
        \(desired.map { "      desired_capacity: \($0)\n" } ?? "")\(groupCooldown.map { "      cooldown: \($0)\n" } ?? "")\
              resource:
                type: OS::Heat::TestResource
                properties:
                  value: \(value)
                  action_wait_secs: {create: \(wait), update: \(wait)}
          up:
            type: OS::Heat::ScalingPolicy
            properties:
              auto_scaling_group_id: {get_resource: group}
              adjustment_type: \(adjustment)
              scaling_adjustment: \(step)
        \(policyCooldown.map { "      cooldown: \($0)\n" } ?? "")\
          down:
            type: OS::Heat::ScalingPolicy
            properties:
              auto_scaling_group_id: {get_resource: group}
              adjustment_type: change_in_capacity
              scaling_adjustment: -1
              cooldown: 0
        outputs:
          size: {value: {get_attr: [group, current_size]}}
          refs: {value: {get_attr: [group, refs]}}
          refs_map: {value: {get_attr: [group, refs_map]}}
          values: {value: {get_attr: [group, outputs_list, output]}}
          values_map: {value: {get_attr: [group, outputs, output]}}
          alarm_url: {value: {get_attr: [up, alarm_url]}}
          signal_url: {value: {get_attr: [up, signal_url]}}
          first: {value: {get_attr: [group, resource.0.output]}}
          first_ref: {value: {get_attr: [group, resource.0]}}
        """
    }

    static let alarm: Value = ["previous": "ok", "current": "alarm", "reason": "Transition to alarm due to 3 samples outside threshold"]

    func outputs(_ engine: Engine, _ stack: StackRecord) async throws -> [String: Value] {
        Dictionary(uniqueKeysWithValues: try await engine.outputs(of: stack).map { ($0.key, $0.value) })
    }

    func size(_ engine: Engine, _ stack: StackRecord) async throws -> Int {
        NativeProperties.integer(try await outputs(engine, stack)["size"] ?? .null) ?? -1
    }

    /// The members the group's child stack really holds.
    func childMembers(_ engine: Engine, _ stack: StackRecord) async throws -> [String] {
        let child = try #require(try await engine.store.childStacks(of: stack.id).first { $0.parentResource == "group" })
        return try await engine.store.resources(stackID: child.id).map(\.name).sorted()
    }

    func members(_ engine: Engine, _ stack: StackRecord) async throws -> [String] {
        let record = try #require(try await engine.store.resource(stackID: stack.id, name: "group"))
        return (record.data.mapValue?["members"]?.listValue ?? []).compactMap(\.stringValue)
    }

    func policyEvents(_ engine: Engine, _ stack: StackRecord, _ name: String = "up") async throws -> [String] {
        try await engine.events(of: stack, resource: name).filter { $0.action == .signal }.map(\.reason)
    }

    // MARK: Capacity math

    @Test(arguments: [
        // (current, adjustment, type, min step, min, max, expected)
        (1, 1.0, AdjustmentType.changeInCapacity, nil as Int?, 1, 5, 2),
        (4, 3.0, .changeInCapacity, nil, 1, 5, 5),
        (2, -5.0, .changeInCapacity, nil, 1, 5, 1),
        (2, 4.0, .exactCapacity, nil, 1, 5, 4),
        (2, 9.0, .exactCapacity, nil, 1, 5, 5),
        (2, 0.0, .exactCapacity, nil, 1, 5, 1),
        (10, 50.0, .percentChangeInCapacity, nil, 0, 100, 15),
        (10, 33.0, .percentChangeInCapacity, nil, 0, 100, 13),   // 3.3 rounds toward zero
        (10, -33.0, .percentChangeInCapacity, nil, 0, 100, 7),   // -3.3 toward zero
        (2, 10.0, .percentChangeInCapacity, nil, 0, 100, 3),     // 0.2 rounds away from zero
        (2, -10.0, .percentChangeInCapacity, nil, 0, 100, 1),    // -0.2 away from zero
        (10, 10.0, .percentChangeInCapacity, 3, 0, 100, 13),     // 1 raised to the minimum step
        (10, -10.0, .percentChangeInCapacity, 3, 0, 100, 7),
        (10, 50.0, .percentChangeInCapacity, 3, 0, 100, 15),     // 5 is already more than the step
        (10, 200.0, .percentChangeInCapacity, nil, 0, 12, 12),
    ])
    func capacityMath(_ row: (Int, Double, AdjustmentType, Int?, Int, Int, Int)) {
        let (current, adjustment, type, step, minimum, maximum, expected) = row
        #expect(ScalingMath.newCapacity(
            current: current, adjustment: adjustment, type: type, minAdjustmentStep: step, minimum: minimum, maximum: maximum)
            == expected)
    }

    @Test func adjustmentTypesAcceptCloudFormationNames() {
        #expect(AdjustmentType(heat: "ChangeInCapacity") == .changeInCapacity)
        #expect(AdjustmentType(heat: "ExactCapacity") == .exactCapacity)
        #expect(AdjustmentType(heat: "PercentChangeInCapacity") == .percentChangeInCapacity)
        #expect(AdjustmentType(heat: "percent") == nil)
    }

    // MARK: Signals

    @Test func signalsScaleOutStepByStepUpToMaxNeverBeyond() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template()))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        #expect(try await size(engine, stack) == 1)
        for expected in [2, 3, 3, 3] {
            try await engine.signal("s", resource: "up", data: Self.alarm)
            #expect(try await size(engine, stack) == expected)
            #expect(try await childMembers(engine, stack).count == expected)
        }
        let reasons = try await policyEvents(engine, stack)
        #expect(reasons.filter { $0.contains("scaling group from") || $0.contains("scaling group") }.count == 2, "\(reasons)")
        #expect(reasons.contains("alarm state changed from ok to alarm (Transition to alarm due to 3 samples outside threshold): scaling group from 1 to 2"), "\(reasons)")
        #expect(reasons.filter { $0.contains("could not perform scaling action: no change in capacity") }.count == 2, "\(reasons)")
        let groupEvents = try await engine.events(of: stack, resource: "group").map { "\($0.statusText) \($0.reason)" }
        #expect(groupEvents.contains("UPDATE_IN_PROGRESS Start resizing the group group: alarm state alarm, scaling from 1 to 2 (change_in_capacity : 1)"), "\(groupEvents)")
        #expect(groupEvents.contains("UPDATE_COMPLETE End resizing the group group: scaled from 2 to 3"), "\(groupEvents)")
    }

    @Test func scaleInRemovesTheOldestDownToMinSize() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(min: 1, max: 4, desired: 3)))
        let initial = try await members(engine, stack)
        #expect(initial.count == 3)
        try await engine.signal("s", resource: "up", data: .null)  // an empty body is an alarm, as in Heat
        let grown = try await members(engine, stack)
        #expect(grown.count == 4 && Array(grown.prefix(3)) == initial)
        try await engine.signal("s", resource: "down", data: Self.alarm)
        #expect(try await members(engine, stack) == Array(grown.dropFirst()))
        for _ in 0..<4 { try await engine.signal("s", resource: "down", data: Self.alarm) }
        #expect(try await members(engine, stack) == [grown[3]])
        #expect(try await childMembers(engine, stack) == [grown[3]])
        #expect(try await policyEvents(engine, stack, "down").last?.contains("no change in capacity") == true)
    }

    @Test func cooldownHoldsAndThePolicysOverridesTheGroups() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        // The group's cooldown of 0 is overridden by the policy's 600 s.
        let stack = try await engine.create(request("s", Self.template(groupCooldown: 0, policyCooldown: 600)))
        try await engine.signal("s", resource: "up", data: Self.alarm)
        try await engine.signal("s", resource: "up", data: Self.alarm)
        #expect(try await size(engine, stack) == 2)
        let reasons = try await policyEvents(engine, stack)
        #expect(reasons.last == "The resource group could not perform scaling action: due to cooldown, cooldown 600", "\(reasons)")
        let group = try #require(try await engine.store.resource(stackID: stack.id, name: "group"))
        #expect(group.metadata.mapValue?["scaling_in_progress"] == .bool(false))
        #expect(group.metadata.mapValue?["cooldown_end"]?.mapValue?.values.first == "change_in_capacity : 1")
    }

    @Test func okStateSignalsAreIgnored() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template()))
        try await engine.signal("s", resource: "up", data: ["previous": "alarm", "current": "ok", "reason": "back to normal"])
        try await engine.signal("s", resource: "up", data: ["state": "insufficient data"])
        #expect(try await size(engine, stack) == 1)
        let reasons = try await policyEvents(engine, stack)
        #expect(reasons.first == "Signal: alarm state ok: no scaling (only the alarm state scales)", "\(reasons)")
        #expect(reasons.count == 2)
    }

    /// Without any cooldown, the stack's claim alone keeps two resizes apart: two engines on one
    /// database signal the policy at once; one resizes, the other is ignored, never both.
    @Test func twoSignalsAtOnceWithoutCooldownResizeOnce() async throws {
        let home = TemporaryHome()
        let first = try home.engine()
        let second = try home.engine()
        let stack = try await first.create(request("s", Self.template(max: 5, groupCooldown: 0, policyCooldown: 0, wait: 0.5)))
        async let a: Void = first.signal("s", resource: "up", data: Self.alarm)
        async let b: Void = second.signal("s", resource: "up", data: ["current": "alarm", "reason": "second"])
        _ = try await (a, b)
        #expect(try await size(first, stack) == 2)
        #expect(try await childMembers(first, stack).count == 2)
        let reasons = try await policyEvents(first, stack, "up")
        #expect(reasons.filter { $0.hasSuffix("due to scaling activity") }.count == 1, "\(reasons)")
        #expect(reasons.filter { $0.hasSuffix("scaling group from 1 to 2") }.count == 1, "\(reasons)")
    }

    /// Two alarms on one policy firing together in one engine: one resizes, the other is ignored
    /// (as Heat's `scaling_in_progress` has it), even without a cooldown.
    @Test func twoSignalsAtOnceInOneEngineResizeOnce() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(max: 5, groupCooldown: 0, policyCooldown: 0, wait: 0.5)))
        async let a: Void = engine.signal("s", resource: "up", data: Self.alarm)
        async let b: Void = engine.signal("s", resource: "up", data: Self.alarm)
        _ = try await (a, b)
        #expect(try await size(engine, stack) == 2)
        let reasons = try await policyEvents(engine, stack, "up")
        #expect(reasons.filter { $0.hasSuffix("due to scaling activity") }.count == 1, "\(reasons)")
    }

    @Test func twoSignalsAtOnceFromTwoEnginesLeaveTheRightSize() async throws {
        let home = TemporaryHome()
        let first = try home.engine()
        let second = try home.engine()
        // Members take a while to create, so the two resizes overlap; the group's cooldown makes
        // the outcome one step whichever signal wins.
        let stack = try await first.create(request("s", Self.template(max: 5, groupCooldown: 600, policyCooldown: nil, wait: 0.5)))
        async let a: Void = first.signal("s", resource: "up", data: Self.alarm)
        async let b: Void = second.signal("s", resource: "up", data: Self.alarm)
        _ = try await (a, b)
        #expect(try await size(first, stack) == 2)
        #expect(try await childMembers(first, stack).count == 2)
        let reasons = try await policyEvents(first, stack)
        #expect(reasons.count == 2, "\(reasons)")
        #expect(reasons.contains { $0.hasSuffix("due to scaling activity") || $0.contains("due to cooldown") }, "\(reasons)")
        let group = try #require(try await first.store.resource(stackID: stack.id, name: "group"))
        #expect(group.statusText == "UPDATE_COMPLETE")
        #expect(group.metadata.mapValue?["scaling_in_progress"] == .bool(false))
    }

    @Test func aStackUpdateWaitsForTheResizeThenKeepsTheSizeAndRollsTheMembers() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(wait: 1)))
        let scaling = Task { try await engine.signal("s", resource: "up", data: Self.alarm) }
        // Once the resize holds the stack, an update is refused as busy (and changes nothing).
        var started = false
        for _ in 0..<400 where !started {
            let group = try await engine.store.resource(stackID: stack.id, name: "group")
            started = group?.statusText == "UPDATE_IN_PROGRESS"
            if !started { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(started)
        await #expect(throws: EngineError.self) {
            try await engine.update("s", UpdateRequest(template: Self.template(wait: 0, value: "v2")))
        }
        try await scaling.value
        #expect(try await size(engine, stack) == 2)
        // The update of the member definition keeps the size the signal set, and moves every member.
        let updated = try await engine.update("s", UpdateRequest(template: Self.template(wait: 0, value: "v2")))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        #expect(try await size(engine, stack) == 2)
        #expect(try await outputs(engine, stack)["values"] == ["v2", "v2"])
    }

    @Test func aDeleteDuringAResizeWaitsForItAndDeletesEverything() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(wait: 1)))
        let scaling = Task { try await engine.signal("s", resource: "up", data: Self.alarm) }
        var started = false
        for _ in 0..<400 where !started {
            started = try await engine.store.resource(stackID: stack.id, name: "group")?.statusText == "UPDATE_IN_PROGRESS"
            if !started { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(started)
        // The resize holds the stack's claim but the stack is not IN_PROGRESS: the delete waits.
        let deleted = try await engine.delete("s")
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        try await scaling.value
        #expect(try await engine.store.childStacks(of: stack.id).allSatisfy { $0.statusText == "DELETE_COMPLETE" })
    }

    @Test func aSignalInCooldownIsIgnoredWithoutHoldingTheStack() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(groupCooldown: 600, policyCooldown: nil)))
        try await engine.signal("s", resource: "up", data: Self.alarm)
        #expect(try await size(engine, stack) == 2)
        try await engine.signal("s", resource: "up", data: Self.alarm)
        #expect(try await size(engine, stack) == 2)
        let reasons = try await policyEvents(engine, stack)
        #expect(reasons.last?.contains("due to cooldown, cooldown 600") == true, "\(reasons)")
        // No claim was left behind or taken: an update goes straight through.
        #expect(try await engine.store.stack(id: stack.id)?.owner == nil)
    }

    @Test func aSignalDuringAStackUpdateIsIgnored() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template()))
        let updating = Task { try await engine.update("s", UpdateRequest(template: Self.template(wait: 1, value: "v2"))) }
        var started = false
        for _ in 0..<400 where !started {
            started = try await engine.stack("s").statusText == "UPDATE_IN_PROGRESS"
            if !started { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(started)
        try await engine.signal("s", resource: "up", data: Self.alarm)
        #expect(try await updating.value.statusText == "UPDATE_COMPLETE")
        #expect(try await size(engine, stack) == 1)
        let reasons = try await policyEvents(engine, stack)
        #expect(reasons == ["The resource group could not perform scaling action: the stack is UPDATE_IN_PROGRESS"], "\(reasons)")
    }

    @Test func aChangedMemberDefinitionRollsThroughInBatches() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        func rolling(_ value: String) -> String {
            Self.template(max: 4, desired: 3, value: value).replacingOccurrences(
                of: "      resource:\n", with: "      rolling_updates: {max_batch_size: 2, min_in_service: 1, pause_time: 0}\n      resource:\n")
        }
        let stack = try await engine.create(request("s", rolling("v1")))
        let before = try await members(engine, stack)
        let updated = try await engine.update("s", UpdateRequest(template: rolling("v2")))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        #expect(try await members(engine, stack) == before)
        #expect(try await outputs(engine, stack)["values"] == ["v2", "v2", "v2"])
        // Two batches (2 then 1 member), each one update of the child stack, then the resize.
        let child = try #require(try await engine.store.childStacks(of: stack.id).first { $0.parentResource == "group" })
        let updates = try await engine.store.events(stackID: child.id, resourceName: child.name, after: nil, limit: nil)
            .filter { $0.action == .update && $0.status == .complete }
        #expect(updates.count == 3, "\(updates.map(\.reason))")
    }

    /// A group left FAILED (by a resize that failed) is replaced by the next update; the new
    /// group carries on with the child stack's members, oldest first, and its size.
    @Test func aReplacedGroupAdoptsItsMembersInOrder() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(max: 5)))
        try await engine.signal("s", resource: "up", data: .null)
        try await engine.signal("s", resource: "up", data: .null)
        let before = try await members(engine, stack)
        #expect(before.count == 3)
        var group = try #require(try await engine.store.resource(stackID: stack.id, name: "group"))
        group.action = .update
        group.status = .failed
        group.statusReason = "Error resizing the group group: something went wrong"
        try await engine.store.commit(StoreBatch(resources: [group]))
        let repaired = try await engine.update("s", UpdateRequest(existing: true))
        #expect(repaired.statusText == "UPDATE_COMPLETE", "\(repaired.statusReason)")
        #expect(try await members(engine, stack) == before)
        #expect(try await childMembers(engine, stack).count == 3)
        try await engine.signal("s", resource: "down", data: .null)
        #expect(try await members(engine, stack) == Array(before.dropFirst()))
    }

    @Test func boundsAreChecked() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let inverted = try await engine.create(request("a", Self.template(min: 3, max: 2)))
        #expect(inverted.statusReason.contains("MinSize can not be greater than MaxSize"), "\(inverted.statusReason)")
        let outside = try await engine.create(request("b", Self.template(min: 1, max: 2, desired: 5)))
        #expect(outside.statusReason.contains("DesiredCapacity must be between MinSize and MaxSize"), "\(outside.statusReason)")
    }

    @Test func attributes() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(desired: 2)))
        let values = try await outputs(engine, stack)
        let names = try await members(engine, stack)
        #expect(values["size"] == 2)
        #expect(values["values"] == ["v1", "v1"])
        #expect(values["values_map"] == .map(Dictionary(uniqueKeysWithValues: names.map { ($0, Value.string("v1")) })))
        let refs = try #require(values["refs"]?.listValue)
        #expect(refs.count == 2)
        #expect(values["refs_map"] == .map(Dictionary(uniqueKeysWithValues: zip(names, refs).map { ($0, $1) })))
        #expect(values["first"] == "v1")
        #expect(values["first_ref"] == refs[0])
        let alarmURL = try #require(values["alarm_url"]?.stringValue)
        #expect(alarmURL.hasPrefix("http://127.0.0.1:8004/v1/signal/\(stack.id)/up?Expires="))
        #expect(alarmURL.contains("&SignatureMethod=HmacSHA256&Signature="))
        #expect(values["signal_url"] == .string("http://127.0.0.1:8004/v1/default/stacks/s/\(stack.id)/resources/up/signal"))
    }

    @Test func aMinimumStepNeedsAPercentAdjustment() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = Self.template().replacingOccurrences(
            of: "      scaling_adjustment: 1\n", with: "      scaling_adjustment: 1\n      min_adjustment_step: 2\n")
        let stack = try await engine.create(request("s", template))
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason.contains(
            "min_adjustment_step property should only be specified for adjustment_type with value percent_change_in_capacity."),
            "\(stack.statusReason)")
    }

    /// A resize interrupted by a dead engine leaves `scaling_in_progress` and its target; the
    /// next signal, holding the stack's claim, knows the flag is stale and finishes that resize first.
    @Test func aStaleScalingFlagIsFinishedByTheNextSignal() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(max: 4)))
        var group = try #require(try await engine.store.resource(stackID: stack.id, name: "group"))
        var metadata = group.metadata.mapValue ?? [:]
        metadata["scaling_in_progress"] = true
        group.metadata = .map(metadata)
        var data = group.data.mapValue ?? [:]
        data["scaling"] = ["from": 1, "to": 3, "cooldown": 0, "adjustment": "exact_capacity : 3"]
        group.data = .map(data)
        try await engine.store.commit(StoreBatch(resources: [group]))

        try await engine.signal("s", resource: "up", data: Self.alarm)
        #expect(try await size(engine, stack) == 4)
        let reasons = try await engine.events(of: stack, resource: "group").map(\.reason)
        #expect(reasons.contains("Resuming the interrupted resizing of the group group to 3 (the engine stopped during it)"), "\(reasons)")
        #expect(reasons.contains("End resizing the group group: scaled from 3 to 4"), "\(reasons)")
    }

    /// An engine killed just before its resize touched the child stack leaves the group
    /// UPDATE_IN_PROGRESS with `scaling_in_progress` and its claim on the stack; the next
    /// engine's start-up recovery finishes that resize.
    @Test func recoveryFinishesAResizeWhoseEngineDiedBeforeTheChildChanged() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(max: 4)))
        var group = try #require(try await engine.store.resource(stackID: stack.id, name: "group"))
        group.metadata = ["scaling_in_progress": true]
        group.data = .map((group.data.mapValue ?? [:]).merging(
            ["scaling": ["from": 1, "to": 2, "cooldown": 0, "adjustment": "change_in_capacity : 1"]]) { $1 })
        group.action = .update
        group.status = .inProgress
        try await engine.store.commit(StoreBatch(resources: [group]))
        // The dead engine's claim: a process that no longer exists, its lease expired.
        #expect(try await engine.store.claim(
            stackID: stack.id, owner: "kiln:nowhere:999999:dead/1", until: Date().addingTimeInterval(-1), now: Date()))

        let next = try home.engine()
        await next.recover()
        let resized = try #require(try await next.store.resource(stackID: stack.id, name: "group"))
        #expect(resized.statusText == "UPDATE_COMPLETE", "\(resized.statusReason)")
        #expect(resized.metadata.mapValue?["scaling_in_progress"] == .bool(false))
        #expect(try await size(next, stack) == 2)
        #expect(try await childMembers(next, stack).count == 2)
        #expect(try await next.stack("s").owner == nil)
    }

    // MARK: Signed URLs

    @Test func replacingAPolicyRevokesItsURL() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        func template(_ group: String) -> String {
            """
            heat_template_version: 2018-08-31
            resources:
              a:
                type: OS::Heat::AutoScalingGroup
                properties: {min_size: 1, max_size: 3, resource: {type: OS::Heat::None}}
              b:
                type: OS::Heat::AutoScalingGroup
                properties: {min_size: 1, max_size: 3, resource: {type: OS::Heat::None}}
              up:
                type: OS::Heat::ScalingPolicy
                properties: {auto_scaling_group_id: {get_resource: \(group)}, adjustment_type: change_in_capacity, scaling_adjustment: 1}
            outputs:
              url: {value: {get_attr: [up, alarm_url]}}
              a: {value: {get_attr: [a, current_size]}}
              b: {value: {get_attr: [b, current_size]}}
            """
        }
        let stack = try await engine.create(request("s", template("a")))
        let old = try signature(of: try #require(try await outputs(engine, stack)["url"]?.stringValue))
        // A new group id cannot be updated in place: the policy is replaced, with a new key.
        let updated = try await engine.update("s", UpdateRequest(template: template("b")))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        let new = try signature(of: try #require(try await outputs(engine, stack)["url"]?.stringValue))
        #expect(new.signature != old.signature)
        #expect(try await !engine.signalWithSignature(stackID: stack.id, resource: "up", expires: old.expires, signature: old.signature, data: .null))
        #expect(try await outputs(engine, stack)["b"] == 1)
        #expect(try await engine.signalWithSignature(stackID: stack.id, resource: "up", expires: new.expires, signature: new.signature, data: .null))
        #expect(try await outputs(engine, stack)["b"] == 2)
        #expect(try await outputs(engine, stack)["a"] == 1)
    }

    func signature(of url: String) throws -> (expires: Int, signature: String) {
        let components = try #require(URLComponents(string: url))
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        return (try #require(Int(items["Expires"] ?? "")), try #require(items["Signature"]))
    }

    @Test func alarmURLSignaturesAreCheckedAndRevocable() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let stack = try await engine.create(request("s", Self.template(max: 5)))
        let other = try await engine.create(request("t", Self.template(max: 5)))
        let url = try #require(try await outputs(engine, stack)["alarm_url"]?.stringValue)
        let (expires, signature) = try signature(of: url)

        #expect(try await engine.signalWithSignature(stackID: stack.id, resource: "up", expires: expires, signature: signature, data: Self.alarm))
        #expect(try await size(engine, stack) == 2)
        // Forged, moved to another policy or stack, or with another expiry: refused, nothing changes.
        var forged = Array(signature)
        forged[0] = forged[0] == "A" ? "B" : "A"
        for (stackID, resource, expiry, text) in [
            (stack.id, "up", expires, String(forged)), (stack.id, "down", expires, signature), (other.id, "up", expires, signature),
            (stack.id, "up", expires + 1, signature),
        ] {
            #expect(try await !engine.signalWithSignature(stackID: stackID, resource: resource, expires: expiry, signature: text, data: Self.alarm))
        }
        // A correctly signed URL whose time has passed.
        let record = try #require(try await engine.store.resource(stackID: stack.id, name: "up"))
        let key = try #require(record.data.mapValue?["signing_key"]?.stringValue)
        let past = Int(Date().timeIntervalSince1970) - 10
        let stale = try #require(SignalURLs.signature(key: key, method: "POST", path: SignalURLs.signedPath(stackID: stack.id, resource: "up"), expires: past))
        #expect(try await !engine.signalWithSignature(stackID: stack.id, resource: "up", expires: past, signature: stale, data: Self.alarm))
        #expect(try await size(engine, stack) == 2)
        #expect(try await size(engine, other) == 1)

        // Deleting the policy deletes its key: its URL is refused from then on.
        let withoutPolicy = """
            heat_template_version: 2018-08-31
            resources:
              group:
                type: OS::Heat::AutoScalingGroup
                properties:
                  min_size: 1
                  max_size: 5
                  resource: {type: OS::Heat::TestResource, properties: {value: v1, action_wait_secs: {create: 0}}}
            outputs:
              size: {value: {get_attr: [group, current_size]}}
            """
        let updated = try await engine.update("s", UpdateRequest(template: withoutPolicy))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        #expect(try await !engine.signalWithSignature(stackID: stack.id, resource: "up", expires: expires, signature: signature, data: Self.alarm))
        #expect(try await size(engine, stack) == 2)
    }
}
