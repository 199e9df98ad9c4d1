import CrewCore
import CrewPlanner
import CrewSpec

/// Encodes a validated, planned crew as `plan.json` (normative in `specs/artifact.md`): everything `crew run`
/// needs, with paths relative to the crew's folder, secrets as references only, and no timestamps.
public enum PlanEncoder {
    public static let formatVersion = 1

    public static func encode(_ validated: ValidatedCrew, _ plan: Plan) -> JSONValue {
        let crew = validated.crew
        return .object(dropping: [
            ("format", .string("crew-plan")),
            ("format_version", .int(formatVersion)),
            ("crew", crewHeader(crew)),
            ("inputs", .array(crew.inputs.map(input))),
            ("models", named(crew.models.map { ($0.name.value, model($0)) })),
            ("embedders", named(crew.embedders.map { ($0.name.value, embedder($0)) })),
            (
                "knowledge",
                named(
                    crew.knowledge.enumerated().map {
                        ($1.name.value, knowledge($1, files: validated.knowledgeFiles[$0]))
                    })
            ),
            ("tools", named(crew.tools.map { ($0.name.value, ToolEncoder.encode($0)) })),
            (
                "agents",
                named(
                    crew.agents.enumerated().map {
                        ($1.name.value, agent($1, model: crew.models[validated.modelOfAgent[$0]]))
                    })
            ),
            ("tasks", .array(plan.order.map { task(validated, plan, $0) })),
            ("waves", .array(plan.waves.map { wave in .strings(wave.map { crew.tasks[$0].name.value }) })),
            ("critical_path", .strings(plan.criticalPath.map { crew.tasks[$0].name.value })),
            ("widest_wave", .int(plan.widestWave)),
            ("max_parallel", .int(crew.defaults.maxParallel?.value ?? 8)),
            ("task_timeout", crew.defaults.timeout.map { .double($0.value) }),
        ])
    }

    static func named(_ entries: [(String, JSONValue)]) -> JSONValue {
        .object(Dictionary(entries, uniquingKeysWith: { first, _ in first }))
    }

    static func crewHeader(_ crew: Crew) -> JSONValue {
        .object(dropping: [
            ("name", .string(crew.name.value)),
            ("description", crew.description.map(JSONValue.string)),
            ("origin", .string(crew.origin.rawValue)),
        ])
    }

    static func input(_ input: InputSpec) -> JSONValue {
        .object(dropping: [
            ("name", .string(input.name.value)),
            ("type", .string(input.type.rawValue)),
            ("required", .bool(input.isRequired)),
            ("default", input.defaultValue.map(value)),
            ("description", input.description.map(JSONValue.string)),
        ])
    }

