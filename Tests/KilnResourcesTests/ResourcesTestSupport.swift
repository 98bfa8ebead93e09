import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnResources
import KilnStore

/// An engine with the standard types over a fresh emulated cloud on an in-memory database.
struct CloudFixture {
    let store: SQLiteStore
    let cloud: EmulatedCloud
    let engine: Engine
    var session: CloudSession { cloud.session(projectID: "default") }

    init(_ options: EmulatorOptions = EmulatorOptions()) async throws {
        store = try SQLiteStore.inMemory()
        cloud = try await EmulatedCloud(store: store, options: options)
        engine = Engine(store: store, plugins: .standard, cloud: cloud)
    }

    func create(_ name: String, _ template: String, parameters: [String: String] = [:], rollback: Bool = false) async throws -> StackRecord {
        try await engine.create(StackRequest(
            name: name, templateName: "\(name).yaml", template: template, parameters: parameters, disableRollback: !rollback))
    }

    /// The stack's outputs by key.
    func outputs(_ stack: StackRecord) async throws -> [String: Value] {
        var result: [String: Value] = [:]
        for output in try await engine.outputs(of: stack) { result[output.key] = output.value }
        return result
    }
}
