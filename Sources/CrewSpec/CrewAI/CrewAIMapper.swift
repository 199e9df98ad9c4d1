import CrewCore
import CrewDocuments

/// Maps crewAI's agent and task entries onto `AgentSpec` and `TaskSpec`.
struct CrewAIMapper {
    let decoder: NodeDecoder
    private var llmModels: [String: String] = [:]

    init(decoder: NodeDecoder) {
        self.decoder = decoder
    }

    mutating func agents(_ node: YAMLNode, crew: inout Crew) -> [AgentSpec] {
        guard let pairs = decoder.mapping(node, "agents.yaml") else { return [] }
        var agents: [AgentSpec] = []
        for pair in pairs {
            guard let name = decoder.name(pair.key, in: "agents.yaml") else { continue }
            if let agent = agent(name, pair.value, crew: &crew) { agents.append(agent) }
        }
        // crewAI's allow_delegation lets an agent ask any of its coworkers.
        let names = agents.map(\.name)
        for index in agents.indices where agents[index].delegateTo.first?.value == "*" {
            agents[index].delegateTo = names.filter { $0.value != agents[index].name.value }
        }
        return agents
    }

    private mutating func agent(_ name: Located<String>, _ node: YAMLNode, crew: inout Crew) -> AgentSpec? {
        let what = "crewAI agent `\(name.value)`"
        let known = CrewAIReader.agentKeys + CrewAIReader.ignoredAgentKeys
        guard let fields = decoder.fields(node, what, known: known, required: ["role", "goal"], owner: name.location)
        else { return nil }
        warnIgnored(fields, CrewAIReader.ignoredAgentKeys, what)
        let empty = Template(source: "", segments: [], location: node.location)
        let role = decoder.template(fields["role"], "the `role` of \(what)", inputs: true)?.trimmed ?? empty
        let goal = decoder.template(fields["goal"], "the `goal` of \(what)", inputs: true)?.trimmed ?? empty
        var agent = AgentSpec(name: name, role: role, goal: goal, location: node.location)
        agent.backstory = decoder.template(fields["backstory"], "the `backstory` of \(what)", inputs: true)?.trimmed
        agent.maxIterations = decoder.int(fields["max_iter"], "`max_iter`", min: 1, max: 1000)
        if let llm = decoder.string(fields["llm"], "the `llm` of \(what)") {
            agent.model = Located(model(for: llm, crew: &crew), at: llm.location)
        } else {
            agent.model = Located(defaultModel(&crew), at: node.location)
        }
        if decoder.bool(fields["allow_delegation"], "`allow_delegation`") == true {
            agent.delegateTo = [Located("*", at: node.location)]
        }
        pythonTools(fields["tools"], what)
        return agent
    }

    mutating func tasks(_ node: YAMLNode, agents: [AgentSpec]) -> [TaskSpec] {
        guard let pairs = decoder.mapping(node, "tasks.yaml") else { return [] }
        var tasks: [TaskSpec] = []
        var explicitContext: [Bool] = []
        for pair in pairs {
            guard let name = decoder.name(pair.key, in: "tasks.yaml") else { continue }
            guard let (task, hasContext) = task(name, pair.value, agents: agents) else { continue }
            tasks.append(task)
            explicitContext.append(hasContext)
        }
        CrewAISequencing.addImplicitContext(to: &tasks, explicit: explicitContext)
        return tasks
    }

    private func task(_ name: Located<String>, _ node: YAMLNode, agents: [AgentSpec]) -> (TaskSpec, Bool)? {
        let what = "crewAI task `\(name.value)`"
        let known = CrewAIReader.taskKeys + CrewAIReader.ignoredTaskKeys
        guard
            let fields = decoder.fields(
                node, what, known: known, required: ["description", "expected_output"], owner: name.location),
            let description = decoder.template(fields["description"], "the `description` of \(what)", inputs: true)
        else { return nil }
        warnIgnored(fields, CrewAIReader.ignoredTaskKeys, what)
        var task = TaskSpec(name: name, description: description.trimmed, location: node.location)
        task.expectedOutput = decoder.template(fields["expected_output"], "`expected_output`", inputs: true)?.trimmed
        task.agent = decoder.string(fields["agent"], "the `agent` of \(what)")
        if task.agent == nil {
            let names = agents.map { "`\($0.name.value)`" }.joined(separator: ", ")
            decoder.error(
                .e301, "\(what) has no `agent`; crewAI assigns it in Python (crew.py), which `crew` does not read",
                at: name.location, hint: names.isEmpty ? "add `agent: <name>`" : "add `agent:` with one of \(names)")
        }
        task.context = decoder.stringList(fields["context"], "the `context` of \(what)")
        task.asyncExecution = decoder.bool(fields["async_execution"], "`async_execution`") ?? false
        task.humanReview = decoder.bool(fields["human_input"], "`human_input`") ?? false
        if let file = decoder.string(fields["output_file"], "`output_file`") {
            var output = OutputSpec(location: file.location)
            output.file = file
            task.output = output
        }
        pythonTools(fields["tools"], what)
        for key in ["output_json", "output_pydantic"] where fields[key] != nil {
            decoder.error(
                .e302, "`\(key)` names a Pydantic model defined in Python, which `crew` cannot read",
                at: fields.keyLocation(key),
                hint: "describe the shape as a JSON Schema in `output: { schema: ... }` of a crew.yaml")
        }
        return (task, fields["context"] != nil)
    }

