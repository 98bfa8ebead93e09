import Testing
@testable import KilnTemplate

/// The fast paths added for speed give the same answers as the general ones.
@Suite("Perf fast paths")
struct PerfFastPathTests {
    private func scalars(_ text: String) throws -> [Scalar] {
        let node = try YAMLReader().read(text, file: "t.yaml")
        return (node.sequence ?? []).compactMap(\.scalar)
    }

    @Test func plainDecimalsAndWhatIsNotOne() throws {
        let values = try scalars("""
            [0, -0, +5, 12, -34, 007, 0x1F, 1_000, 1:30, 9223372036854775807, 9223372036854775808,
             -9223372036854775808, 2018-08-31, 1.5, "12", yes, Yes, YES, yess, true, TRUE, tru, false, no, on, off]
            """)
        #expect(values == [
            .int(0), .int(0), .int(5), .int(12), .int(-34), .int(7), .int(31), .int(1000), .int(90),
            .int(Int.max), .string("9223372036854775808"), .string("-9223372036854775808"), .string("2018-08-31"),
            .double(1.5), .string("12"), .bool(true), .bool(true), .bool(true), .string("yess"), .bool(true),
            .bool(true), .string("tru"), .bool(false), .bool(false), .bool(true), .bool(false),
        ])
    }

    @Test func duplicateKeysAreStillFoundInSmallAndLargeMappings() throws {
        let many = (0..<15).map { "k\($0): 1" }.joined(separator: ", ")
        do {
            _ = try YAMLReader().read("small: {a: 1, b: 2, a: 3}\nlarge: {\(many), k14: 2}\n", file: "t.yaml")
            Issue.record("expected duplicate keys")
        } catch {
            #expect(error.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.text)" } == [
                "1:21 duplicate key 'a' in mapping (expected each key once)",
                "2:\(9 + many.count + 2) duplicate key 'k14' in mapping (expected each key once)",
            ])
        }
    }

    @Test func cyclesThroughNamesThatAreNotNodesKeepTheirOrder() {
        let graph = DependencyGraph(
            nodes: ["z", "a", "b"],
            edges: ["b": ["a"], "a": ["outside", "b"], "outside": ["a"], "z": []])
        #expect(graph.cycles() == [["outside", "a", "b"]])
    }
}
