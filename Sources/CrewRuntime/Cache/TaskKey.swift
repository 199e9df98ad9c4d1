import CrewCore
import CrewDocuments
import CrewProviders
import CrewTools

/// A task's cache key (specs/cache.md, "The key"): SHA-256 over the canonical JSON (keys sorted, no spaces) of what
/// decides its answer: the messages it sends first, its output schema, each agent that may work on it (prompts,
/// model and settings, tool definitions), the hashes of its upstream outputs and of the knowledge indexes read.
/// Secrets are never part of it: keys are not settings, and base URLs are left out, so that one model behind two
/// addresses shares its answers.
struct TaskKey: Sendable, Equatable {
    static let format = "crew-task-key/1"

    let hex: String

    /// An agent as the key sees it.
    struct Member {
        var agent: AgentDefinition
        var model: ModelDefinition
        var tools: [ToolDescriptor]
    }

    static func make(
        task: TaskDefinition, messages: [ChatMessage], team: [Member], upstream: [(name: String, output: String)],
        knowledge: [String: String], inputs: [String: String]
    ) -> TaskKey {
        let canonical = JSONValue.object([
            "format": .string(format),
            "messages": .array(messages.map(message)),
            "output": .object(dropping: [
                ("schema", task.outputSchema), ("max_repairs", task.maxRepairs.map(JSONValue.int)),
            ]),
            "team": .array(team.map { member($0, inputs: inputs) }),
            "upstream": .object(Dictionary(upstream.map { ($0.name, .string(Hashing.sha256($0.output))) }) { $1 }),
            "knowledge": .object(knowledge.mapValues(JSONValue.string)),
        ])
        return TaskKey(hex: Hashing.sha256(canonical.serialized()))
    }

    /// The key of `task` in a run of `plan` with `tools` open, from its first messages and its context outputs.
    static func of(
        _ task: TaskDefinition, plan: ExecutionPlan, tools: ToolBox, inputs: [String: String], messages: [ChatMessage],
        context: [(String, String)]
    ) -> TaskKey {
        let team = plan.document.agents(reachableFrom: task.agent).compactMap { member -> Member? in
            guard let model = plan.models[member.name == task.agent ? task.model : member.model] else { return nil }
            var descriptors = tools.tools(for: member).map(\.tool.descriptor)
            if !member.delegateTo.isEmpty {
                descriptors.append(
                    Executor.delegationDescriptor(colleagues: member.delegateTo, plan: plan, inputs: inputs))
            }
            return Member(agent: member, model: model, tools: descriptors)
        }
        let bases = Set(team.flatMap { plan.document.knowledgeBases(readBy: $0.agent) })
        return make(
            task: task, messages: messages, team: team, upstream: context.map { ($0.0, $0.1) },
            knowledge: plan.knowledgeHashes.filter { bases.contains($0.key) }, inputs: inputs)
    }

    private static func message(_ message: ChatMessage) -> JSONValue {
        .object(["role": .string(message.role.rawValue), "content": .string(message.content)])
    }

    private static func member(_ member: Member, inputs: [String: String]) -> JSONValue {
        let agent = member.agent
        let model = member.model
        return .object(dropping: [
            ("agent", .string(agent.name)),
            ("role", .string(agent.role.rendered(inputs: inputs))),
            ("goal", .string(agent.goal.rendered(inputs: inputs))),
            ("backstory", agent.backstory.map { .string($0.rendered(inputs: inputs)) }),
            ("max_iterations", .int(agent.maxIterations)),
            ("on_max_iterations", .string(agent.onMaxIterations.rawValue)),
            ("knowledge_context", .string(agent.knowledgeContext.rawValue)),
            (
                "model",
                .object(dropping: [
                    ("provider", .string(model.provider.rawValue)), ("model", .string(model.model)),
                    ("temperature", model.temperature.map(JSONValue.double)),
                    ("top_p", model.topP.map(JSONValue.double)),
                    ("max_tokens", model.maxTokens.map(JSONValue.int)),
                    ("replies", model.replies.isEmpty ? nil : .object(model.replies.mapValues(JSONValue.string))),
                ])
            ),
            (
                "tools",
                .array(
                    member.tools.sorted { $0.name < $1.name }.map {
                        .object([
                            "name": .string($0.name), "description": .string($0.description),
                            "input_schema": $0.inputSchema,
                        ])
                    })
            ),
        ])
    }
}
