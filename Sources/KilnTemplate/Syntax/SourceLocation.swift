import Foundation

/// A place in a source file, 1-based, as printed in diagnostics (`FILE:LINE:COLUMN`).
/// The file name is interned: every node of a template carries a location, so it holds a
/// small number instead of a reference-counted string.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    let fileID: UInt32
    public var line: Int32
    public var column: Int32

    public init(file: String, line: Int, column: Int) {
        self.init(fileID: SourceFiles.shared.id(of: file), line: line, column: column)
    }

    init(fileID: UInt32, line: Int, column: Int) {
        self.fileID = fileID
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
    }

    public var file: String { SourceFiles.shared.name(of: fileID) }

    /// For values that did not come from a file (API parameters, generated nodes).
    public static func synthetic(_ name: String) -> SourceLocation {
        SourceLocation(file: name, line: 0, column: 0)
    }

    /// `FILE:LINE:COLUMN`, or just the source's name for values that came from no file.
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}

/// The names of the files locations point into, each stored once for the process.
final class SourceFiles: @unchecked Sendable {
    static let shared = SourceFiles()

    private let lock = NSLock()
    private var names: [String] = []
    private var ids: [String: UInt32] = [:]

    func id(of name: String) -> UInt32 {
        lock.lock()
        defer { lock.unlock() }
        if let id = ids[name] { return id }
        let id = UInt32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    func name(of id: UInt32) -> String {
        lock.lock()
        defer { lock.unlock() }
        return names[Int(id)]
    }
}
