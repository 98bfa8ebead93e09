import Foundation
import KilnModel
import KilnTemplate

/// One JSON line per request: id, method, route template, status, duration. Never the raw
/// path, headers or bodies, so tokens, passwords and template contents stay out of the log.
public struct RequestLog: Sendable {
    let write: @Sendable (String) -> Void

    /// Lines go to `write` (tests collect them); standard error by default.
    public init(write: @escaping @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }) {
        self.write = write
    }

    /// A log that drops everything.
    public static let silent = RequestLog { _ in }

    func request(id: String, method: String, route: String, status: Int, seconds: Double) {
        let line: Value = [
            "time": .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))),
            "level": "info", "event": "request", "request_id": .string(id), "method": .string(method),
            "route": .string(route), "status": .int(status), "duration_ms": .double((seconds * 1e6).rounded() / 1e3),
        ]
        write(line.jsonText())
    }
}
