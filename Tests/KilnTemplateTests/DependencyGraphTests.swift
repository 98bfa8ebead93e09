import Testing
@testable import KilnTemplate

@Suite("DependencyGraph")
struct DependencyGraphTests {
    let graph = DependencyGraph(
        nodes: ["net", "subnet", "port", "server", "volume", "attach"],
        edges: ["subnet": ["net"], "port": ["net", "subnet"], "server": ["port"], "attach": ["server", "volume"]])

    @Test func levelsGroupIndependentResources() {
        #expect(graph.levels() == [["net", "volume"], ["subnet"], ["port"], ["server"], ["attach"]])
        #expect(graph.cycles().isEmpty)
    }

    @Test func textAndDot() {
        #expect(graph.text() == """
            net
            subnet -> net
            port -> net, subnet
            server -> port
            volume
            attach -> server, volume

            """)
        let dot = graph.dot(name: "demo")
        #expect(dot.hasPrefix("digraph \"demo\" {"))
        #expect(dot.contains("  \"attach\" -> \"volume\";\n"))
    }

    @Test func cyclesAreFoundWithEveryMember() {
        let cyclic = DependencyGraph(
            nodes: ["a", "b", "c", "d", "e", "f"],
            edges: ["a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": ["e"], "f": []])
        #expect(cyclic.cycles() == [["a", "b", "c"], ["e"]])
        #expect(cyclic.levels() == nil)
    }

    @Test func longChainsDoNotOverflow() {
        let n = 100_000
        let names = (0..<n).map { "r\($0)" }
        var edges: [String: [String]] = [:]
        for i in 1..<n { edges[names[i]] = [names[i - 1]] }
        edges[names[0]] = [names[n - 1]]
        let cycles = DependencyGraph(nodes: names, edges: edges).cycles()
        #expect(cycles.count == 1)
        #expect(cycles.first?.count == n)
    }
}
