// Skeleton: filled in by the template-validation work; the API stays.

/// Resources and what each needs first, from `depends_on`, get_resource and get_attr.
public struct DependencyGraph: Sendable {
    /// Resource names in template order.
    public var nodes: [String]
    /// name → names it depends on.
    public var edges: [String: [String]]

    public init(_ template: Template) {
        nodes = template.resources.map(\.name)
        var edges: [String: [String]] = [:]
        for resource in template.resources { edges[resource.name] = resource.dependencies }
        self.edges = edges
    }

    /// Each cycle as the list of resource names in it.
    public func cycles() -> [[String]] { [] }

    /// Graphviz text.
    public func dot() -> String { "" }

    /// One line per resource: `name -> dep1, dep2`.
    public func text() -> String { "" }
}
