import Foundation
import KilnModel
import KilnStore
import Testing

/// Software configs and deployments, on each store.
@Suite struct StoreSoftwareConfigTests {
    func config(_ name: String, project: String = "p1", created: Double = 0) -> SoftwareConfigRecord {
        SoftwareConfigRecord(
            projectID: project, name: name, group: "script", config: .string("#!/bin/sh\necho \(name)"),
            inputs: [["name": "foo", "type": "String"]], outputs: [["name": "result", "error_output": false]],
            options: ["opt": true], createdAt: at(created))
    }

    func deployment(_ configID: String, server: String, project: String = "p1", created: Double = 0) -> SoftwareDeploymentRecord {
        SoftwareDeploymentRecord(
            projectID: project, configID: configID, serverID: server, inputValues: ["foo": "bar"],
            action: "CREATE", status: "IN_PROGRESS", statusReason: "Deploy data available", createdAt: at(created))
    }

    @Test(arguments: StoreBackend.allCases) func configsSurviveReopeningAndListByProjectInOrder(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let first = config("a", created: 1), second = config("b", created: 2), theirs = config("c", project: "p2", created: 3)
        do {
            let store = try await dir.open()
            for record in [second, theirs, first] { try await store.saveSoftwareConfig(record) }
        }
        let store = try await dir.open()
        #expect(try await store.softwareConfig(id: first.id) == first)
        #expect(try await store.softwareConfig(id: "missing") == nil)
        #expect(try await store.softwareConfigs(projectID: "p1", limit: nil, marker: nil) == [first, second])
        #expect(try await store.softwareConfigs(projectID: nil, limit: nil, marker: nil).map(\.name) == ["a", "b", "c"])
        // Pages: after the marker, at most `limit`.
        #expect(try await store.softwareConfigs(projectID: nil, limit: 1, marker: first.id) == [second])
        #expect(try await store.softwareConfigs(projectID: nil, limit: 5, marker: second.id) == [theirs])
    }

    @Test(arguments: StoreBackend.allCases) func aConfigInUseIsNotDeleted(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let used = config("used"), spare = config("spare")
        try await store.saveSoftwareConfig(used)
        try await store.saveSoftwareConfig(spare)
        let applied = deployment(used.id, server: "vm1")
        try await store.saveSoftwareDeployment(applied)

        #expect(try await store.deleteSoftwareConfig(id: used.id) == false)
        #expect(try await store.softwareConfig(id: used.id) == used)
        #expect(try await store.deleteSoftwareConfig(id: spare.id) == true)
        #expect(try await store.softwareConfig(id: spare.id) == nil)

        try await store.deleteSoftwareDeployment(id: applied.id)
        #expect(try await store.softwareDeployment(id: applied.id) == nil)
        #expect(try await store.deleteSoftwareConfig(id: used.id) == true)
    }

    @Test(arguments: StoreBackend.allCases) func deploymentsFilterByServerAndProjectAndUpdateInPlace(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let shared = config("shared")
        try await store.saveSoftwareConfig(shared)
        let one = deployment(shared.id, server: "vm1", created: 1)
        let two = deployment(shared.id, server: "vm2", created: 2)
        var signalled = deployment(shared.id, server: "vm1", project: "p2", created: 3)
        signalled.stackUserProjectID = "p1"
        let foreign = deployment(shared.id, server: "vm1", project: "p3", created: 4)
        for record in [foreign, two, signalled, one] { try await store.saveSoftwareDeployment(record) }

        #expect(try await store.softwareDeployments(projectID: "p1", serverID: nil) == [one, two, signalled])
        #expect(try await store.softwareDeployments(projectID: "p1", serverID: "vm1") == [one, signalled])
        #expect(try await store.softwareDeployments(projectID: nil, serverID: "vm1").count == 3)

        var done = one
        done.action = "UPDATE"
        done.status = "COMPLETE"
        done.outputValues = ["result": "ok"]
        done.updatedAt = at(10)
        try await store.saveSoftwareDeployment(done)
        #expect(try await store.softwareDeployment(id: one.id) == done)
        #expect(try await store.softwareDeployments(projectID: "p1", serverID: "vm1").first == done)
    }

    @Test(arguments: StoreBackend.allCases) func aDeploymentMustReferToAStoredConfig(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        await #expect(throws: StoreError.self) { try await store.saveSoftwareDeployment(deployment("no-such-config", server: "vm1")) }
        #expect(try await store.softwareDeployments(projectID: nil, serverID: nil).isEmpty)
    }
}
