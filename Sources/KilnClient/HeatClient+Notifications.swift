import KilnModel

/// Kiln's notification outbox API (administrators only): what waits for delivery or was
/// dead-lettered, and putting a dead-lettered notification back in its queue.
extension HeatClient {
    /// `GET /notifications[?state=failed]`: each row as the server shows it.
    public func notifications(failedOnly: Bool) async throws(KilnClientError) -> [Value] {
        let body = try await call("GET", "notifications" + (failedOnly ? "?state=failed" : ""))
        return body.mapValue?["notifications"]?.listValue ?? []
    }

    /// `POST /notifications/{id}/retry`: how many rows were requeued.
    public func retryNotification(_ id: String) async throws(KilnClientError) -> Int {
        let body = try await call("POST", "notifications/\(Self.segment(id))/retry", body: .map([:]))
        if case .int(let count) = body.mapValue?["retried"] { return count }
        return 0
    }
}
