import CrewCore
import CrewDocuments
import CrewPlanner
import CrewSpec

/// Turns a validated, planned crew into its plan document (written as `plan.json`, normative in
/// specs/artifact.md): everything a run needs, with paths relative to the crew's folder, secrets as references
/// only, no timestamps, and every default applied from `PlanDefaults`.
public enum PlanBuilder {
    public static func document(_ validated: ValidatedCrew, _ plan: Plan) -> PlanDocument {
        let crew = validated.crew
        var document = PlanDocument(
            crew: CrewHeader(name: crew.name.value, description: crew.description, origin: crew.origin),
            inputs: crew.inputs.map(input), models: named(crew.models.map { ($0.name.value, model($0)) }),
            agents: named(
                crew.agents.enumerated().map {
                    ($1.name.value, agent($1, model: crew.models[validated.modelOfAgent[$0]]))
                }
            ),
            tasks: plan.order.map { task(validated, plan, $0) })
        document.embedders = named(crew.embedders.map { ($0.name.value, embedder($0)) })
        document.knowledge = named(
            crew.knowledge.enumerated().map { ($1.name.value, knowledge($1, files: validated.knowledgeFiles[$0])) })
        document.tools = named(crew.tools.map { ($0.name.value, ToolEntryBuilder.entry($0)) })
        document.waves = plan.waves.map { wave in wave.map { crew.tasks[$0].name.value } }
        document.criticalPath = plan.criticalPath.map { crew.tasks[$0].name.value }
        document.widestWave = plan.widestWave
        document.maxParallel = crew.defaults.maxParallel?.value ?? PlanDefaults.maxParallel
        document.taskTimeout = crew.defaults.timeout?.value
        document.telemetry = crew.telemetry
        document.cache = crew.defaults.cache
        return document
    }

    /// Names are unique once validated; the first entry wins should that ever not hold.
    static func named<T>(_ entries: [(String, T)]) -> [String: T] {
        Dictionary(entries, uniquingKeysWith: { first, _ in first })
    }

    static func input(_ input: InputSpec) -> InputDefinition {
        InputDefinition(
            name: input.name.value, type: input.type, defaultValue: input.defaultValue.map(value),
            required: input.isRequired, description: input.description)
    }

    static func value(_ value: InputValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .integer(let i): return .int(i)
        case .number(let d): return .double(d)
        case .boolean(let b): return .bool(b)
        }
    }

    static func secret(_ reference: SecretRef?) -> SecretSource? {
        switch reference {
        case .env(let name)?: return .env(name)
        case .file(let path)?: return .file(path)
        case nil: return nil
        }
    }

    static func model(_ spec: ModelSpec) -> ModelDefinition {
        var model = ModelDefinition(name: spec.name.value, provider: spec.provider.value, model: spec.model.value)
        model.baseURL = spec.baseURL
        model.environment = spec.environment
        model.apiKey = secret(spec.apiKey)
        model.temperature = spec.temperature?.value
        model.topP = spec.topP?.value
        model.maxTokens = spec.maxTokens?.value
        model.timeout = spec.timeout?.value
        model.maxRetries = spec.maxRetries?.value
        model.requestsPerMinute = spec.rateLimit?.requestsPerMinute
        model.tokensPerMinute = spec.rateLimit?.tokensPerMinute
        model.price = spec.price.map { ($0.inputPerMillion, $0.outputPerMillion) }
        model.replies = named(spec.replies.map { ($0.task.value, $0.reply) })
        return model
    }

    static func embedder(_ spec: EmbedderSpec) -> EmbedderDefinition {
        var embedder = EmbedderDefinition(name: spec.name.value, provider: spec.provider.value, model: spec.model.value)
        embedder.baseURL = spec.baseURL
        embedder.apiKey = secret(spec.apiKey)
        embedder.dimensions = spec.dimensions?.value
        embedder.batchSize = spec.batchSize?.value
        return embedder
    }

    static func knowledge(_ spec: KnowledgeSpec, files: [String]) -> KnowledgeDefinition {
        var kb = KnowledgeDefinition(name: spec.name.value)
        kb.description = spec.description
        for source in spec.sources {
            switch source {
            case .path(let pattern): kb.patterns.append(pattern.value)
            case .text(let text): kb.texts.append(text.value)
            }
        }
        kb.files = files
        kb.chunkSize = spec.effectiveChunkSize
        kb.chunkOverlap = spec.effectiveChunkOverlap
        kb.embedder = spec.embedder?.value
        if kb.embedder != nil {
            kb.vectors = KnowledgeDefinition.VectorSettings(
                index: spec.vectorIndex?.value ?? PlanDefaults.vectorIndex, lists: spec.vectorLists?.value,
                storage: spec.vectorStorage?.value ?? PlanDefaults.vectorStorage)
        }
        return kb
    }

    static func agent(_ spec: AgentSpec, model: ModelSpec) -> AgentDefinition {
        var agent = AgentDefinition(
            name: spec.name.value, role: spec.role, goal: spec.goal, backstory: spec.backstory, model: model.name.value)
        agent.tools = spec.tools.map(\.value)
        agent.knowledge = spec.knowledge.map(\.value)
        agent.delegateTo = spec.delegateTo.map(\.value)
        agent.maxIterations = spec.maxIterations?.value ?? PlanDefaults.maxIterations
        agent.knowledgeContext = spec.knowledgeContext
        agent.onMaxIterations = spec.onMaxIterations
        return agent
    }

    static func task(_ validated: ValidatedCrew, _ plan: Plan, _ index: Int) -> TaskDefinition {
        let crew = validated.crew
        let spec = crew.tasks[index]
        let agent = validated.agentOfTask[index]
        var task = TaskDefinition(
            name: spec.name.value, agent: crew.agents[agent].name.value,
            model: crew.models[validated.modelOfAgent[agent]].name.value, description: spec.description)
        task.expectedOutput = spec.expectedOutput
        task.context = validated.dependencies[index].map { crew.tasks[$0].name.value }
        task.dependents = plan.dependents[index].map { crew.tasks[$0].name.value }
        task.wave = plan.waveOfTask[index]
        let templates = [spec.description] + (spec.expectedOutput.map { [$0] } ?? [])
        for name in templates.flatMap(\.inputNames) where !task.inputs.contains(name) { task.inputs.append(name) }
        task.output = spec.output.map { output in
            TaskDefinition.OutputSettings(
                file: output.file.map { FileSystem.normalize($0.value) ?? $0.value },
                schema: validated.outputSchemas[index], maxRepairs: output.maxRepairs?.value)
        }
        task.timeout = spec.timeout?.value
        task.humanReview = spec.humanReview
        task.cache = spec.cache
        return task
    }
}
