import Foundation
import KilnStore
import Testing

@Suite struct StoreQueryTests {
    /// Keeps its directory alive as long as the store is used.
    private struct Fixture {
        let dir: TestDatabase
        let store: any Store
    }

    /// alpha CREATE_COMPLETE, beta CREATE_FAILED, gamma UPDATE_FAILED (+ nested), delta in another project.
    private func fixture(_ backend: StoreBackend) async throws -> Fixture {
        let dir = try await backend.database()
        let store = try await dir.open()
        try await makeStack(store, "alpha", tags: ["web", "prod"], created: 10, updated: 50)
        try await makeStack(store, "beta", status: .failed, tags: ["web"], created: 20)
        let gamma = try await makeStack(store, "gamma", action: .update, status: .failed, tags: ["db"], created: 30, updated: 40)
        try await makeStack(store, "nested", parent: gamma.id, created: 40)
        try await makeStack(store, "delta", project: "other", created: 50)
        return Fixture(dir: dir, store: store)
    }

    private func names(_ store: any Store, _ query: StackQuery) async throws -> [String] {
        try await store.stacks(query).map(\.name)
    }

    @Test(arguments: StoreBackend.allCases) func projectAndNestedFilters(_ backend: StoreBackend) async throws {
        let fixture = try await fixture(backend)
        let store = fixture.store
        #expect(try await names(store, StackQuery()) == ["gamma", "beta", "alpha"])
        #expect(try await names(store, StackQuery(showNested: true)) == ["nested", "gamma", "beta", "alpha"])
        #expect(try await names(store, StackQuery(projectID: nil)) == ["delta", "gamma", "beta", "alpha"])
        #expect(try await names(store, StackQuery(projectID: "other")) == ["delta"])
        #expect(try await names(store, StackQuery(names: ["alpha", "gamma", "nope"])) == ["gamma", "alpha"])
    }

    @Test(arguments: StoreBackend.allCases) func statusFiltersTakeFullTextBareActionOrBareStatus(_ backend: StoreBackend) async throws {
        let fixture = try await fixture(backend)
        let store = fixture.store
        #expect(try await names(store, StackQuery(statuses: ["CREATE_COMPLETE"])) == ["alpha"])
        #expect(try await names(store, StackQuery(statuses: ["FAILED"])) == ["gamma", "beta"])
        #expect(try await names(store, StackQuery(statuses: ["CREATE"])) == ["beta", "alpha"])
        #expect(try await names(store, StackQuery(statuses: ["UPDATE_FAILED", "CREATE_COMPLETE"])) == ["gamma", "alpha"])
        #expect(try await names(store, StackQuery(statuses: ["BOGUS"])).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func tagFilters(_ backend: StoreBackend) async throws {
        let fixture = try await fixture(backend)
        let store = fixture.store
        #expect(try await names(store, StackQuery(tags: ["web", "prod"])) == ["alpha"])
        #expect(try await names(store, StackQuery(tagsAny: ["prod", "db"])) == ["gamma", "alpha"])
        #expect(try await names(store, StackQuery(notTags: ["web", "prod"])) == ["gamma", "beta"])
        #expect(try await names(store, StackQuery(notTagsAny: ["web"])) == ["gamma"])
        #expect(try await names(store, StackQuery(tags: ["web"], notTagsAny: ["prod"])) == ["beta"])
    }

    @Test(arguments: StoreBackend.allCases) func sortKeysAndDirections(_ backend: StoreBackend) async throws {
        let fixture = try await fixture(backend)
        let store = fixture.store
        #expect(try await names(store, StackQuery(sortKey: "name", ascending: true)) == ["alpha", "beta", "gamma"])
        #expect(try await names(store, StackQuery(sortKey: "name", ascending: false)) == ["gamma", "beta", "alpha"])
        #expect(try await names(store, StackQuery(sortKey: "created_at", ascending: true)) == ["alpha", "beta", "gamma"])
        // Never updated (beta) sorts first ascending.
        #expect(try await names(store, StackQuery(sortKey: "updated_at", ascending: true)) == ["beta", "gamma", "alpha"])
        #expect(try await names(store, StackQuery(sortKey: "status", ascending: true)) == ["alpha", "beta", "gamma"])
        await #expect(throws: StoreError.self) { try await store.stacks(StackQuery(sortKey: "colour")) }
    }

    @Test(arguments: StoreBackend.allCases) func limitAndMarkerPageThroughEveryStackOnce(_ backend: StoreBackend) async throws {
        let fixture = try await fixture(backend)
        let store = fixture.store
        for ascending in [true, false] {
            var seen: [String] = []
            var marker: String?
            while true {
                let page = try await store.stacks(
                    StackQuery(projectID: nil, showNested: true, sortKey: "name", ascending: ascending, limit: 2,
                               marker: marker))
                if page.isEmpty { break }
                #expect(page.count <= 2)
                seen += page.map(\.name)
                marker = page.last?.id
            }
            let all = ["alpha", "beta", "delta", "gamma", "nested"]
            #expect(seen == (ascending ? all : all.reversed()))
        }
        await #expect(throws: StoreError.self) { try await store.stacks(StackQuery(marker: "no-such-stack")) }
    }

    @Test(arguments: StoreBackend.allCases) func markerPagingIsStableWhenSortValuesTie(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        for index in 0..<7 {
            try await makeStack(store, "s\(index)", created: 0)  // all created at the same second
        }
        var seen: [String] = []
        var marker: String?
        repeat {
            let page = try await store.stacks(StackQuery(limit: 3, marker: marker))
            seen += page.map(\.name)
            marker = page.count == 3 ? page.last?.id : nil
        } while marker != nil
        #expect(seen.count == 7)
        #expect(Set(seen).count == 7)
    }
}

/// The metrics gauge's numbers come from one GROUP BY query.
@Suite struct SQLiteStoreCountTests {
    @Test(arguments: StoreBackend.allCases) func stacksAreCountedByStatusTopLevelOnly(_ backend: StoreBackend) async throws {
        let dir = try await backend.database()
        let store = try await dir.open()
        let parent = try await makeStack(store, "a")
        try await makeStack(store, "b")
        try await makeStack(store, "c", status: .failed)
        try await makeStack(store, "d", action: .delete, status: .inProgress)
        try await makeStack(store, "child", parent: parent.id)
        #expect(try await store.stackCounts() == ["CREATE_COMPLETE": 2, "CREATE_FAILED": 1, "DELETE_IN_PROGRESS": 1])
    }
}
