import Foundation

/// The files of one multi-file run, each read from disk once and shared by every template
/// that names it. In a tree like tripleo-heat-templates the same provider templates and
/// get_file targets are named by hundreds of parents; validated in parallel, each would be
/// read again for every parent. Keyed by the path as resolved (normalized) by the validator.
/// Thread-safe; a file read twice at once by two threads is harmless (same bytes).
public final class FileCache: @unchecked Sendable {
    private let lock = NSLock()
    private var contents: [String: [UInt8]?] = [:]

    public init() {}

    /// The content of `path` (a path or `file://` URL), nil when it is not a readable regular file.
    public func read(_ path: String) -> [UInt8]? {
        lock.lock()
        if let cached = contents[path] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let bytes = ValidationRequest.readFromDisk(path)
        lock.lock()
        contents[path] = .some(bytes)
        lock.unlock()
        return bytes
    }

    /// How many distinct paths were asked for.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return contents.count
    }
}
