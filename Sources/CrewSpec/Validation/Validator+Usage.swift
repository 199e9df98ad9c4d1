import CrewCore

extension Validator {
    /// Warnings for things declared and never used: they are often a typo's other half.
    /// Skipped when anything is in error: the unused thing is then usually the intended target of a broken
    /// reference or part of a section that failed to read.
    mutating func warnUnused(agentOfTask: [Int], modelOfAgent: [Int]) {
        guard !priorErrors, !diagnostics.hasErrors else { return }
        let usedAgents = Set(agentOfTask).union(
            crew.agents.flatMap { $0.delegateTo.compactMap { agents.index[$0.value] } })
        for (i, agent) in crew.agents.enumerated() where !usedAgents.contains(i) && agents.index[agent.name.value] == i
        {
            diagnostics.warning(
                .w401, "agent `\(agent.name.value)` is not used by any task", at: agent.name.location,
                hint: "give it a task, or remove it")
        }
        let usedModels = Set(modelOfAgent)
        for (i, model) in crew.models.enumerated() where !usedModels.contains(i) && models.index[model.name.value] == i
        {
            diagnostics.warning(
                .w402, "model `\(model.name.value)` is not used by any agent", at: model.name.location,
                hint: "name it in an agent's `model`, or remove it")
        }
        let usedTools = Set(crew.agents.flatMap { $0.tools.map(\.value) })
        for tool in crew.tools where !usedTools.contains(tool.name.value) {
            diagnostics.warning(
                .w403, "tool `\(tool.name.value)` is not given to any agent", at: tool.name.location,
                hint: "list it in an agent's `tools`, or remove it")
        }
        var usedKnowledge = Set(crew.agents.flatMap { $0.knowledge.map(\.value) })
        for tool in crew.tools {
            if case .knowledge(let settings) = tool.settings, let kb = settings.knowledge {
                usedKnowledge.insert(kb.value)
            }
        }
        for kb in crew.knowledge where !usedKnowledge.contains(kb.name.value) {
            diagnostics.warning(
                .w404, "knowledge base `\(kb.name.value)` is not used by any agent or tool", at: kb.name.location)
        }
        let usedEmbedders = Set(crew.knowledge.compactMap { $0.embedder?.value })
        for embedder in crew.embedders where !usedEmbedders.contains(embedder.name.value) {
            diagnostics.warning(
                .w407, "embedder `\(embedder.name.value)` is not used by any knowledge base",
                at: embedder.name.location)
        }
    }
}
