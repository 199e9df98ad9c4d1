import CrewCore

extension PlanDocument {
    /// The agent named `name` and every agent it may ask for help, directly or through others, each once, in the
    /// order they are reached: who may work on a task of that agent.
    public func agents(reachableFrom name: String) -> [AgentDefinition] {
        var seen: [String] = []
        var queue = [name]
        while let next = queue.first {
            queue.removeFirst()
            guard !seen.contains(next), let agent = agents[next] else { continue }
            seen.append(next)
            queue += agent.delegateTo
        }
        return seen.compactMap { agents[$0] }
    }

    /// The knowledge bases an agent reads, in its prompts or through its knowledge tools, sorted.
    public func knowledgeBases(readBy agent: AgentDefinition) -> [String] {
        let throughTools = agent.tools.compactMap { name -> String? in
            guard let entry = tools[name], entry.type == .knowledge else { return nil }
            return entry.settings["knowledge"]?.stringValue
        }
        return Array(Set(agent.knowledge + throughTools)).sorted()
    }
}
