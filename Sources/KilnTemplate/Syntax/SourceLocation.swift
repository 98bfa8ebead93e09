/// A place in a source file, 1-based, as printed in diagnostics (`FILE:LINE:COLUMN`).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int32
    public var column: Int32

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
    }

    /// For values that did not come from a file (API parameters, generated nodes).
    public static func synthetic(_ name: String) -> SourceLocation {
        SourceLocation(file: name, line: 0, column: 0)
    }

    /// `FILE:LINE:COLUMN`, or just the source's name for values that came from no file.
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}
