import Foundation
import KilnModel
import KilnStore

/// A fresh directory for one test's database files, removed when the test ends.
final class TempDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String = "kiln.db") -> String { url.appendingPathComponent(name).path }

    func openStore(_ name: String = "kiln.db", busyTimeout: TimeInterval = 5) throws -> SQLiteStore {
        try SQLiteStore(path: path(name), busyTimeout: busyTimeout)
    }
}

/// Whole seconds, so dates compare equal after the trip through REAL columns.
func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + seconds) }

func template(_ name: String = "main.yaml") -> TemplateRecord {
    TemplateRecord(
        name: name, content: "heat_template_version: 2021-04-16\nresources: {}\n",
        environments: [NamedText(name: "env.yaml", text: "parameters: {}\n")],
        files: ["nested.yaml": "heat_template_version: 2021-04-16\n"])
}

@discardableResult
func makeStack(
    _ store: any Store, _ name: String, project: String = "default", parent: String? = nil,
    action: Action = .create, status: Status = .complete, tags: [String] = [], created: Double = 0,
    updated: Double? = nil
) async throws -> StackRecord {
    try await store.createStack(
        StackRecord(
            name: name, projectID: project, action: action, status: status, tags: tags, parentID: parent,
            parentResource: parent == nil ? nil : "nested", createdAt: at(created), updatedAt: updated.map(at)),
        template: template(), events: [])
}

func resource(_ stackID: String, _ name: String, status: Status = .complete) -> ResourceRecord {
    ResourceRecord(
        stackID: stackID, name: name, type: "OS::Heat::None", physicalID: "\(name)-id", action: .create,
        status: status, properties: .map(["value": .string(name)]), requires: [], createdAt: at(1))
}

func event(_ stackID: String, _ resourceName: String, status: Status = .inProgress) -> EventRecord {
    EventRecord(
        stackID: stackID, resourceName: resourceName, resourceType: "OS::Heat::None", action: .create,
        status: status, reason: "state changed", timestamp: at(2))
}
