import Foundation
import KilnModel
import KilnStore
import KilnTemplate

@testable import KilnEngine

/// A stack's resources kept in a dictionary: the test harness the native plugins run in.
actor ResourceTable {
    private var resources: [String: LiveResource] = [:]
    func get(_ name: String) -> LiveResource? { resources[name] }
    func put(_ resource: LiveResource) { resources[resource.name] = resource }
    func all() -> [LiveResource] { Array(resources.values) }

    /// Software config documents the config resources kept, by id.
    private(set) var softwareConfigs: [String: [String: Value]] = [:]
    func keep(_ document: [String: Value]) { if let id = document["id"]?.stringValue { softwareConfigs[id] = document } }
    func forget(_ id: String) { softwareConfigs[id] = nil }
}

/// A `ResourceContext` over a `ResourceTable`; `sleep` ends early with `cancelled` when the
/// task running the operation is cancelled, as the engine's does.
struct TableContext: ResourceContext {
    let table = ResourceTable()
    var stackID = "5f1c7a1e-0000-4000-8000-000000000001"
    var stackName = "teststack"
    var nested: any NestedStacks { NoNestedStacks() }

    /// Every wait the plugin asked for, in seconds, so tests check what was asked rather than wall time.
    let sleeps = SleepLog()

    func resource(named name: String) async throws -> LiveResource? { await table.get(name) }

    func resource(referencedBy referenceID: String) async throws -> LiveResource? {
        for resource in await table.all() {
            let plugin = PluginRegistry.native.plugin(for: resource.type)
            if plugin?.referenceID(resource) == .string(referenceID) { return resource }
        }
        return nil
    }

    func save(_ resource: LiveResource) async throws { await table.put(resource) }

    func keepSoftwareConfig(_ document: [String: Value]) async throws { await table.keep(document) }

    func forgetSoftwareConfig(id: String) async throws { await table.forget(id) }

    func sleep(seconds: Double) async throws {
        await sleeps.record(seconds)
        do {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        } catch {
            throw ResourceFailure.cancelled("cancelled while waiting")
        }
    }

    /// A resource of `type` with the schema's top-level defaults filled in, as the engine passes it.
    func live(_ name: String, _ type: String, _ properties: [String: Value] = [:]) -> LiveResource {
        var filled = properties
        for (key, schema) in PluginRegistry.native.schema(for: type)?.properties ?? [:] where filled[key] == nil {
            if let value = schema.defaultValue { filled[key] = value }
        }
        return LiveResource(name: name, type: type, stackID: stackID, stackName: stackName, properties: filled)
    }

    /// Creates the resource with its plugin and keeps it in the table.
    @discardableResult
    func create(_ name: String, _ type: String, _ properties: [String: Value] = [:]) async throws -> LiveResource {
        var resource = live(name, type, properties)
        try await plugin(type).create(&resource, self)
        await table.put(resource)
        return resource
    }

    /// Sends a signal to the stored resource, as the engine does for a signal request.
    func signal(_ name: String, _ data: Value) async throws {
        guard var resource = await table.get(name) else { throw ResourceFailure.failed("no resource \(name)") }
        try await plugin(resource.type).signal(&resource, data: data, self)
        await table.put(resource)
    }

    func plugin(_ type: String) -> any ResourcePlugin {
        PluginRegistry.native.plugin(for: type)!
    }
}

struct NoNestedStacks: NestedStacks {
    func apply(owner resource: String, template: NestedTemplate, parameters: [String: Value]) async throws
        -> NestedStackResult
    {
        throw ResourceFailure.failed("no nested stacks in this harness")
    }
    func delete(owner resource: String) async throws {}
    func result(owner resource: String) async throws -> NestedStackResult? { nil }
}

/// The message of a failure, for `#expect` on its kind and text.
func failure(_ body: () async throws -> Void) async -> ResourceFailure? {
    do {
        try await body()
        return nil
    } catch let failure as ResourceFailure {
        return failure
    } catch {
        return .failed("unexpected error: \(error)")
    }
}

extension ResourceFailure {
    var isReplacement: Bool { if case .replacementNeeded = self { return true } else { return false } }
    var isCancelled: Bool { if case .cancelled = self { return true } else { return false } }
    var isFailed: Bool { if case .failed = self { return true } else { return false } }
}

/// The waits a plugin asked its context for.
actor SleepLog {
    private(set) var requested: [Double] = []
    func record(_ seconds: Double) { requested.append(seconds) }
}
