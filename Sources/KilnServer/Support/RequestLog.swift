import Foundation
import Logging

/// One JSON line per request through swift-log (`JSONLineLogHandler`): id, method, route
/// template, status, duration. Never the raw path, headers or bodies, so tokens, passwords
/// and template contents stay out of the log.
public struct RequestLog: Sendable {
    var logger: Logger

    /// Lines go to `write` (tests collect them); standard error by default.
    public init(write: @escaping @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }) {
        logger = Logger(label: "kiln.api", factory: { label in JSONLineLogHandler(label: label, write: write) })
    }

    /// Lines through another handler (`kiln serve --log-format text`).
    public init(handler: @escaping @Sendable (String) -> any LogHandler) {
        logger = Logger(label: "kiln.api", factory: handler)
    }

    /// The same log with the engine's name on every line (`engine_name`), for deployments of
    /// several engines whose logs are gathered in one place.
    public func naming(engine name: String) -> RequestLog {
        var named = self
        named.logger[metadataKey: "engine_name"] = .string(name)
        return named
    }

    /// A log that drops everything.
    public static let silent = RequestLog { _ in }

    /// `project`: the project id of a `/v1/{project}/...` path (ids are not secret; names of
    /// stacks stay out, as the route template keeps them out of metrics).
    func request(id: String, method: String, route: String, status: Int, seconds: Double, project: String? = nil) {
        var metadata: Logger.Metadata = [
            "request_id": .string(id), "method": .string(method), "route": .string(route),
            "status": .stringConvertible(status), "duration_ms": .stringConvertible((seconds * 1e6).rounded() / 1e3),
        ]
        if let project { metadata["project"] = .string(project) }
        logger.info("request", metadata: metadata)
    }
}
