import Foundation
import Hummingbird
import KilnModel
import KilnStore

/// The notification outbox for administrators (Kiln's, beyond Heat's API):
/// `GET /notifications[?state=failed][&limit=N][&global_tenant=true]` lists what waits for
/// delivery and what was dead-lettered; `POST /notifications/{id}/retry` puts a dead-lettered
/// notification (every sink's copy with that id, or one row by its sequence number) back in
/// its queue. Sink secrets and headers are never shown.
extension HeatAPI {
    func notifications(_ call: HeatRequest, _ rest: [String]) async throws -> Response {
        switch (call.method, rest.count) {
        case (.get, 0): return try await listNotifications(call)
        case (.post, 2) where rest[1] == "retry":
            let projectID: String? = call.flag("global_tenant") ? nil : call.projectID
            let count = try await engine.store.retryNotification(rest[0], projectID: projectID)
            guard count > 0 else {
                throw HeatError.notFound("No dead-lettered notification \(rest[0]) was found.", type: "EntityNotFound")
            }
            return .json(["retried": .int(count)])
        default: throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }

    private func listNotifications(_ call: HeatRequest) async throws -> Response {
        let state = call.first("state")
        guard state == nil || state == "failed" else {
            throw HeatError.badRequest("state must be 'failed' (or not given), not '\(state ?? "")'")
        }
        let projectID: String? = call.flag("global_tenant") ? nil : call.projectID
        let listed = try await engine.store.notificationListing(
            failedOnly: state == "failed", projectID: projectID, limit: try call.integer("limit"))
        return .json(["notifications": .list(listed)])
    }
}
