import Foundation

extension EngineMembership {
    /// Runs `body` while this engine holds the work claim on `key` (renewed every third of the
    /// TTL, given up at the end), or returns nil without running it when another live engine
    /// holds it. A claim left by an engine that died lapses after the TTL.
    public func holding<T: Sendable>(_ key: String, _ body: @Sendable () async -> T) async -> T? {
        let store = self.store, owner = engine.id, ttl = self.ttl
        guard (try? await store.claimWork(key, owner: owner, until: Date().addingTimeInterval(ttl), now: Date())) == true else {
            return nil
        }
        let result = await withTaskGroup(of: Void.self) { group -> T in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(ttl / 3))
                    if Task.isCancelled { break }
                    _ = try? await store.claimWork(key, owner: owner, until: Date().addingTimeInterval(ttl), now: Date())
                }
            }
            defer { group.cancelAll() }
            return await body()
        }
        try? await store.releaseWork(key, owner: owner)
        return result
    }
}
