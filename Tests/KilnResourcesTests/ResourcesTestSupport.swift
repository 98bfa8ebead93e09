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

extension CloudFixture {
    /// A resource of the stack by name.
    func resource(_ stack: StackRecord, _ name: String) async throws -> ResourceRecord {
        guard let record = try await engine.resources(of: stack).first(where: { $0.name == name }) else {
            throw CloudFixtureError.missing("resource \(name)")
        }
        return record
    }

    func update(_ stack: StackRecord, _ template: String, parameters: [String: String] = [:]) async throws -> StackRecord {
        try await engine.update(stack.id, UpdateRequest(template: template, parameters: parameters))
    }

    /// `name STATUS reason` for each event of the stack.
    func trail(_ stack: StackRecord) async throws -> [String] {
        try await engine.events(of: stack, nestedDepth: 0).map { "\($0.resourceName) \($0.statusText) \($0.reason)" }
    }
}

enum CloudFixtureError: Error { case missing(String) }

/// A network with a subnet, named `net` and `subnet`, for templates to build on.
let networkResources = """
      net:
        type: OS::Neutron::Net
        properties: {name: net}
      subnet:
        type: OS::Neutron::Subnet
        properties: {name: subnet, network: {get_resource: net}, cidr: 10.0.0.0/24}
    """
