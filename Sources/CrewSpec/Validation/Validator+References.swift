import CrewCore

extension Validator {
    mutating func resolveTaskAgents() -> [Int] {
        crew.tasks.map { task in
            guard let agent = task.agent else { return -1 }
            return agents.resolve(agent, from: "task `\(task.name.value)`", diagnostics: &diagnostics) ?? -1
        }
    }

    /// Context references as task indices. A task listing itself is reported here as the shortest cycle.
    mutating func resolveContexts() -> [[Int]] {
        // One flag a task, cleared after each context: a `Set<Int>` made the runtime scan every conformance in the
        // binary at start.
        var seen = [Bool](repeating: false, count: crew.tasks.count)
        return crew.tasks.map { task in
            let found = task.context.compactMap { reference -> Int? in
                if reference.value == task.name.value {
                    diagnostics.error(
                        .e204, "dependency cycle: \(task.name.value) -> \(task.name.value)", at: reference.location,
                        hint: "a task cannot be its own context")
                    return nil
                }
                guard
                    let index = tasks.resolve(
                        reference, from: "the context of task `\(task.name.value)`", diagnostics: &diagnostics),
                    !seen[index]
                else { return nil }
                seen[index] = true
                return index
            }
            for index in found { seen[index] = false }
            return found
        }
    }

    /// Each agent's model: its own, else `defaults.model`, else the crew's only model.
    mutating func resolveAgentModels() -> [Int] {
        var fallback: Int?
        // An unresolved `defaults.model` is reported once; the agents relying on it are not reported again.
        var fallbackFailed = false
        if let name = crew.defaults.model {
            fallback = models.resolve(name, from: "`defaults.model`", diagnostics: &diagnostics)
            fallbackFailed = fallback == nil
        } else if crew.models.count == 1 {
            fallback = 0
        }
        if crew.models.isEmpty, !crew.agents.isEmpty {
            diagnostics.error(
                .e205, "the crew defines no models", at: crew.name.location,
                hint:
                    "add a `models:` section, e.g. `fast: { provider: openai, model: gpt-4o-mini, api_key: ${env:OPENAI_API_KEY} }`"
            )
            return crew.agents.map { _ in -1 }
        }
        return crew.agents.map { agent in
            if let name = agent.model {
                return models.resolve(name, from: "agent `\(agent.name.value)`", diagnostics: &diagnostics) ?? -1
            }
            if let fallback { return fallback }
            if fallbackFailed { return -1 }
            diagnostics.error(
                .e205, "agent `\(agent.name.value)` names no model and the crew has no default",
                at: agent.name.location,
                hint: "add `model:` to the agent or `defaults: { model: ... }` to the crew")
            return -1
        }
    }

    mutating func checkAgentReferences() {
        for agent in crew.agents {
            let what = "agent `\(agent.name.value)`"
            for tool in agent.tools { _ = tools.resolve(tool, from: what, diagnostics: &diagnostics) }
            for kb in agent.knowledge { _ = knowledge.resolve(kb, from: what, diagnostics: &diagnostics) }
            for other in agent.delegateTo {
                if other.value == agent.name.value {
                    diagnostics.error(.e202, "\(what) cannot delegate to itself", at: other.location)
                } else {
                    _ = agents.resolve(other, from: "the `delegate_to` of \(what)", diagnostics: &diagnostics)
                }
            }
        }
    }

    mutating func checkToolsAndKnowledgeReferences() {
        for tool in crew.tools {
            if case .knowledge(let settings) = tool.settings, let kb = settings.knowledge {
                _ = knowledge.resolve(kb, from: "tool `\(tool.name.value)`", diagnostics: &diagnostics)
            }
        }
        for kb in crew.knowledge {
            if let embedder = kb.embedder {
                _ = embedders.resolve(embedder, from: "knowledge base `\(kb.name.value)`", diagnostics: &diagnostics)
            }
        }
        for model in crew.models {
            for reply in model.replies {
                _ = tasks.resolve(
                    reply.task, from: "the `replies` of model `\(model.name.value)`", diagnostics: &diagnostics)
            }
        }
    }
}
