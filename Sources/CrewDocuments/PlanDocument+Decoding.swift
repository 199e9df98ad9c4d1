import CrewCore

/// The one reader of plan.json. Every key the writer writes is read back with its type checked, every default comes
/// from `PlanDefaults`, and the result is held to the compiler's guarantees (`checked`) before anyone runs it.
extension PlanDocument {
    /// The file a plan document is, as errors name it.
    public static let documentName = "plan.json"

    public static func decode(_ json: JSONValue) throws(DocumentFormatError) -> PlanDocument {
        let root = try ObjectReader(json, path: "", document: documentName)
        guard try root.optionalString("format") == format else {
            throw DocumentFormatError(documentName, "not a crew plan (`format` is not `\(format)`)")
        }
        let version = try root.int("format_version")
        guard readableVersions.contains(version) else {
            throw DocumentFormatError(
                documentName,
                "plan format version \(version) is not one this crew reads (\(readableVersions.lowerBound)"
                    + "–\(readableVersions.upperBound))")
        }
        var document = PlanDocument(
            crew: try crewHeader(try root.object("crew")), inputs: try root.list("inputs", input),
            models: try root.named("models", model), agents: try root.named("agents", agent),
            tasks: try root.list("tasks", task))
        document.embedders = try root.named("embedders", embedder)
        document.knowledge = try root.named("knowledge", knowledge)
        document.tools = try root.named("tools", tool)
        document.waves = try wavesList(root)
        document.criticalPath = try root.strings("critical_path")
        document.widestWave = try root.optionalInt("widest_wave") ?? 0
        document.maxParallel = try root.optionalInt("max_parallel") ?? PlanDefaults.maxParallel
        document.taskTimeout = try root.optionalDouble("task_timeout")
        document.telemetry = try root.optionalObject("telemetry").map(telemetry)
        document.cache = root.has("cache") ? try root.bool("cache", default: false) : nil
        return try document.checked()
    }

    static func wavesList(_ root: ObjectReader) throws(DocumentFormatError) -> [[String]] {
        guard root.has("waves") else { return [] }
        guard let items = root.value["waves"]?.arrayValue else { throw root.fail("waves", "must be a list") }
        var waves: [[String]] = []
        for item in items {
            guard let names = item.arrayValue?.compactMap(\.stringValue), names.count == item.arrayValue?.count else {
                throw root.fail("waves", "must be a list of lists of task names")
            }
            waves.append(names)
        }
        return waves
    }

    static func template(_ reader: ObjectReader, _ key: String, inputs: Bool = true) throws(DocumentFormatError)
        -> Template
    {
        TemplateParser.parse(try reader.string(key), at: .file(documentName), inputs: inputs).0
    }

    static func optionalTemplate(_ reader: ObjectReader, _ key: String, inputs: Bool = true)
        throws(DocumentFormatError) -> Template?
    {
        reader.has(key) ? try template(reader, key, inputs: inputs) : nil
    }

    /// `${env:NAME}` or `${file:PATH}`, and nothing else: a plan never holds a secret's value.
    static func secret(_ reader: ObjectReader, _ key: String) throws(DocumentFormatError) -> SecretSource? {
        guard let text = try reader.optionalString(key) else { return nil }
        let (template, _) = TemplateParser.parse(text, at: .file(documentName), inputs: false)
        if template.segments.count == 1 {
            switch template.segments[0] {
            case .env(let name): return .env(name)
            case .file(let path): return .file(path)
            default: break
            }
        }
        throw reader.fail(key, "must be a reference, `${env:NAME}` or `${file:PATH}`")
    }

    static func crewHeader(_ r: ObjectReader) throws(DocumentFormatError) -> CrewHeader {
        CrewHeader(
            name: try r.string("name"), description: try r.optionalString("description"),
            origin: try r.enumeration("origin", default: CrewOrigin.native))
    }

    static func input(_ r: ObjectReader) throws(DocumentFormatError) -> InputDefinition {
        InputDefinition(
            name: try r.string("name"), type: try r.enumeration("type"),
            defaultValue: r.has("default") ? r.value["default"] : nil, required: try r.bool("required", default: true),
            description: try r.optionalString("description"))
    }

    static func model(_ name: String, _ r: ObjectReader) throws(DocumentFormatError) -> ModelDefinition {
        var model = ModelDefinition(name: name, provider: try r.enumeration("provider"), model: try r.string("model"))
        model.baseURL = try optionalTemplate(r, "base_url", inputs: false)
        model.apiKey = try secret(r, "api_key")
        model.temperature = try r.optionalDouble("temperature")
        model.topP = try r.optionalDouble("top_p")
        model.maxTokens = try r.optionalInt("max_tokens")
        model.timeout = try r.optionalDouble("timeout")
        model.maxRetries = try r.optionalInt("max_retries")
        if let limit = try r.optionalObject("rate_limit") {
            model.requestsPerMinute = try limit.optionalInt("requests_per_minute")
            model.tokensPerMinute = try limit.optionalInt("tokens_per_minute")
        }
        if let price = try r.optionalObject("price") {
            guard let input = try price.optionalDouble("input_per_million"),
                let output = try price.optionalDouble("output_per_million")
            else { throw r.fail("price", "needs `input_per_million` and `output_per_million`") }
            model.price = (input, output)
        }
        if let environment = try r.optionalObject("environment") {
            model.environment = ModelEnvironment(
                model: environment.has("model") ? try environment.strings("model") : [],
                baseURL: environment.has("base_url") ? try environment.strings("base_url") : [])
        }
        if let replies = try r.optionalObject("replies") {
            for key in replies.value.keys { model.replies[key] = try replies.string(key) }
        }
        return model
    }

