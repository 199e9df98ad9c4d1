import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime

/// `crew run --dry-run`: every task's messages as they would be sent, upstream outputs shown as placeholders.
/// Knowledge passages are searched for real (no model is called; a vector search may call the embedder, and when
/// that is not possible a placeholder says so).
enum DryRun {
    static func render(_ plan: ExecutionPlan, inputs: [String: String], knowledge: KnowledgeSearcher?) async -> String {
        var out = ""
        for task in plan.tasks {
            guard let agent = plan.agents[task.agent], let model = plan.models[task.model] else { continue }
            let context = task.context.map { ($0, "<the output of task `\($0)`>") }
            let passages = await self.passages(task, agent, inputs, knowledge)
            let messages = PromptBuilder.messages(
                task: task, agent: agent, inputs: inputs, contextOutputs: context, knowledge: passages)
            out +=
                "=== task `\(task.name)` (agent `\(agent.name)`, model `\(model.name)`: \(model.provider.rawValue) \(model.model))\n"
            for message in messages {
                out += "--- \(message.role.rawValue)\n\(message.content)\n"
            }
            if let tools = offeredTools(agent, plan) { out += "--- tools\n\(tools)\n" }
            out += "\n"
        }
        return out
    }

    /// The tools the agent is offered, by entry (an MCP entry stands for all the server tools it lets through,
    /// which a dry run does not start the server to list), and how many turns it has.
    static func offeredTools(_ agent: AgentDefinition, _ plan: ExecutionPlan) -> String? {
        var entries = agent.tools.map { name in "\(name) (\(plan.tools[name]?.type.rawValue ?? "unknown"))" }
        if !agent.delegateTo.isEmpty {
            entries.append("\(Executor.delegationToolName) (asks \(agent.delegateTo.joined(separator: ", ")))")
        }
        guard !entries.isEmpty else { return nil }
        let limit = agent.onMaxIterations == .answer ? "then a final answer without tools" : "then the task fails"
        return entries.joined(separator: ", ") + "; at most \(agent.maxIterations) turns, \(limit)"
    }

    static func passages(
        _ task: TaskDefinition, _ agent: AgentDefinition, _ inputs: [String: String], _ searcher: KnowledgeSearcher?
    ) async -> [KnowledgePassage] {
        guard agent.knowledgeContext == .auto else { return [] }
        var passages: [KnowledgePassage] = []
        for name in agent.knowledge {
            guard let searcher else {
                passages.append(KnowledgePassage(label: "knowledge base `\(name)`", text: "<no compiled indexes>"))
                continue
            }
            do {
                let hits = try await searcher.search(
                    name, query: task.description.rendered(inputs: inputs), k: 5, mode: nil)
                passages += hits.map(KnowledgePassage.init(hit:))
            } catch {
                passages.append(
                    KnowledgePassage(label: "knowledge base `\(name)`", text: "<passages not shown: \(error)>"))
            }
        }
        return passages
    }
}
