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

    /// The same nodes with every edge turned around: each node waits for what depends on it
    /// (the order deletion walks).
    public func reversed() -> DependencyGraph {
        var reversed: [String: [String]] = [:]
        for node in nodes {
            for target in edges[node] ?? [] { reversed[target, default: []].append(node) }
        }
        return DependencyGraph(nodes: nodes, edges: reversed)
    }

    /// Each cycle (strongly connected component of more than one resource, or a resource
    /// that needs itself) as its resource names in template order.
    public func cycles() -> [[String]] {
        // Tarjan's algorithm, iterative so that long chains cannot overflow the stack, over
        // integer ids so that each name is hashed once rather than at every step.
        var ids = [String: Int](minimumCapacity: nodes.count)
        var names: [String] = []
        names.reserveCapacity(nodes.count)
        for name in nodes where ids[name] == nil {
            ids[name] = names.count
            names.append(name)
        }
        // Ids below `known` are template positions; names only met as edge targets come after.
        let known = names.count
        var adjacency: [[Int]] = []
        adjacency.reserveCapacity(known)
        var next = 0
        while next < names.count {
            let targets = edges[names[next]] ?? []
            var list: [Int] = []
            list.reserveCapacity(targets.count)
            for target in targets {
                if let id = ids[target] {
                    list.append(id)
                } else {
                    ids[target] = names.count
                    list.append(names.count)
                    names.append(target)
                }
            }
            adjacency.append(list)
            next += 1
        }
        func order(_ id: Int) -> Int { id < known ? id : 0 }

        let count = names.count
        var index = [Int](repeating: -1, count: count)
        var lowlink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var counter = 0
        var found: [[Int]] = []

        for start in 0..<known where index[start] < 0 {
            var work: [(node: Int, edge: Int)] = [(start, 0)]
            index[start] = counter; lowlink[start] = counter; counter += 1
            stack.append(start); onStack[start] = true
            while let (node, edgeIndex) = work.last {
                let targets = adjacency[node]
                if edgeIndex < targets.count {
                    work[work.count - 1].edge += 1
                    let target = targets[edgeIndex]
                    if index[target] < 0 {
                        index[target] = counter; lowlink[target] = counter; counter += 1
                        stack.append(target); onStack[target] = true
                        work.append((target, 0))
                    } else if onStack[target] {
                        lowlink[node] = min(lowlink[node], index[target])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node {
                    lowlink[parent] = min(lowlink[parent], lowlink[node])
                }
                if lowlink[node] == index[node] {
                    var component: [Int] = []
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component.append(member)
                        if member == node { break }
                    }
                    let selfLoop = component.count == 1 && adjacency[node].contains(node)
                    if component.count > 1 || selfLoop {
                        found.append(component.sorted { order($0) < order($1) })
                    }
                }
            }
        }
        return found.sorted { order($0[0]) < order($1[0]) }.map { $0.map { names[$0] } }
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