    private func pythonTools(_ node: YAMLNode?, _ what: String) {
        for tool in decoder.stringList(node, "the `tools` of \(what)") {
            decoder.error(
                .e302, "tool `\(tool.value)` of \(what) is defined in Python, which `crew` cannot run",
                at: tool.location,
                hint: "declare an equivalent under `tools:` in a crew.yaml (knowledge, http, file, command or mcp)")
        }
    }

    private func warnIgnored(_ fields: NodeDecoder.Fields, _ ignored: [String], _ what: String) {
        for key in ignored where fields[key] != nil {
            decoder.diagnostics.warning(
                .w406, "crewAI setting `\(key)` of \(what) has no equivalent and is ignored",
                at: fields.keyLocation(key))
        }
    }

    /// `provider/model` as crewAI (LiteLLM) writes it; a bare name is an OpenAI model.
    private mutating func model(for llm: Located<String>, crew: inout Crew) -> String {
        if let existing = llmModels[llm.value] { return existing }
        let parts = llm.value.split(separator: "/", maxSplits: 1).map(String.init)
        let (prefix, modelName) = parts.count == 2 ? (parts[0], parts[1]) : ("openai", llm.value)
        let provider = ModelSpec.Provider(rawValue: prefix) ?? .openai
        if ModelSpec.Provider(rawValue: prefix) == nil {
            decoder.diagnostics.warning(
                .w406, "LLM provider `\(prefix)` is read as an OpenAI-compatible endpoint", at: llm.location,
                hint: "set its `base_url` in a crew.yaml if it is not OpenAI")
        }
        let name = CrewDecoder.slug(llm.value)
        var spec = ModelSpec(
            name: Located(name, at: llm.location), provider: Located(provider, at: llm.location),
            model: Located(parts.count == 2 ? modelName : llm.value, at: llm.location), location: llm.location)
        spec.apiKey = Self.defaultKey(provider)
        crew.models.append(spec)
        llmModels[llm.value] = name
        return name
    }

    /// crewAI's default LLM when an agent names none: OpenAI's gpt-4o-mini with the key from OPENAI_API_KEY.
    private mutating func defaultModel(_ crew: inout Crew) -> String {
        if let existing = llmModels[""] { return existing }
        let at = crew.name.location
        var spec = ModelSpec(
            name: Located("default", at: at), provider: Located(.openai, at: at), model: Located("gpt-4o-mini", at: at),
            location: at)
        spec.apiKey = .env("OPENAI_API_KEY")
        crew.models.append(spec)
        llmModels[""] = "default"
        return "default"
    }

    static func defaultKey(_ provider: ModelSpec.Provider) -> SecretRef? {
        switch provider {
        case .openai: return .env("OPENAI_API_KEY")
        case .anthropic: return .env("ANTHROPIC_API_KEY")
        case .gemini: return .env("GEMINI_API_KEY")
        case .ollama, .mock: return nil
        }
    }

    /// crewAI's placeholders are its run-time inputs: each becomes a required string input.
    func inferredInputs(_ crew: Crew) -> [InputSpec] {
        var seen = Set<String>()
        var inputs: [InputSpec] = []
        let templates =
            crew.agents.flatMap { [$0.role, $0.goal] + ($0.backstory.map { [$0] } ?? []) }
            + crew.tasks.flatMap { [$0.description] + ($0.expectedOutput.map { [$0] } ?? []) }
        for template in templates {
            for name in template.inputNames where seen.insert(name).inserted {
                inputs.append(
                    InputSpec(name: Located(name, at: template.location), type: .string, location: template.location))
            }
        }
        return inputs
    }
}

extension Template {
    /// Folded YAML scalars (`>`) end in a newline that is no part of the prompt.
    var trimmed: Template {
        var copy = self
        while copy.source.last?.isWhitespace == true { copy.source.removeLast() }
        if case .text(var last) = copy.segments.last {
            while last.last?.isWhitespace == true { last.removeLast() }
            copy.segments[copy.segments.count - 1] = .text(last)
            if last.isEmpty { copy.segments.removeLast() }
        }
        return copy
    }
}
