import Foundation
import KilnModel
import KilnStore
import Testing

@Suite struct StoreStackTests {
    @Test(arguments: StoreBackend.allCases) func createdStackReadsBackWithItsTemplateAndEvents(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let record = StackRecord(
            name: "web", projectID: "p1", action: .create, status: .inProgress, statusReason: "Stack CREATE started",
            parameters: ["flavor": "m1.small", "note": "héllo ✓"], tags: ["a", "b"], timeoutMinutes: 30,
            disableRollback: false, createdAt: at(0), updatedAt: at(5), owner: "engine-1", leaseExpiry: at(60))
        let first = EventRecord(
            stackID: record.id, resourceName: "web", resourceType: "OS::Heat::Stack", action: .create,
            status: .inProgress, reason: "Stack CREATE started", timestamp: at(0))
        let created = try await store.createStack(record, template: template(), events: [first])

        let templateID = try #require(created.templateID)
        #expect(try await store.stack(id: record.id) == created)
        #expect(try await store.stack(named: "web", projectID: "p1") == created)
        #expect(try await store.stack(named: "web", projectID: "p2") == nil)
        #expect(try await store.stack(id: "missing") == nil)
        var expectedTemplate = template()
        expectedTemplate.id = templateID
        #expect(try await store.template(id: templateID) == expectedTemplate)

        let events = try await store.events(stackID: record.id, resourceName: nil, after: nil, limit: nil)
        #expect(events.count == 1)
        #expect(events.first?.sequence != nil)
        var expectedEvent = first
        expectedEvent.sequence = events.first?.sequence
        #expect(events.first == expectedEvent)
    }

    @Test(arguments: StoreBackend.allCases) func topLevelNamesAreUniquePerProjectButNestedStacksMayShareThem(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let parent = try await makeStack(store, "app")
        await #expect(throws: StoreError.self) { try await makeStack(store, "app") }
        do {
            try await makeStack(store, "app")
        } catch let error as StoreError {
            #expect(error.description == "stack 'app' already exists")
        }
        let nested = try await makeStack(store, "app", parent: parent.id)
        try await makeStack(store, "app", project: "other")
        // The top-level stack wins a look-up by name.
        #expect(try await store.stack(named: "app", projectID: "default")?.id == parent.id)
        #expect(try await store.stack(id: nested.id)?.parentID == parent.id)
    }

    @Test(arguments: StoreBackend.allCases) func aDeletedStacksNameCanBeReused(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        var old = try await makeStack(store, "app")
        old.action = .delete
        old.status = .complete
        try await store.commit(StoreBatch(stacks: [old]))
        #expect(try await store.stack(named: "app", projectID: "default") == nil)
        let new = try await makeStack(store, "app")
        #expect(try await store.stack(named: "app", projectID: "default")?.id == new.id)
    }

    @Test(arguments: StoreBackend.allCases) func purgeRemovesNestedStacksTheirRowsAndUnusedTemplates(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let top = try await makeStack(store, "top")
        let child = try await makeStack(store, "child", parent: top.id)
        let grandchild = try await makeStack(store, "grandchild", parent: child.id)
        let other = try await makeStack(store, "other")
        // An update in flight: saved, not yet attached to any stack. Purging must not remove it.
        let pending = try await store.saveTemplate(template("pending.yaml"))
        // A template `top` used before and `other` uses now stays.
        var topUpdated = top
        topUpdated.previousTemplateID = other.templateID
        try await store.commit(StoreBatch(stacks: [topUpdated]))

        for stack in [top, child, grandchild, other] {
            try await store.commit(
                StoreBatch(resources: [resource(stack.id, "r")], events: [event(stack.id, "r")]))
        }
        try await store.saveSnapshot(SnapshotRecord(stackID: child.id, name: "s", templateID: child.templateID, data: .map([:])))

        try await store.purgeStack(id: top.id)

        for stack in [top, child, grandchild] {
            #expect(try await store.stack(id: stack.id) == nil)
            #expect(try await store.resources(stackID: stack.id).isEmpty)
            #expect(try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).isEmpty)
            #expect(try await store.snapshots(stackID: stack.id).isEmpty)
            #expect(try await store.template(id: stack.templateID!) == nil)
        }
        #expect(try await store.stack(id: other.id) != nil)
        #expect(try await store.resources(stackID: other.id).count == 1)
        #expect(try await store.template(id: other.templateID!) != nil)
        #expect(try await store.template(id: pending) != nil)
    }

    @Test(arguments: StoreBackend.allCases) func templatesSaveAndReplaceById(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let id = try await store.saveTemplate(template())
        var changed = template("changed.yaml")
        changed.id = id
        changed.files = [:]
        changed.environments = []
        #expect(try await store.saveTemplate(changed) == id)
        #expect(try await store.template(id: id) == changed)
        #expect(try await store.saveTemplate(template()) != id)
        #expect(try await store.template(id: 999) == nil)
    }
}
