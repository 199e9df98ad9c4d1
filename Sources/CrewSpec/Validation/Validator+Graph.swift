import CrewCore

extension Validator {
    /// Reports each dependency cycle once, as the path `a -> b -> c -> a` where `x -> y` means "x needs y".
    mutating func checkCycles(_ dependencies: [[Int]]) {
        var needs = Graph(count: crew.tasks.count)
        for (task, deps) in dependencies.enumerated() {
            for dep in deps { needs.addEdge(from: task, to: dep) }
        }
        for cycle in needs.cycles() where cycle.count > 2 {
            let path = cycle.map { crew.tasks[$0].name.value }.joined(separator: " -> ")
            let first = crew.tasks[cycle[0]]
            let next = crew.tasks[cycle[1]].name.value
            let at = first.context.first { $0.value == next }?.location ?? first.name.location
            diagnostics.error(
                .e204, "dependency cycle: \(path)", at: at,
                hint: "`context` makes a task wait for the tasks it lists; remove one of these entries")
        }
    }
}
