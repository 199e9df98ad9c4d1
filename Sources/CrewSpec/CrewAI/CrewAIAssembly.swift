import CrewCore
import CrewDocuments

/// Puts a crewAI project together as crewAI 1.15.30 does: the YAML entries, then what crew.py adds or overrides
/// (which agent does a task, task order and membership, tools, LLMs, output files and models, the process).
/// Python values win over YAML ones, as crewAI's `process_config` lets explicit arguments win.
struct CrewAIAssembly {
    let decoder: NodeDecoder
    let crewPy: CrewPyFile?
    /// agents.yaml entries by name, for agents crew.py builds outside `@agent` methods.
    private var entries: [String: CrewAIEntries.Agent] = [:]
    /// Agents copied for tasks with their own tools (`<agent>_for_<task>`).
    private var copiedAgents: Set<String> = []
    var models: CrewAIModels
    var tools: CrewAITools

    /// crewAI's `max_iter` default.
    static let defaultMaxIterations = 25

    init(decoder: NodeDecoder, crewPy: CrewPyFile?, bridge: CrewAIBridgeContext = CrewAIBridgeContext()) {
        self.decoder = decoder
        self.crewPy = crewPy
        models = CrewAIModels(decoder: decoder)
        tools = CrewAITools(decoder: decoder, bridge: bridge)
    }

    // MARK: Agents

