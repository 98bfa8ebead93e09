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

/// Bounds on what evaluating intrinsic functions may build. Heat has none beyond its request
/// size and yaql's quotas, so a few lines of template can ask for gigabytes: `repeat` over
/// three 300-item lists (27 million items), `str_replace` of a long value into a template
/// that names it thousands of times, a `list_join` whose delimiter is itself long. Results
/// are measured before they are built where the size can be known first, and refused with
/// an error at the function's location.
public enum EvaluationLimits {
    /// Items of one function result: list items and map entries, nested ones included.
    public static let maxResultItems = 100_000
    /// UTF-8 bytes of one function result's strings and map keys, nested ones included:
    /// 1 MiB, Heat's `max_json_body_size` (no result bigger could have been sent to Heat).
    public static let maxResultBytes = 1 << 20
    /// Items that all the function results of one template build together (one validation,
    /// or one `EvaluationScope` in the engine): many calls each within the single-result limit
    /// must not add up to an exhausted machine.
    public static let maxTotalItems = 2_000_000
    /// Bytes that all the function results of one template build together: 256 MiB.
    public static let maxTotalBytes = 256 << 20
    /// Nesting of a yaql expression (brackets, calls, operators, chained `.member`s): the
    /// parser and evaluator recurse once per level. Heat's yaql stops near 200 chained operators.
    public static let maxYaqlDepth = 200
}
