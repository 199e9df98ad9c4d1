import CrewCore
import CrewDocuments
import CrewProviders

/// The messages sent for a task, exactly as `specs/prompting.md` lays them out.
public enum PromptBuilder {
    /// `contextOutputs` are the outputs of the task's context tasks, in the order the task lists them.
    public static func messages(
        task: TaskDefinition, agent: AgentDefinition, inputs: [String: String], contextOutputs: [(String, String)],
        knowledge: [KnowledgePassage] = []
    ) -> [ChatMessage] {
        [
            ChatMessage(.system, system(agent, inputs)),
            ChatMessage(.user, user(task, inputs, contextOutputs, knowledge)),
        ]
    }

    static func system(_ agent: AgentDefinition, _ inputs: [String: String]) -> String {
        var text =
            "You are \(agent.role.rendered(inputs: inputs)).\n\nYour goal: \(agent.goal.rendered(inputs: inputs))"
        if let backstory = agent.backstory {
            text += "\n\n\(backstory.rendered(inputs: inputs))"
        }
        return text
    }

    static func user(
        _ task: TaskDefinition, _ inputs: [String: String], _ context: [(String, String)],
        _ knowledge: [KnowledgePassage] = []
    ) -> String {
        var text = task.description.rendered(inputs: inputs)
        if let expected = task.expectedOutput {
            text += "\n\nExpected output: \(expected.rendered(inputs: inputs))"
        }
        if let schema = task.outputSchema {
            text += "\n\nAnswer with JSON only, matching this JSON Schema:\n\(schema.serialized())"
        }
        if !knowledge.isEmpty {
            text += "\n\n# Knowledge\n\nPassages from the knowledge bases that may help:"
            for passage in knowledge {
                text += "\n\n## \(passage.label)\n\n\(passage.text)"
            }
        }
        if !context.isEmpty {
            text += "\n\n# Context\n\nThe outputs of earlier tasks:"
            for (name, output) in context {
                text += "\n\n## \(name)\n\n\(output)"
            }
        }
        return text
    }

    /// The follow-up after an answer that broke the output schema.
    public static func repair(errors: [String]) -> ChatMessage {
        let list = errors.prefix(20).map { "- \($0)" }.joined(separator: "\n")
        return ChatMessage(
            .user, "Your answer does not match the required JSON Schema:\n\(list)\n\nAnswer again with JSON only.")
    }
}

extension PromptBuilder {
    /// Sent when an agent with `on_max_iterations: answer` has used all its turns.
    public static let lastTurn = ChatMessage(
        .user,
        "You have used all the steps you have for this task. Do not call any more tools: give your best final "
            + "answer now, from what you have found so far.")

    /// Sent when an agent with tools ends with an answer that is not the JSON its task asks for.
    public static let formatAnswer = ChatMessage(
        .user, "Now give your final answer as JSON only, matching the JSON Schema given in the task.")

    /// A reviewer's feedback on a draft, for another attempt.
    public static func feedback(_ text: String) -> ChatMessage {
        ChatMessage(
            .user,
            "A reviewer read your answer and asks for changes:\n\n\(text)\n\nAnswer again in full, with the changes.")
    }

    /// The first message of an agent asked for help by another (`delegate_to`).
    public static func delegation(from asker: String, question: String, context: String?) -> String {
        var text = "Your colleague `\(asker)` asks for your help:\n\n\(question)"
        if let context, !context.isEmpty { text += "\n\n# What they know so far\n\n\(context)" }
        return text + "\n\nAnswer them directly and completely."
    }
}

/// A passage put in a prompt by `knowledge_context: auto`.
public struct KnowledgePassage: Sendable {
    /// `docs/setup.md:10-24 › Install › Debian`
    public var label: String
    public var text: String

    public init(label: String, text: String) {
        self.label = label
        self.text = text
    }
}
