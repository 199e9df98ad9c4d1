import CrewCore
import CrewSpec

/// Plans a validated crew: a pure function, so tests can assert on its result and builds are reproducible.
public enum Planner {
    public static func plan(_ validated: ValidatedCrew) -> Plan {
        let graph = validated.graph
        // Validation has rejected cycles, so an order always exists; the fallback keeps this total.
        let order = graph.topologicalOrder() ?? Array(0..<graph.count)
        var waveOfTask = Array(repeating: 0, count: graph.count)
        var depth = Array(repeating: 1, count: graph.count)
        for task in order {
            for dep in graph.predecessors[task] {
                waveOfTask[task] = max(waveOfTask[task], waveOfTask[dep] + 1)
                depth[task] = max(depth[task], depth[dep] + 1)
            }
        }
        var waves = Array(repeating: [Int](), count: (waveOfTask.max() ?? -1) + 1)
        for task in 0..<graph.count { waves[waveOfTask[task]].append(task) }
        return Plan(
            order: order, waves: waves, waveOfTask: waveOfTask,
            criticalPath: criticalPath(graph: graph, depth: depth), dependents: graph.successors)
    }

    /// Walks back from the deepest task through the deepest dependency; ties go to the task declared first.
    static func criticalPath(graph: Graph, depth: [Int]) -> [Int] {
        guard var current = depth.indices.max(by: { depth[$0] < depth[$1] || (depth[$0] == depth[$1] && $0 > $1) })
        else { return [] }
        var path = [current]
        while depth[current] > 1 {
            let deps = graph.predecessors[current].filter { depth[$0] == depth[current] - 1 }
            guard let next = deps.min() else { break }
            path.append(next)
            current = next
        }
        return path.reversed()
    }
}
