import Foundation

/// Provider templates read and parsed once per multi-file run. In tripleo-heat-templates the
/// same few dozen provider templates are nested under hundreds of parents, and reading and
/// parsing them again under each parent was an eighth of the run. Parsing depends only on a
/// file's name and content (the run's reader limits being the same for every file), so the
/// tree and the parse's diagnostics are shared; each parent still checks the template itself.
/// Thread-safe; two threads parsing the same file at once both get a correct result.
public final class ParsedTemplateCache: @unchecked Sendable {
    public struct Parsed: Sendable {
        public var template: Template?
        public var diagnostics: [Diagnostic]
    }

    private let lock = NSLock()
    private var entries: [String: (content: [UInt8], parsed: Parsed)] = [:]

    public init() {}

    /// The parse of `content` named `name`, made by `parse` the first time.
    func parsed(_ name: String, content: [UInt8], _ parse: () -> Parsed) -> Parsed {
        lock.lock()
        if let entry = entries[name], entry.content == content {
            lock.unlock()
            return entry.parsed
        }
        lock.unlock()
        let parsed = parse()
        lock.lock()
        entries[name] = (content, parsed)
        lock.unlock()
        return parsed
    }
}
