/// Resources and what each needs first, from `depends_on`, get_resource and get_attr.
/// Creation walks it forwards, deletion backwards.
public struct DependencyGraph: Sendable {
    /// Resource names in template order.
    public let nodes: [String]
    /// name → names it depends on (only names that are resources of the template).
    public let edges: [String: [String]]

    public init(_ template: Template) {
        let names = template.resources.map(\.name)
        let known = Set(names)
        var edges: [String: [String]] = [:]
        for resource in template.resources {
            edges[resource.name] = resource.dependencies.filter { known.contains($0) }
        }
        self.nodes = names
        self.edges = edges
    }

    public init(nodes: [String], edges: [String: [String]]) {
        self.nodes = nodes
        self.edges = edges
    }

    /// Each cycle (strongly connected component of more than one resource, or a resource
    /// that needs itself) as its resource names in template order.
    public func cycles() -> [[String]] {
        // Tarjan's algorithm, iterative so that long chains cannot overflow the stack.
        let order = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
        var index = [String: Int]()
        var lowlink = [String: Int]()
        var onStack = Set<String>()
        var stack: [String] = []
        var next = 0
        var result: [[String]] = []

        for start in nodes where index[start] == nil {
            var work: [(node: String, edge: Int)] = [(start, 0)]
            index[start] = next; lowlink[start] = next; next += 1
            stack.append(start); onStack.insert(start)
            while let (node, edgeIndex) = work.last {
                let targets = edges[node] ?? []
                if edgeIndex < targets.count {
                    work[work.count - 1].edge += 1
                    let target = targets[edgeIndex]
                    if index[target] == nil {
                        index[target] = next; lowlink[target] = next; next += 1
                        stack.append(target); onStack.insert(target)
                        work.append((target, 0))
                    } else if onStack.contains(target) {
                        lowlink[node] = min(lowlink[node]!, index[target]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node {
                    lowlink[parent] = min(lowlink[parent]!, lowlink[node]!)
                }
                if lowlink[node] == index[node] {
                    var component: [String] = []
                    while let member = stack.popLast() {
                        onStack.remove(member)
                        component.append(member)
                        if member == node { break }
                    }
                    let selfLoop = component.count == 1 && (edges[node] ?? []).contains(node)
                    if component.count > 1 || selfLoop {
                        result.append(component.sorted { order[$0, default: 0] < order[$1, default: 0] })
                    }
                }
            }
        }
        return result.sorted { order[$0[0], default: 0] < order[$1[0], default: 0] }
    }

    /// Resources grouped in waves: each wave depends only on earlier ones (nil if cyclic).
    public func levels() -> [[String]]? {
        var remaining = [String: Int]()
        var dependents = [String: [String]]()
        for node in nodes {
            let deps = edges[node] ?? []
            remaining[node] = deps.count
            for dep in deps { dependents[dep, default: []].append(node) }
        }
        var wave = nodes.filter { remaining[$0] == 0 }
        var out: [[String]] = []
        var seen = 0
        while !wave.isEmpty {
            out.append(wave)
            seen += wave.count
            var nextWave: [String] = []
            for node in wave {
                for dependent in dependents[node] ?? [] {
                    remaining[dependent]! -= 1
                    if remaining[dependent] == 0 { nextWave.append(dependent) }
                }
            }
            wave = nextWave
        }
        return seen == nodes.count ? out : nil
    }

    /// Graphviz text: an edge from each resource to what it depends on.
    public func dot(name: String = "stack") -> String {
        var out = "digraph \"\(escape(name))\" {\n  rankdir=BT;\n"
        for node in nodes { out += "  \"\(escape(node))\";\n" }
        for node in nodes {
            for dep in edges[node] ?? [] { out += "  \"\(escape(node))\" -> \"\(escape(dep))\";\n" }
        }
        return out + "}\n"
    }

    /// One line per resource: `name -> dep1, dep2` (or `name` alone).
    public func text() -> String {
        nodes.map { node in
            let deps = edges[node] ?? []
            return deps.isEmpty ? node : "\(node) -> \(deps.joined(separator: ", "))"
        }.joined(separator: "\n") + (nodes.isEmpty ? "" : "\n")
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
