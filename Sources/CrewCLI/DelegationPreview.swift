import CrewCore
import CrewRuntime

/// `ask_agent` as the runtime offers it to an agent with `delegate_to`. The runtime builds this descriptor inside
/// a run; `crew tools` rebuilds it with the same words, so the two must change together.
enum DelegationPreview {
    static let name = "ask_agent"

    /// The inputs the colleagues' roles and goals are shown with: the defaults, when every input has one;
    /// otherwise none, and the placeholders stay as written.
    static func inputs(_ plan: ExecutionPlan) -> [String: String] {
        (try? RunInputs.resolve(plan.inputs, given: [:]).get()) ?? [:]
    }

    static func tool(for agent: AgentDefinition, plan: ExecutionPlan, inputs: [String: String])
        -> ToolCatalog.Offered?
    {
        let colleagues = agent.delegateTo.filter { plan.agents[$0] != nil }
        guard !colleagues.isEmpty else { return nil }
        let list = colleagues.compactMap { name in
            plan.agents[name].map {
                "- \(name): \($0.role.rendered(inputs: inputs)); \($0.goal.rendered(inputs: inputs))"
            }
        }.joined(separator: "\n")
        return ToolCatalog.Offered(
            name: name, entry: nil, type: "delegation",
            description: "Ask a colleague to do a piece of work or answer a question; they reply in text. "
                + "Give them everything they need: they cannot see your conversation.\nColleagues:\n\(list)",
            inputSchema: schema(colleagues))
    }

    private static func schema(_ colleagues: [String]) -> JSONValue {
        .object([
            "type": .string("object"),
            "properties": .object([
                "agent": .object(["type": .string("string"), "enum": .array(colleagues.map(JSONValue.string))]),
                "question": .object([
                    "type": .string("string"), "description": .string("The work or question, in full."),
                ]),
                "context": .object([
                    "type": .string("string"), "description": .string("What you know that they need."),
                ]),
            ]),
            "required": .array([.string("agent"), .string("question")]),
            "additionalProperties": .bool(false),
        ])
    }
}
