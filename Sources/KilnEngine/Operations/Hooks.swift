import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// Heat's breakpoints (`resource_registry: {resources: {NAME: {hooks: pre-create}}}`): a
/// hooked resource stops before its action until a signal `{"unset_hook": HOOK}` clears it,
/// while the rest of the graph goes on.
///
/// The state lives where Heat keeps it, in the resource's data under the hook's name:
/// `"True"` while paused; the signal turns it to `"cleared"`, and the walk, seeing that,
/// removes it as it lets the resource go on. Being in the store, a pause outlives the
/// engine: a resumed operation finds it and waits again, and a signal to any engine
/// sharing the store clears it.
enum Hook {
    static let paused = "True"
    static let cleared = "cleared"
    /// How often a paused resource looks at its record for the clearing signal.
    static let pollSeconds = 0.1

    static func pausedReason(_ action: Action, _ hook: String) -> String {
        "\(action.rawValue) paused until Hook \(hook) is cleared"
    }

    static func clearedReason(_ hook: String) -> String { "Hook \(hook) is cleared" }
}

/// A hook's wait ended without the hook being cleared (the stack timed out or was cancelled).
struct HookWaitFailure: Error, CustomStringConvertible {
    /// Heat's event reason on the resource (measured with heat-oracle).
    var description: String { "Failure occurred while waiting." }
}

extension StackRun {
    /// What a resource about to take `action` (pre hooks), or having just taken it (post
    /// hooks), waits for: nothing unless `hook` is set on it in the environment and not yet
    /// cleared. Records the pause (Heat's event, at the resource's current state) in the
    /// pending batch; the wait ends only on the store's "cleared", so it cannot end before
    /// the pause is committed.
    func hookGate(_ name: String, hook: String, action: Action, type: String) async throws -> WalkGate? {
        guard loaded.environment.registry.hasHook(hook, forResource: name) else { return nil }
        let stored = try await engine.store.resource(stackID: stack.id, name: name)
        // The run's own record is the current one (a post hook's COMPLETE may not be
        // committed yet); the hook's mark is the store's (a signal writes it there).
        var record = records[name] ?? stored ?? ResourceRecord(stackID: stack.id, name: name, type: type)
        // Caught in the middle of this very action (a resumed operation): the hook was passed.
        if hook.hasPrefix("pre-"), record.action == action && record.status == .inProgress { return nil }
        var data = record.data.mapValue ?? [:]
        let mark = stored?.data.mapValue?[hook]?.stringValue ?? data[hook]?.stringValue
        switch mark {
        case Hook.cleared?:
            data[hook] = nil
            record.data = .map(data)
            keep(record)
            return nil
        case Hook.paused?:
            // Paused before (the engine restarted, or the gate is asked again): no new event.
            data[hook] = .string(Hook.paused)
            record.data = .map(data)
            records[name] = record
        default:
            data[hook] = .string(Hook.paused)
            record.data = .map(data)
            keep(record, event: Hook.pausedReason(action, hook))
        }
        let store = engine.store, stackID = stack.id, context = resourceContext()
        return { abandoned in
            while !abandoned() {
                let current = try await store.resource(stackID: stackID, name: name)
                if current?.data.mapValue?[hook]?.stringValue == Hook.cleared { return }
                do {
                    try await context.sleep(seconds: Hook.pollSeconds)
                } catch {
                    throw HookWaitFailure()
                }
            }
        }
    }

    /// A hook's wait failed: Heat notes it on the resource, whose state stays as it was.
    func noteHookWaitFailure(_ name: String, _ failure: HookWaitFailure) {
        guard let record = records[name] else { return }
        keep(record, event: failure.description)
    }
}

/// A signal's `unset_hook` names no hook that is set on the resource (Heat's InvalidBreakPointHook).
public struct InvalidBreakPointHook: Error, CustomStringConvertible {
    public let description: String
}

extension Engine {
    /// Clears a hook a resource is paused on (`{"unset_hook": "pre-create"}`), with Heat's
    /// event; the paused walk sees it and goes on.
    func clearHook(_ value: Value, stack: StackRecord, record: ResourceRecord) async throws {
        let who = Self.heatDescription(of: record, in: stack)
        guard let hook = value.stringValue, ResourceRegistry.hookTypes.contains(hook) else {
            throw InvalidBreakPointHook(description: "Invalid hook type \"\(value.plainText)\" for \(who)")
        }
        var data = record.data.mapValue ?? [:]
        guard data[hook]?.stringValue == Hook.paused else {
            throw InvalidBreakPointHook(description: "The \"\(hook)\" hook is not defined on \(who)")
        }
        data[hook] = .string(Hook.cleared)
        var cleared = record
        cleared.data = .map(data)
        try await commit(StoreBatch(resources: [cleared], events: [EventRecord(
            stackID: stack.id, resourceName: record.name, physicalResourceID: record.physicalID ?? "",
            resourceType: record.type, action: record.action, status: record.status,
            reason: Hook.clearedReason(hook))]), stack: stack)
    }

    /// Whether a resource of the stack, or of a stack nested in it, is paused on a hook.
    func waitsOnHook(_ stack: StackRecord, depth: Int = 0) async throws -> Bool {
        let resources = try await store.resources(stackID: stack.id)
        if resources.contains(where: { record in
            (record.data.mapValue ?? [:]).contains { ResourceRegistry.hookTypes.contains($0.key) && $0.value.stringValue == Hook.paused }
        }) { return true }
        guard depth < NestedStackRunner.maxDepth else { return false }
        for child in try await store.childStacks(of: stack.id) where try await waitsOnHook(child, depth: depth + 1) {
            return true
        }
        return false
    }

    /// After a hook is cleared: an operation no process carries on any more (its process
    /// ended while paused, so recovery left it) resumes here and runs to its end, as
    /// recovery would have. Returns the stacks it finished (none when another process still
    /// runs the operation: its walk sees the clearing itself).
    @discardableResult
    public func resumeAfterHookCleared(observer: EngineObserver? = nil) async -> [StackRecord] {
        await recover(observer: observer)
    }

    /// How Heat names a resource in its messages: `Class "name" [physical id] Stack "stack" [id]`.
    static func heatDescription(of record: ResourceRecord, in stack: StackRecord) -> String {
        let physical = record.physicalID.flatMap { $0.isEmpty ? nil : " [\($0)]" } ?? ""
        return "\(heatClassName(of: record.type)) \"\(record.name)\"\(physical) Stack \"\(stack.name)\" [\(stack.id)]"
    }

    /// The name of the class Heat implements a type with (most are the type's last word).
    static func heatClassName(of type: String) -> String {
        let special = ["OS::Heat::None": "NoneResource", "OS::Heat::Stack": "NestedStack"]
        if let name = special[type] { return name }
        if RegistryResolutionNames.isTemplate(type) { return "TemplateResource" }
        return type.components(separatedBy: "::").last ?? type
    }
}

/// Whether a type names a provider template rather than a registered type.
enum RegistryResolutionNames {
    static func isTemplate(_ type: String) -> Bool {
        type.hasSuffix(".yaml") || type.hasSuffix(".yml") || type.hasSuffix(".template") || type.contains("://")
    }
}
