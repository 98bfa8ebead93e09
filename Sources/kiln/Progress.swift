import Foundation
import KilnEngine
import KilnModel
import KilnStore

/// Live progress for `--wait`: each event as it is committed, in openstack's `--wait`
/// format (`2026-11-26 08:00:01Z [name]: CREATE_IN_PROGRESS  state changed`).
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()

    var observer: EngineObserver {
        { event in self.show(event) }
    }

    private func show(_ event: EventRecord) {
        lock.lock()
        defer { lock.unlock() }
        print(EventText.logLine(event))
        flushOutput()
    }

    /// An observer when progress is wanted, none otherwise.
    static func observer(if wanted: Bool) -> EngineObserver? { wanted ? ProgressPrinter().observer : nil }
}

enum EventText {
    static func logLine(_ event: EventRecord) -> String {
        "\(Timestamp.log(event.timestamp)) [\(event.resourceName)]: \(event.statusText)  \(event.reason)"
    }
}

/// UTC timestamps without a (non-Sendable) DateFormatter.
enum Timestamp {
    /// `2026-11-26 08:00:01Z`, as openstack's event log shows times.
    static func log(_ date: Date) -> String { format(date, separator: " ") }

    /// `2026-11-26T08:00:01Z`, as Heat's API shows times.
    static func iso(_ date: Date) -> String { format(date, separator: "T") }

    private static func format(_ date: Date, separator: String) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d%@%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), separator, Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}

/// Pushes printed text out now (progress lines must appear as they happen, even in a pipe).
func flushOutput() { fflush(nil) }