    mutating func agents(_ entries: [CrewAIEntries.Agent], crew: inout Crew) {
        let byKey = Dictionary(entries.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
        self.entries = byKey
        let managerKey = crewPy?.crew?.inlineManager?.configKey?.value
        var agents: [AgentSpec] = []
        if let methods = crewPy?.agents, !methods.isEmpty {
            var used: Set<String> = []
            for method in methods {
                let key = method.configKey?.value ?? method.method.value
                let entry = byKey[key]
                if entry != nil { used.insert(key) }
                if entry == nil, let configKey = method.configKey {
                    decoder.error(
                        .e303, "agents.yaml has no agent `\(configKey.value)`, which `\(method.method.value)` reads",
                        at: configKey.location, hint: "add `\(configKey.value):` to agents.yaml")
                    continue
                }
                if let agent = agent(method.method, entry, python: method, crew: &crew) { agents.append(agent) }
            }
            for entry in entries where !used.contains(entry.name.value) && entry.name.value != managerKey {
                decoder.diagnostics.warning(
                    .w409,
                    "agent `\(entry.name.value)` of agents.yaml is not in the crew: crew.py has no `@agent` method for it",
                    at: entry.name.location, hint: "add an `@agent` method that reads it, or remove the entry")
            }
        } else {
            for entry in entries {
                if let agent = agent(entry.name, entry, python: nil, crew: &crew) { agents.append(agent) }
            }
        }
        crew.agents = agents
        // crewAI's allow_delegation lets an agent ask any of its coworkers.
        let names = agents.map(\.name)
        for index in agents.indices where crew.agents[index].delegateTo.first?.value == "*" {
            crew.agents[index].delegateTo = names.filter { $0.value != agents[index].name.value }
        }
    }

    private mutating func agent(
        _ name: Located<String>, _ entry: CrewAIEntries.Agent?, python: CrewPyFile.Agent?, crew: inout Crew
    ) -> AgentSpec? {
        let what = "crewAI agent `\(name.value)`"
        let role = text(python?.texts["role"]) ?? entry?.role
        let goal = text(python?.texts["goal"]) ?? entry?.goal
        for (key, value) in [("role", role), ("goal", goal)] where value == nil {
            decoder.error(
                .e113, "\(what) has no `\(key)`", at: name.location,
                hint: "add `\(key):` to its entry in agents.yaml, or `\(key)=` to its `Agent(...)` in crew.py")
        }
        guard let role, let goal else { return nil }
        var agent = AgentSpec(name: name, role: role, goal: goal, location: entry?.node.location ?? name.location)
        agent.backstory = text(python?.texts["backstory"]) ?? entry?.backstory
        agent.maxIterations =
            python?.maxIterations ?? entry?.maxIterations ?? Located(Self.defaultMaxIterations, at: name.location)
        agent.onMaxIterations = .answer
        if let reference = python?.llm, let model = models.model(reference, crewPy: crewPy, crew: &crew) {
            agent.model = Located(model, at: name.location)
        } else if let llm = entry?.llm {
            agent.model = Located(models.model(yaml: llm, crewPy: crewPy, crew: &crew), at: llm.location)
        } else {
            agent.model = Located(models.defaultModel(&crew), at: name.location)
        }
        if (python?.allowDelegation ?? entry?.allowDelegation)?.value == true {
            agent.delegateTo = [Located("*", at: name.location)]
        }
        if let uses = python?.tools {
            agent.tools = uses.flatMap { tools.map($0, owner: "agent `\(name.value)`", crew: &crew) }
        } else {
            agent.tools = yamlTools(entry?.tools ?? [], owner: "agent `\(name.value)`", crew: &crew)
        }
        return agent
    }

    /// `tools:` in YAML names `@tool` methods of the crew class.
    private mutating func yamlTools(_ names: [Located<String>], owner: String, crew: inout Crew) -> [Located<String>] {
        names.flatMap { name -> [Located<String>] in
            guard let use = crewPy?.toolMethods[name.value] else {
                decoder.error(
                    .e304, "tool `\(name.value)` of \(owner) names no `@tool` method of crew.py", at: name.location,
                    hint: crewPy == nil
                        ? "crewAI resolves it in crew.py, which this project does not have"
                        : "add `@tool def \(name.value)(self): return SomeTool()` to the crew class")
                return []
            }
            var located = use
            located.name = Located(use.name.value, at: name.location)
            return tools.map(located, owner: owner, crew: &crew)
        }
    }

    private func text(_ value: Located<String>?) -> Template? {
        guard let value else { return nil }
        let (template, problems) = TemplateParser.parse(value.value, at: value.location, inputs: true)
        for problem in problems { decoder.error(.e120, problem.message, at: value.location, hint: problem.hint) }
        return template.trimmed
    }

    // MARK: Tasks

    mutating func tasks(_ entries: [CrewAIEntries.Task], crew: inout Crew) {
        let byKey = Dictionary(entries.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
        var built: [(TaskSpec, explicitContext: Bool)] = []
        if let python = crewPy, !python.tasks.isEmpty {
            var used: Set<String> = []
            for method in order(python) {
                let key = method.configKey?.value ?? method.method.value
                let entry = byKey[key]
                if entry != nil { used.insert(key) }
                if entry == nil, let configKey = method.configKey {
                    decoder.error(
                        .e303, "tasks.yaml has no task `\(configKey.value)`, which `\(method.method.value)` reads",
                        at: configKey.location, hint: "add `\(configKey.value):` to tasks.yaml")
                    continue
                }
                if let task = task(method.method, entry, python: method, crew: &crew) { built.append(task) }
            }
            for entry in entries where !used.contains(entry.name.value) {
                decoder.diagnostics.warning(
                    .w409,
                    "task `\(entry.name.value)` of tasks.yaml is not in the crew: crew.py has no `@task` method for it",
                    at: entry.name.location,
                    hint: "crewAI does not run it either; add a `@task` method, or remove the entry")
            }
        } else {
            for entry in entries {
                if let task = task(entry.name, entry, python: nil, crew: &crew) { built.append(task) }
            }
        }
        var tasks = built.map(\.0)
        dropAgentsOnlyCopied(tasks, crew: &crew)
        if crewPy?.crew?.process?.value == .hierarchical { hierarchical(&tasks, crew: &crew) }
        CrewAISequencing.addImplicitContext(to: &tasks, explicit: built.map(\.explicitContext))
        crew.tasks = tasks
    }

    /// The crew's own task list when `Crew(tasks=[...])` gives one, else every `@task` method in definition order.
    private mutating func order(_ python: CrewPyFile) -> [CrewPyFile.Task] {
        guard let listed = python.crew?.tasks else { return python.tasks }
        return listed.compactMap { name in
            if let task = python.tasks.first(where: { $0.method.value == name.value }) { return task }
            decoder.error(
                .e303, "the crew lists `self.\(name.value)()`, which is not a `@task` method", at: name.location,
                hint: "decorate `\(name.value)` with `@task`")
            return nil
        }
    }

    private mutating func task(
        _ name: Located<String>, _ entry: CrewAIEntries.Task?, python: CrewPyFile.Task?, crew: inout Crew
    ) -> (TaskSpec, explicitContext: Bool)? {
        let what = "crewAI task `\(name.value)`"
        let description = text(python?.texts["description"]) ?? entry?.description
        let expected = text(python?.texts["expected_output"]) ?? entry?.expectedOutput
        for (key, value) in [("description", description), ("expected_output", expected)] where value == nil {
            decoder.error(
                .e113, "\(what) has no `\(key)`", at: name.location,
                hint: "crewAI requires it too: add `\(key):` to tasks.yaml, or `\(key)=` to its `Task(...)` in crew.py")
        }
        guard let description else { return nil }
        var task = TaskSpec(name: name, description: description, location: entry?.node.location ?? name.location)
        task.expectedOutput = expected
        task.agent = python?.agent ?? entry?.agent
        if task.agent == nil && crewPy?.crew?.process?.value != .hierarchical {
            decoder.error(
                .e301, "\(what) has no agent: neither tasks.yaml nor crew.py gives it one", at: name.location,
                hint: agentHint(for: name.value, agents: crew.agents.map(\.name.value)))
        }
        let context = python?.context ?? entry?.context
        task.context = context ?? []
        task.asyncExecution = (python?.asyncExecution ?? entry?.asyncExecution)?.value ?? false
        task.humanReview = (python?.humanInput ?? entry?.humanInput)?.value ?? false
        task.output = output(python: python, entry: entry, what: what)
        let taskTools =
            python?.tools.map { $0.flatMap { tools.map($0, owner: "task `\(name.value)`", crew: &crew) } }
            ?? yamlTools(entry?.tools ?? [], owner: "task `\(name.value)`", crew: &crew)
        if !taskTools.isEmpty { task.agent = agentWithTools(task.agent, taskTools, for: name, crew: &crew) }
        return (task, context != nil)
    }

    /// E301's hint: the agent crew.py most likely means, when one stands out.
    private func agentHint(for task: String, agents names: [String]) -> String {
        if names.count == 1 { return "crewAI needs an agent per task in a sequential crew; add `agent: \(names[0])`" }
        if let match = names.first(where: { task.contains($0) || $0.contains(task.replacingSuffix("_task")) }) {
            return "add `agent: \(match)` to the task in tasks.yaml (or `agent=self.\(match)()` in crew.py)"
        }
        return names.isEmpty
            ? "add `agent: <name>` to the task in tasks.yaml"
            : "add `agent:` with one of \(names.map { "`\($0)`" }.joined(separator: ", "))"
    }

    /// An agent whose every task runs with the task's own tools lives on only in its copies.
    private func dropAgentsOnlyCopied(_ tasks: [TaskSpec], crew: inout Crew) {
        let used = Set(tasks.compactMap(\.agent?.value) + crew.agents.flatMap { $0.delegateTo.map(\.value) })
        crew.agents.removeAll { copiedAgents.contains($0.name.value) && !used.contains($0.name.value) }
    }

    /// crewAI gives a task with its own tools exactly those tools; crew's tools belong to agents, so the task gets
    /// a copy of its agent holding them.
    private mutating func agentWithTools(
        _ agent: Located<String>?, _ taskTools: [Located<String>], for task: Located<String>, crew: inout Crew
    ) -> Located<String>? {
        guard let agent, let base = crew.agents.first(where: { $0.name.value == agent.value }) else { return agent }
        var copy = base
        copiedAgents.insert(base.name.value)
        copy.name = Located("\(base.name.value)_for_\(task.value)", at: task.location)
        copy.tools = taskTools
        crew.agents.append(copy)
        return Located(copy.name.value, at: agent.location)
    }

    private func output(python: CrewPyFile.Task?, entry: CrewAIEntries.Task?, what: String) -> OutputSpec? {
        // crewAI strips a leading `/` (`/report.md` is written as `report.md`); crew does the same.
        let file = (python?.outputFile ?? entry?.outputFile).map { path in
            Located(String(path.value.drop { $0 == "/" }), at: path.location)
        }
        let model = python?.outputModel?.className ?? entry?.outputModel?.name
        guard file != nil || model != nil else { return nil }
        var output = OutputSpec(location: (file ?? model)!.location)
        output.file = file
        if let model {
            if let schema = crewPy?.models[model.value]
                ?? crewPy?.models[String(model.value.split(separator: ".").last ?? "")]
            {
                output.schema = .inline(schema.schema, model.location)
            } else if crewPy == nil {
                decoder.error(
                    .e302, "`\(model.value)` is a Pydantic model defined in Python, and this project has no crew.py",
                    at: model.location,
                    hint: "describe the shape as a JSON Schema in `output: { schema: ... }` of a crew.yaml")
            }
        }
        return output
    }

    // MARK: Process

    /// `Process.hierarchical`: a manager runs every task and delegates it, to the task's own agent when it has
    /// one, else to any agent of the crew (crewAI's `_update_manager_tools`).
    private mutating func hierarchical(_ tasks: inout [TaskSpec], crew: inout Crew) {
        guard let call = crewPy?.crew else { return }
        guard let manager = managerBase(call, crew: &crew) else { return }
        let workers = crew.agents.map(\.name).filter { $0.value != manager.name.value }
        var variants: [String: String] = [:]
        for index in tasks.indices {
            let target = tasks[index].agent?.value ?? "*"
            if variants[target] == nil {
                var variant = manager
                if target != "*" { variant.name = Located("\(manager.name.value)_for_\(target)", at: manager.location) }
                variant.delegateTo = target == "*" ? workers : workers.filter { $0.value == target }
                crew.agents.append(variant)
                variants[target] = variant.name.value
            }
            tasks[index].agent = Located(variants[target]!, at: tasks[index].agent?.location ?? tasks[index].location)
        }
        crew.agents.removeAll { $0.name.value == manager.name.value && !variants.values.contains(manager.name.value) }
    }

    private mutating func managerBase(_ call: CrewPyFile.CrewCall, crew: inout Crew) -> AgentSpec? {
        if let inline = call.inlineManager {
            let key = inline.configKey?.value ?? ""
            let entry = entries[key]
            if entry == nil, let configKey = inline.configKey {
                decoder.error(
                    .e303, "agents.yaml has no agent `\(key)`, which the crew's `manager_agent` reads",
                    at: configKey.location, hint: "add `\(key):` to agents.yaml")
                return nil
            }
            let name = Located(key.isEmpty ? "manager" : key, at: inline.location)
            guard var manager = agent(name, entry, python: inline, crew: &crew) else { return nil }
            manager.tools = []
            return manager
        }
        if let method = call.managerAgent {
            guard let agent = crew.agents.first(where: { $0.name.value == method.value }) else {
                decoder.error(
                    .e303, "`manager_agent` names `self.\(method.value)()`, which is not an `@agent` method crew read",
                    at: method.location, hint: "make the manager an `@agent` method returning `Agent(...)`")
                return nil
            }
            var manager = agent
            manager.tools = []
            return manager
        }
        guard let reference = call.managerLLM else {
            decoder.error(
                .e303, "a hierarchical crew needs `manager_llm` or `manager_agent`",
                at: call.process?.location ?? call.location,
                hint: "crewAI refuses it too; pass `manager_llm=\"openai/gpt-4o\"` to `Crew(...)`")
            return nil
        }
        let at = call.location
        let role = TemplateParser.parse("Crew Manager", at: at, inputs: false).0
        let goal = TemplateParser.parse(
            "Manage the team to complete the task in the best way possible.", at: at, inputs: false
        ).0
        var manager = AgentSpec(name: Located("crew_manager", at: at), role: role, goal: goal, location: at)
        manager.backstory = TemplateParser.parse(Self.managerBackstory, at: at, inputs: false).0
        manager.maxIterations = Located(Self.defaultMaxIterations, at: at)
        manager.onMaxIterations = .answer
        manager.model = models.model(reference, crewPy: crewPy, crew: &crew).map { Located($0, at: at) }
        return manager
    }

    /// crewAI 1.15.30's `hierarchical_manager_agent.backstory` (translations/en.json).
    static let managerBackstory = """
        You are a seasoned manager with a knack for getting the best out of your team.
        You are also known for your ability to delegate work to the right people, and to ask the right questions to get the best out of your team.
        Even though you don't perform tasks by yourself, you have a lot of experience in the field, which allows you to properly evaluate the work of your team members.
        """
}

extension String {
    fileprivate func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
