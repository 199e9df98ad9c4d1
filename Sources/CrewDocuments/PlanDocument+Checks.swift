import CrewCore

/// A plan.json is a file: anyone who can edit it can re-seal its manifest. Before anything runs, it is held to what
/// the compiler guarantees of a plan it wrote: names that are never paths, references that resolve, a graph in
/// topological order (so no cycle), output paths inside the output folder, and numbers in their ranges.
extension PlanDocument {
    func checked() throws(DocumentFormatError) -> PlanDocument {
        var problems: [String] = []
        checkNames(&problems)
        checkReferences(&problems)
        checkGraph(&problems)
        checkPathsAndNumbers(&problems)
        guard problems.isEmpty else {
            let shown = problems.prefix(10).map(TerminalText.escape).joined(separator: "; ")
            throw DocumentFormatError(
                Self.documentName, shown + (problems.count > 10 ? "; and \(problems.count - 10) more" : ""))
        }
        return self
    }

    private func checkNames(_ problems: inout [String]) {
        let named: [(String, [String])] = [
            ("task", tasks.map(\.name)), ("agent", Array(agents.keys)), ("model", Array(models.keys)),
            ("tool", Array(tools.keys)), ("knowledge base", Array(knowledge.keys)),
            ("embedder", Array(embedders.keys)),
        ]
        for (kind, names) in named {
            for name in names.sorted() where !Names.isValid(name) {
                problems.append("\(kind) name `\(name.prefix(80))` breaks the name rule (\(Names.rule))")
            }
        }
        var seen = Set<String>()
        for task in tasks where !seen.insert(task.name).inserted {
            problems.append("task `\(task.name)` appears twice")
        }
    }

    private func checkReferences(_ problems: inout [String]) {
        func need(_ table: [String: some Any], _ name: String, _ what: String) {
            if table[name] == nil { problems.append("\(what) names unknown `\(name.prefix(80))`") }
        }
        for task in tasks {
            need(agents, task.agent, "task `\(task.name)`'s agent")
            need(models, task.model, "task `\(task.name)`'s model")
        }
        for agent in agents.values.sorted(by: { $0.name < $1.name }) {
            need(models, agent.model, "agent `\(agent.name)`'s model")
            for tool in agent.tools { need(tools, tool, "agent `\(agent.name)`'s tool") }
            for base in agent.knowledge { need(knowledge, base, "agent `\(agent.name)`'s knowledge") }
            for colleague in agent.delegateTo { need(agents, colleague, "agent `\(agent.name)`'s delegate_to") }
        }
        for base in knowledge.values.sorted(by: { $0.name < $1.name }) {
            if let embedder = base.embedder { need(embedders, embedder, "knowledge base `\(base.name)`'s embedder") }
        }
    }

    /// Tasks come in topological order: each task's context names tasks listed before it. That also rules out a
    /// cycle, and a task that would wait forever for a context that never runs.
    private func checkGraph(_ problems: inout [String]) {
        var earlier = Set<String>()
        for task in tasks {
            for upstream in task.context where !earlier.contains(upstream) {
                let known = tasks.contains { $0.name == upstream }
                problems.append(
                    "task `\(task.name)` has context `\(upstream.prefix(80))`, "
                        + (known ? "which does not come before it (a cycle?)" : "which is not a task of the plan"))
            }
            earlier.insert(task.name)
        }
    }

    private func checkPathsAndNumbers(_ problems: inout [String]) {
        for task in tasks {
            if let file = task.outputFile, (try? ConfinedFolder.components(file))?.isEmpty ?? true {
                problems.append("task `\(task.name)`'s output file `\(file.prefix(80))` leaves the output folder")
            }
            if let timeout = task.timeout, !Self.isDuration(timeout) {
                problems.append("task `\(task.name)`'s timeout is out of range")
            }
        }
        for base in knowledge.values {
            for file in base.files where (try? ConfinedFolder.components(file))?.isEmpty ?? true {
                problems.append("knowledge base `\(base.name)` reads `\(file.prefix(80))`, outside the crew's folder")
            }
        }
        let timeouts = models.values.map(\.timeout) + tools.values.map(\.timeout) + [taskTimeout]
        if timeouts.contains(where: { $0.map { !Self.isDuration($0) } ?? false }) {
            problems.append("a timeout is out of range (more than 0 and at most \(Int(Seconds.max)) seconds)")
        }
        if !(1...10_000).contains(maxParallel) { problems.append("max_parallel is out of range (1 to 10000)") }
        if agents.values.contains(where: { !(1...1000).contains($0.maxIterations) }) {
            problems.append("an agent's max_iterations is out of range (1 to 1000)")
        }
        if let ratio = telemetry?.samplerRatio, !(0...1).contains(ratio) {
            problems.append("telemetry.sampler_ratio is out of range (0 to 1)")
        }
    }

    static func isDuration(_ seconds: Double) -> Bool {
        seconds.isFinite && seconds > 0 && seconds <= Seconds.max
    }
}
