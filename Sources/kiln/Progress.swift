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
        "\(HeatTime.log(event.timestamp)) [\(event.resourceName)]: \(event.statusText)  \(event.reason)"
    }
}

/// Pushes printed text out now (progress lines must appear as they happen, even in a pipe).
func flushOutput() { fflush(nil) }
