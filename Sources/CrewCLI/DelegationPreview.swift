import CrewCore
import CrewDocuments
import CrewRuntime

/// `ask_agent` as the runtime offers it to an agent with `delegate_to`, for `crew tools`.
enum DelegationPreview {
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
        let descriptor = Executor.delegationDescriptor(colleagues: colleagues, plan: plan, inputs: inputs)
        return ToolCatalog.Offered(
            name: descriptor.name, entry: nil, type: "delegation", description: descriptor.description,
            inputSchema: descriptor.inputSchema)
    }
}
