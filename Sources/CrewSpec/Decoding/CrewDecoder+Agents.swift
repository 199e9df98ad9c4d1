import CrewCore

extension CrewDecoder {
    static let agentKeys = [
        "role", "goal", "backstory", "model", "tools", "knowledge", "delegate_to", "max_iterations",
        "knowledge_context", "on_max_iterations",
    ]
    static let taskKeys = [
        "agent", "description", "expected_output", "context", "output", "timeout", "human_review", "cache",
    ]

    /// crewAI's spellings of keys a crew file spells its own way, with where they go.
    static let crewAIAgentSpellings = [
        "llm": "crew names an agent's model with `model:` (crewAI's `llm:`), a name under `models:`",
        "max_iter": "crew spells crewAI's `max_iter` as `max_iterations:`",
        "allow_delegation":
            "crew lists whom an agent may ask with `delegate_to: [agent, ...]` (crewAI's `allow_delegation`)",
    ]
    static let crewAITaskSpellings = [
        "output_file": "crew writes a task's output with `output: { file: ... }` (crewAI's `output_file:`)",
        "output_json": "crew checks a task's output with `output: { schema: ... }` (crewAI's `output_json:`)",
        "output_pydantic": "crew checks a task's output with `output: { schema: ... }` (crewAI's `output_pydantic:`)",
        "human_input": "crew spells crewAI's `human_input` as `human_review:`",
    ]

    func decodeAgent(_ name: Located<String>, _ node: YAMLNode) -> AgentSpec? {
        let what = "agent `\(name.value)`"
        guard
            let fields = decoder.fields(
                node, what, known: Self.agentKeys, required: ["role", "goal"], owner: name.location,
                spellings: Self.crewAIAgentSpellings)
        else {
            return nil
        }
        let role = decoder.template(fields["role"], "the `role` of \(what)", inputs: true)
        let goal = decoder.template(fields["goal"], "the `goal` of \(what)", inputs: true)
        let placeholder = Template(source: "", segments: [], location: node.location)
        var agent = AgentSpec(name: name, role: role ?? placeholder, goal: goal ?? placeholder, location: node.location)
        agent.backstory = decoder.template(fields["backstory"], "the `backstory` of \(what)", inputs: true)
        agent.model = decoder.string(fields["model"], "the `model` of \(what)")
        agent.tools = decoder.stringList(fields["tools"], "the `tools` of \(what)")
        agent.knowledge = decoder.stringList(fields["knowledge"], "the `knowledge` of \(what)")
        agent.delegateTo = decoder.stringList(fields["delegate_to"], "the `delegate_to` of \(what)")
        agent.maxIterations = decoder.int(fields["max_iterations"], "`max_iterations`", min: 1, max: 1000)
        if let value: Located<AgentSpec.KnowledgeContext> = decoder.enumValue(
            fields["knowledge_context"], "`knowledge_context`")
        {
            agent.knowledgeContext = value.value
        }
        if let value: Located<AgentSpec.OnMaxIterations> = decoder.enumValue(
            fields["on_max_iterations"], "`on_max_iterations`")
        {
            agent.onMaxIterations = value.value
        }
        return agent
    }

    func decodeTask(_ name: Located<String>, _ node: YAMLNode) -> TaskSpec? {
        let what = "task `\(name.value)`"
        guard
            let fields = decoder.fields(
                node, what, known: Self.taskKeys, required: ["agent", "description"], owner: name.location,
                spellings: Self.crewAITaskSpellings)
        else {
            return nil
        }
        let description =
            decoder.template(fields["description"], "the `description` of \(what)", inputs: true)
            ?? Template(source: "", segments: [], location: node.location)
        var task = TaskSpec(name: name, description: description, location: node.location)
        task.agent = decoder.string(fields["agent"], "the `agent` of \(what)")
        task.expectedOutput = decoder.template(
            fields["expected_output"], "the `expected_output` of \(what)", inputs: true)
        task.context = decoder.stringList(fields["context"], "the `context` of \(what)")
        task.timeout = decoder.duration(fields["timeout"], "the `timeout` of \(what)")
        task.humanReview = decoder.bool(fields["human_review"], "`human_review`") ?? false
        task.cache = decoder.bool(fields["cache"], "the `cache` of \(what)")
        if let output = fields["output"] {
            task.output = decodeOutput(output, what)
        }
        return task
    }

    private func decodeOutput(_ node: YAMLNode, _ what: String) -> OutputSpec? {
        guard let fields = decoder.fields(node, "the `output` of \(what)", known: ["file", "schema", "max_repairs"])
        else {
            return nil
        }
        var output = OutputSpec(location: node.location)
        output.file = decoder.string(fields["file"], "`output.file`")
        output.maxRepairs = decoder.int(fields["max_repairs"], "`output.max_repairs`", min: 0, max: 20)
        if let schema = fields["schema"] {
            if let path = schema.scalar {
                output.schema = .file(Located(path, at: schema.location))
            } else if schema.pairs != nil,
                let value = JSONConversion.value(of: schema, decoder: decoder, what: "`output.schema`")
            {
                output.schema = .inline(value, schema.location)
            } else {
                decoder.typeError(schema, expected: "a JSON Schema (a mapping) or the path of one", "`output.schema`")
            }
        }
        if output.file == nil && output.schema == nil {
            decoder.error(.e113, "the `output` of \(what) needs `file` or `schema`", at: node.location)
        }
        return output
    }
}
