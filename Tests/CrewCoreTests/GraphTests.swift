import CrewCore
import CrewTestSupport
import Testing

@Suite struct GraphTests {
    func graph(_ count: Int, _ edges: [(Int, Int)]) -> Graph {
        var graph = Graph(count: count)
        for (u, v) in edges { graph.addEdge(from: u, to: v) }
        return graph
    }

    @Test func topologicalOrderPrefersDeclarationOrder() {
        let g = graph(4, [(3, 0), (1, 2)])
        #expect(g.topologicalOrder() == [1, 2, 3, 0])
    }

    @Test func cyclesAreFoundAndReportedAsPaths() {
        let g = graph(6, [(0, 1), (1, 2), (2, 0), (3, 4), (4, 3), (5, 5)])
        #expect(g.topologicalOrder() == nil)
        #expect(g.cycles() == [[0, 1, 2, 0], [3, 4, 3], [5, 5]])
    }

    @Test func theShortestCycleThroughTheLowestNodeIsShown() {
        // 0 -> 1 -> 2 -> 3 -> 0 and the shortcut 1 -> 0.
        let g = graph(4, [(0, 1), (1, 2), (2, 3), (3, 0), (1, 0)])
        #expect(g.cycles() == [[0, 1, 0]])
    }

    @Test func sccOnALongChainIsIterative() {
        let n = 200_000
        let g = graph(n, (0..<(n - 1)).map { ($0, $0 + 1) } + [(n - 1, 0)])
        #expect(g.stronglyConnectedComponents().count == 1)
    }

    @Test func heapSortsAnything() {
        var heap = MinHeap<Int>()
        var rng = SplitMix64(seed: 5)
        let values = (0..<1000).map { _ in Int(rng.next() % 10_000) }
        for v in values { heap.insert(v) }
        var out: [Int] = []
        while let v = heap.popMin() { out.append(v) }
        #expect(out == values.sorted())
    }
}