    static func embedder(_ name: String, _ r: ObjectReader) throws(DocumentFormatError) -> EmbedderDefinition {
        var embedder = EmbedderDefinition(
            name: name, provider: try r.enumeration("provider"), model: try r.string("model"))
        embedder.baseURL = try optionalTemplate(r, "base_url", inputs: false)
        embedder.apiKey = try secret(r, "api_key")
        embedder.dimensions = try r.optionalInt("dimensions")
        embedder.batchSize = try r.optionalInt("batch_size")
        // The identity is derived; one recorded otherwise names an embedding space this plan's embedder is not in.
        if let recorded = try r.optionalString("identity"), recorded != embedder.identity {
            throw r.fail("identity", "is `\(recorded)`, but the embedder's settings give `\(embedder.identity)`")
        }
        return embedder
    }

    static func knowledge(_ name: String, _ r: ObjectReader) throws(DocumentFormatError) -> KnowledgeDefinition {
        var kb = KnowledgeDefinition(name: name)
        kb.description = try r.optionalString("description")
        kb.patterns = try r.strings("patterns")
        kb.files = try r.strings("files")
        kb.texts = try r.strings("texts")
        if let chunk = try r.optionalObject("chunk") {
            kb.chunkSize = try chunk.optionalInt("size") ?? PlanDefaults.chunkSize
            kb.chunkOverlap = try chunk.optionalInt("overlap") ?? PlanDefaults.chunkOverlap(size: kb.chunkSize)
        }
        kb.embedder = try r.optionalString("embedder")
        if kb.embedder != nil {
            let vectors = try r.optionalObject("vectors")
            kb.vectors = KnowledgeDefinition.VectorSettings(
                index: try vectors?.enumeration("index", default: PlanDefaults.vectorIndex) ?? PlanDefaults.vectorIndex,
                lists: try vectors?.optionalInt("lists"),
                storage: try vectors?.enumeration("storage", default: PlanDefaults.vectorStorage)
                    ?? PlanDefaults.vectorStorage)
        }
        return kb
    }

    static func tool(_ name: String, _ r: ObjectReader) throws(DocumentFormatError) -> ToolEntry {
        ToolEntry(
            name: name, type: try r.enumeration("type"), description: try r.optionalString("description"),
            timeout: try r.optionalDouble("timeout"), maxResultChars: try r.optionalInt("max_result_chars"),
            settings: r.value.filter { !ToolEntry.commonKeys.contains($0.key) })
    }

    static func telemetry(_ r: ObjectReader) throws(DocumentFormatError) -> TelemetryDefinition {
        var telemetry = TelemetryDefinition()
        telemetry.endpoint = try optionalTemplate(r, "endpoint", inputs: false)
        telemetry.wire = r.has("protocol") ? try r.enumeration("protocol") as OTLPProtocol : nil
        if let headers = try r.optionalObject("headers") {
            for name in headers.value.keys.sorted() {
                telemetry.headers.append((name, try template(headers, name, inputs: false)))
            }
        }
        telemetry.serviceName = try r.optionalString("service_name")
        telemetry.sampler = r.has("sampler") ? try r.enumeration("sampler") as TraceSampler : nil
        telemetry.samplerRatio = try r.optionalDouble("sampler_ratio")
        telemetry.captureContent = r.has("capture_content") ? try r.bool("capture_content", default: false) : nil
        telemetry.propagate = r.has("propagate") ? try r.bool("propagate", default: false) : nil
        return telemetry
    }

    static func agent(_ name: String, _ r: ObjectReader) throws(DocumentFormatError) -> AgentDefinition {
        var agent = AgentDefinition(
            name: name, role: try template(r, "role"), goal: try template(r, "goal"),
            backstory: try optionalTemplate(r, "backstory"), model: try r.string("model"))
        agent.knowledge = try r.strings("knowledge")
        agent.knowledgeContext = try r.enumeration("knowledge_context", default: KnowledgeContext.off)
        agent.tools = try r.strings("tools")
        agent.delegateTo = try r.strings("delegate_to")
        agent.maxIterations = try r.optionalInt("max_iterations") ?? PlanDefaults.maxIterations
        agent.onMaxIterations = try r.enumeration("on_max_iterations", default: OnMaxIterations.fail)
        return agent
    }

    static func task(_ r: ObjectReader) throws(DocumentFormatError) -> TaskDefinition {
        var task = TaskDefinition(
            name: try r.string("name"), agent: try r.string("agent"), model: try r.string("model"),
            description: try template(r, "description"))
        task.expectedOutput = try optionalTemplate(r, "expected_output")
        task.context = try r.strings("context")
        task.dependents = try r.strings("dependents")
        task.wave = try r.optionalInt("wave") ?? 0
        task.inputs = try r.strings("inputs")
        if let output = try r.optionalObject("output") {
            task.output = TaskDefinition.OutputSettings(
                file: try output.optionalString("file"), schema: output.has("schema") ? output.value["schema"] : nil,
                maxRepairs: try output.optionalInt("max_repairs"))
        }
        task.timeout = try r.optionalDouble("timeout")
        task.humanReview = try r.bool("human_review", default: false)
        task.cache = r.has("cache") ? try r.bool("cache", default: false) : nil
        return task
    }
}
