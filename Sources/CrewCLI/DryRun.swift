import CrewCore
import CrewProviders
import CrewRuntime

/// `crew run --dry-run`: every task's messages as they would be sent, upstream outputs shown as placeholders.
enum DryRun {
    static func render(_ plan: ExecutionPlan, inputs: [String: String]) -> String {
        var out = ""
        for task in plan.tasks {
            guard let agent = plan.agents[task.agent], let model = plan.models[task.model] else { continue }
            let context = task.context.map { ($0, "<the output of task `\($0)`>") }
            let messages = PromptBuilder.messages(task: task, agent: agent, inputs: inputs, contextOutputs: context)
            out +=
                "=== task `\(task.name)` (agent `\(agent.name)`, model `\(model.name)`: \(model.provider.rawValue) \(model.model))\n"
            for message in messages {
                out += "--- \(message.role.rawValue)\n\(message.content)\n"
            }
            out += "\n"
        }
        return out
    }
}
