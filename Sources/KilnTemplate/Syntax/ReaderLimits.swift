/// Bounds that keep hostile or accidental input from exhausting the machine.
public struct ReaderLimits: Sendable {
    /// Heat's `max_template_size` default is 512 KiB.
    public var maxBytes: Int = 512 * 1024
    /// Deepest nesting of mappings and lists.
    public var maxDepth: Int = 100
    /// Nodes in the document counting each alias as the size of what it expands to:
    /// stops "billion laughs" alias bombs while allowing any honest template.
    public var maxNodes: Int = 5_000_000

    public init(maxBytes: Int = 512 * 1024, maxDepth: Int = 100, maxNodes: Int = 5_000_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    public static let `default` = ReaderLimits()
}
