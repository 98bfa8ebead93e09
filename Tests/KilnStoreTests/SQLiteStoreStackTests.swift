import Foundation
import KilnModel
import KilnStore
import Testing

@Suite struct SQLiteStoreStackTests {
    @Test func createdStackReadsBackWithItsTemplateAndEvents() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let record = StackRecord(
            name: "web", projectID: "p1", action: .create, status: .inProgress, statusReason: "Stack CREATE started",
            parameters: ["flavor": "m1.small", "note": "héllo ✓"], tags: ["a", "b"], timeoutMinutes: 30,
            disableRollback: false, createdAt: at(0), updatedAt: at(5), owner: "engine-1", leaseExpiry: at(60))
        let first = EventRecord(
            stackID: record.id, resourceName: "web", resourceType: "OS::Heat::Stack", action: .create,
            status: .inProgress, reason: "Stack CREATE started", timestamp: at(0))
        let created = try store.createStack(record, template: template(), events: [first])

        let templateID = try #require(created.templateID)
        #expect(try store.stack(id: record.id) == created)
        #expect(try store.stack(named: "web", projectID: "p1") == created)
        #expect(try store.stack(named: "web", projectID: "p2") == nil)
        #expect(try store.stack(id: "missing") == nil)
        var expectedTemplate = template()
        expectedTemplate.id = templateID
        #expect(try store.template(id: templateID) == expectedTemplate)

        let events = try store.events(stackID: record.id, resourceName: nil, after: nil, limit: nil)
        #expect(events.count == 1)
        #expect(events.first?.sequence != nil)
        var expectedEvent = first
        expectedEvent.sequence = events.first?.sequence
        #expect(events.first == expectedEvent)
    }

    @Test func topLevelNamesAreUniquePerProjectButNestedStacksMayShareThem() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let parent = try makeStack(store, "app")
        #expect(throws: StoreError.self) { try makeStack(store, "app") }
        do {
            try makeStack(store, "app")
        } catch let error as StoreError {
            #expect(error.description == "stack 'app' already exists")
        }
        let nested = try makeStack(store, "app", parent: parent.id)
        try makeStack(store, "app", project: "other")
        // The top-level stack wins a look-up by name.
        #expect(try store.stack(named: "app", projectID: "default")?.id == parent.id)
        #expect(try store.stack(id: nested.id)?.parentID == parent.id)
    }

    @Test func aDeletedStacksNameCanBeReused() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        var old = try makeStack(store, "app")
        old.action = .delete
        old.status = .complete
        try store.commit(StoreBatch(stacks: [old]))
        #expect(try store.stack(named: "app", projectID: "default") == nil)
        let new = try makeStack(store, "app")
        #expect(try store.stack(named: "app", projectID: "default")?.id == new.id)
    }

    @Test func purgeRemovesNestedStacksTheirRowsAndUnusedTemplates() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let top = try makeStack(store, "top")
        let child = try makeStack(store, "child", parent: top.id)
        let grandchild = try makeStack(store, "grandchild", parent: child.id)
        let other = try makeStack(store, "other")
        // An update in flight: saved, not yet attached to any stack. Purging must not remove it.
        let pending = try store.saveTemplate(template("pending.yaml"))
        // A template `top` used before and `other` uses now stays.
        var topUpdated = top
        topUpdated.previousTemplateID = other.templateID
        try store.commit(StoreBatch(stacks: [topUpdated]))

        for stack in [top, child, grandchild, other] {
            try store.commit(
                StoreBatch(resources: [resource(stack.id, "r")], events: [event(stack.id, "r")]))
        }
        try store.saveSnapshot(SnapshotRecord(stackID: child.id, name: "s", templateID: child.templateID, data: .map([:])))

        try store.purgeStack(id: top.id)

        for stack in [top, child, grandchild] {
            #expect(try store.stack(id: stack.id) == nil)
            #expect(try store.resources(stackID: stack.id).isEmpty)
            #expect(try store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil).isEmpty)
            #expect(try store.snapshots(stackID: stack.id).isEmpty)
            #expect(try store.template(id: stack.templateID!) == nil)
        }
        #expect(try store.stack(id: other.id) != nil)
        #expect(try store.resources(stackID: other.id).count == 1)
        #expect(try store.template(id: other.templateID!) != nil)
        #expect(try store.template(id: pending) != nil)
    }

    @Test func templatesSaveAndReplaceById() throws {
        let dir = try TempDirectory()
        let store = try dir.openStore()
        let id = try store.saveTemplate(template())
        var changed = template("changed.yaml")
        changed.id = id
        changed.files = [:]
        changed.environments = []
        #expect(try store.saveTemplate(changed) == id)
        #expect(try store.template(id: id) == changed)
        #expect(try store.saveTemplate(template()) != id)
        #expect(try store.template(id: 999) == nil)
    }
}
