import Foundation
import KilnModel
import KilnStore

extension Engine {
    /// A POST to a pre-signed alarm URL (`SignalURLs`): delivered as the resource's signal when
    /// the signature is the resource's own, over this stack id and resource name, and not
    /// expired. Returns false, having changed nothing, when it is not: a forged signature, one
    /// made for another resource or stack, an expired one, or one whose key is gone (the
    /// policy deleted or replaced).
    public func signalWithSignature(
        stackID: String, resource name: String, expires: Int, signature: String, data: Value, now: Date = Date()
    ) async throws -> Bool {
        guard let stack = try await store.stack(id: stackID),
              let record = try await store.resource(stackID: stackID, name: name) else { return false }
        let live = LiveResource(record, stackName: stack.name)
        let path = SignalURLs.signedPath(stackID: stackID, resource: name)
        guard SignalURLs.verify(live, method: "POST", path: path, expires: expires, signature: signature, now: now) else {
            return false
        }
        try await signal(stack.id, resource: name, data: data, projectID: stack.projectID)
        return true
    }
}