    static func value(_ value: InputValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .integer(let i): return .int(i)
        case .number(let d): return .double(d)
        case .boolean(let b): return .bool(b)
        }
    }

    static func model(_ model: ModelSpec) -> JSONValue {
        .object(dropping: [
            ("provider", .string(model.provider.value.rawValue)),
            ("model", .string(model.model.value)),
            ("base_url", model.baseURL.map { .string($0.source) }),
            ("api_key", model.apiKey.map { .string($0.description) }),
            ("temperature", model.temperature.map { .double($0.value) }),
            ("top_p", model.topP.map { .double($0.value) }),
            ("max_tokens", model.maxTokens.map { .int($0.value) }),
            ("timeout", model.timeout.map { .double($0.value) }),
            ("max_retries", model.maxRetries.map { .int($0.value) }),
            (
                "rate_limit",
                model.rateLimit.map { limit in
                    .object(dropping: [
                        ("requests_per_minute", limit.requestsPerMinute.map(JSONValue.int)),
                        ("tokens_per_minute", limit.tokensPerMinute.map(JSONValue.int)),
                    ])
                }
            ),
            (
                "price",
                model.price.map { price in
                    .object([
                        "input_per_million": .double(price.inputPerMillion),
                        "output_per_million": .double(price.outputPerMillion),
                    ])
                }
            ),
            ("replies", model.replies.isEmpty ? nil : named(model.replies.map { ($0.task.value, .string($0.reply)) })),
        ])
    }

    static func embedder(_ embedder: EmbedderSpec) -> JSONValue {
        .object(dropping: [
            ("provider", .string(embedder.provider.value.rawValue)),
            ("model", .string(embedder.model.value)),
            ("base_url", embedder.baseURL.map { .string($0.source) }),
            ("api_key", embedder.apiKey.map { .string($0.description) }),
            ("dimensions", embedder.dimensions.map { .int($0.value) }),
            ("batch_size", embedder.batchSize.map { .int($0.value) }),
            ("identity", .string(identity(embedder))),
        ])
    }

    /// The embedding space a knowledge base's vectors live in; recorded so a query embeds the same way.
    public static func identity(_ embedder: EmbedderSpec) -> String {
        let provider = embedder.provider.value
        let wire = provider == .ollama ? "openai" : provider.rawValue
        let dimensions = embedder.dimensions?.value ?? (provider == .mock ? 64 : nil)
        return EmbedderIdentity.of(provider: wire, model: embedder.model.value, dimensions: dimensions)
    }

    static func knowledge(_ kb: KnowledgeSpec, files: [String]) -> JSONValue {
        var patterns: [JSONValue] = []
        var texts: [JSONValue] = []
        for source in kb.sources {
            switch source {
            case .path(let pattern): patterns.append(.string(pattern.value))
            case .text(let text): texts.append(.string(text.value))
            }
        }
        return .object(dropping: [
            ("description", kb.description.map(JSONValue.string)),
            ("patterns", .array(patterns)),
            ("files", .strings(files)),
            ("texts", texts.isEmpty ? nil : .array(texts)),
            (
                "chunk",
                .object([
                    "size": .int(kb.effectiveChunkSize), "overlap": .int(kb.effectiveChunkOverlap),
                ])
            ),
            ("embedder", kb.embedder.map { .string($0.value) }),
            (
                "vectors",
                kb.embedder == nil
                    ? nil
                    : .object(dropping: [
                        ("index", .string(kb.vectorIndex?.value ?? "auto")),
                        ("lists", kb.vectorLists.map { .int($0.value) }),
                        ("storage", .string(kb.vectorStorage?.value ?? "float32")),
                    ])
            ),
            (
                "index",
                .object(dropping: [
                    ("chunks", .string("indexes/\(kb.name.value).chunks")),
                    ("bm25", .string("indexes/\(kb.name.value).bm25")),
                    ("vectors", kb.embedder == nil ? nil : .string("indexes/\(kb.name.value).vectors")),
                ])
            ),
        ])
    }

    static func agent(_ agent: AgentSpec, model: ModelSpec) -> JSONValue {
        .object(dropping: [
            ("role", .string(agent.role.source)),
            ("goal", .string(agent.goal.source)),
            ("backstory", agent.backstory.map { .string($0.source) }),
            ("model", .string(model.name.value)),
            ("tools", .strings(agent.tools.map(\.value))),
            ("knowledge", .strings(agent.knowledge.map(\.value))),
            ("delegate_to", .strings(agent.delegateTo.map(\.value))),
            ("max_iterations", .int(agent.maxIterations?.value ?? AgentSpec.defaultMaxIterations)),
            ("knowledge_context", .string(agent.knowledgeContext.rawValue)),
            ("on_max_iterations", .string(agent.onMaxIterations.rawValue)),
        ])
    }

    static func task(_ validated: ValidatedCrew, _ plan: Plan, _ index: Int) -> JSONValue {
        let crew = validated.crew
        let task = crew.tasks[index]
        let agent = validated.agentOfTask[index]
        let templates = [task.description] + (task.expectedOutput.map { [$0] } ?? [])
        var inputs: [String] = []
        for name in templates.flatMap(\.inputNames) where !inputs.contains(name) { inputs.append(name) }
        return .object(dropping: [
            ("name", .string(task.name.value)),
            ("agent", .string(crew.agents[agent].name.value)),
            ("model", .string(crew.models[validated.modelOfAgent[agent]].name.value)),
            ("description", .string(task.description.source)),
            ("expected_output", task.expectedOutput.map { .string($0.source) }),
            ("context", .strings(validated.dependencies[index].map { crew.tasks[$0].name.value })),
            ("dependents", .strings(plan.dependents[index].map { crew.tasks[$0].name.value })),
            ("wave", .int(plan.waveOfTask[index])),
            ("inputs", .strings(inputs)),
            ("output", output(task.output, schema: validated.outputSchemas[index])),
            ("timeout", task.timeout.map { .double($0.value) }),
            ("human_review", .bool(task.humanReview)),
        ])
    }

    static func output(_ output: OutputSpec?, schema: JSONValue?) -> JSONValue? {
        guard let output else { return nil }
        return .object(dropping: [
            ("file", output.file.map { .string(FileSystem.normalize($0.value) ?? $0.value) }),
            ("schema", schema),
            ("max_repairs", output.maxRepairs.map { .int($0.value) }),
        ])
    }
}
