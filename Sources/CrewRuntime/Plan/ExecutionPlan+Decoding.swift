import CrewCore

extension ExecutionPlan {
    /// A plan.json that cannot be read: the artifact is from another version of `crew`, or damaged.
    public struct DecodingError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "cannot read the plan: \(message); rebuild it with `crew build`" }
    }

    public static func decode(_ json: JSONValue, artifactHash: String) throws(DecodingError) -> ExecutionPlan {
        guard json["format"]?.stringValue == "crew-plan" else { throw DecodingError(message: "not a crew plan") }
        guard json["format_version"]?.intValue == 1 else {
            throw DecodingError(message: "unsupported plan format version \(json["format_version"]?.intValue ?? 0)")
        }
        let crewName = try string(json["crew"]?["name"], "crew.name")
        var models: [String: ModelDefinition] = [:]
        for (name, value) in json["models"]?.objectValue ?? [:] { models[name] = try model(name, value) }
        var agents: [String: AgentDefinition] = [:]
        for (name, value) in json["agents"]?.objectValue ?? [:] { agents[name] = try agent(name, value) }
        let tasks = try (json["tasks"]?.arrayValue ?? []).map(task)
        let inputs = try (json["inputs"]?.arrayValue ?? []).map(input)
        var plan = ExecutionPlan(
            crewName: crewName, artifactHash: artifactHash, inputs: inputs, models: models, agents: agents,
            tasks: tasks, maxParallel: json["max_parallel"]?.intValue ?? 8,
            taskTimeout: json["task_timeout"]?.doubleValue)
        for (name, value) in json["embedders"]?.objectValue ?? [:] { plan.embedders[name] = try embedder(name, value) }
        for (name, value) in json["knowledge"]?.objectValue ?? [:] { plan.knowledge[name] = knowledge(name, value) }
        for (name, value) in json["tools"]?.objectValue ?? [:] { plan.tools[name] = try tool(name, value) }
        return try plan.checked()
    }

    static func string(_ value: JSONValue?, _ what: String) throws(DecodingError) -> String {
        guard let text = value?.stringValue else { throw DecodingError(message: "`\(what)` is missing") }
        return text
    }

    static func template(_ value: JSONValue?, _ what: String) throws(DecodingError) -> Template {
        TemplateParser.parse(try string(value, what), at: .file("plan.json"), inputs: true).0
    }

    static func input(_ value: JSONValue) throws(DecodingError) -> InputDefinition {
        let name = try string(value["name"], "inputs.name")
        guard let type = InputDefinition.ValueType(rawValue: try string(value["type"], "inputs.type")) else {
            throw DecodingError(message: "input `\(name)` has an unknown type")
        }
        return InputDefinition(
            name: name, type: type, defaultValue: value["default"], required: value["required"]?.boolValue ?? true)
    }

    static func model(_ name: String, _ value: JSONValue) throws(DecodingError) -> ModelDefinition {
        guard
            let provider = ModelDefinition.Provider(rawValue: try string(value["provider"], "models.\(name).provider"))
        else { throw DecodingError(message: "model `\(name)` has an unknown provider") }
        var price: (Double, Double)?
        if let p = value["price"], let input = p["input_per_million"]?.doubleValue,
            let output = p["output_per_million"]?.doubleValue
        {
            price = (input, output)
        }
        return ModelDefinition(
            name: name, provider: provider, model: try string(value["model"], "models.\(name).model"),
            baseURL: value["base_url"]?.stringValue.map {
                TemplateParser.parse($0, at: .file("plan.json"), inputs: false).0
            },
            apiKey: value["api_key"]?.stringValue.flatMap(secret), temperature: value["temperature"]?.doubleValue,
            topP: value["top_p"]?.doubleValue, maxTokens: value["max_tokens"]?.intValue,
            timeout: value["timeout"]?.doubleValue, maxRetries: value["max_retries"]?.intValue,
            requestsPerMinute: value["rate_limit"]?["requests_per_minute"]?.intValue,
            tokensPerMinute: value["rate_limit"]?["tokens_per_minute"]?.intValue, price: price,
            replies: (value["replies"]?.objectValue ?? [:]).compactMapValues(\.stringValue))
    }

    static func secret(_ text: String) -> SecretSource? {
        let (template, _) = TemplateParser.parse(text, at: .file("plan.json"), inputs: false)
        guard template.segments.count == 1 else { return nil }
        switch template.segments[0] {
        case .env(let name): return .env(name)
        case .file(let path): return .file(path)
        default: return nil
        }
    }

    static func agent(_ name: String, _ value: JSONValue) throws(DecodingError) -> AgentDefinition {
        AgentDefinition(
            name: name, role: try template(value["role"], "agents.\(name).role"),
            goal: try template(value["goal"], "agents.\(name).goal"),
            backstory: value["backstory"] == nil ? nil : try template(value["backstory"], "backstory"),
            model: try string(value["model"], "agents.\(name).model"),
            knowledge: (value["knowledge"]?.arrayValue ?? []).compactMap(\.stringValue),
            knowledgeContext: value["knowledge_context"]?.stringValue == "auto",
            tools: (value["tools"]?.arrayValue ?? []).compactMap(\.stringValue),
            delegateTo: (value["delegate_to"]?.arrayValue ?? []).compactMap(\.stringValue),
            maxIterations: value["max_iterations"]?.intValue ?? 8,
            answerOnMaxIterations: value["on_max_iterations"]?.stringValue == "answer")
    }

    static func tool(_ name: String, _ value: JSONValue) throws(DecodingError) -> ToolEntry {
        ToolEntry(
            name: name, type: try string(value["type"], "tools.\(name).type"), timeout: value["timeout"]?.doubleValue,
            maxResultChars: value["max_result_chars"]?.intValue, config: value)
    }

    static func task(_ value: JSONValue) throws(DecodingError) -> TaskDefinition {
        let name = try string(value["name"], "tasks.name")
        return TaskDefinition(
            name: name, agent: try string(value["agent"], "tasks.\(name).agent"),
            model: try string(value["model"], "tasks.\(name).model"),
            description: try template(value["description"], "tasks.\(name).description"),
            expectedOutput: value["expected_output"] == nil
                ? nil : try template(value["expected_output"], "expected_output"),
            context: (value["context"]?.arrayValue ?? []).compactMap(\.stringValue),
            outputFile: value["output"]?["file"]?.stringValue, outputSchema: value["output"]?["schema"],
            maxRepairs: value["output"]?["max_repairs"]?.intValue, timeout: value["timeout"]?.doubleValue,
            humanReview: value["human_review"]?.boolValue ?? false)
    }

    static func embedder(_ name: String, _ value: JSONValue) throws(DecodingError) -> EmbedderDefinition {
        EmbedderDefinition(
            name: name, provider: try string(value["provider"], "embedders.\(name).provider"),
            model: try string(value["model"], "embedders.\(name).model"),
            baseURL: value["base_url"]?.stringValue.map {
                TemplateParser.parse($0, at: .file("plan.json"), inputs: false).0
            },
            apiKey: value["api_key"]?.stringValue.flatMap(secret), dimensions: value["dimensions"]?.intValue,
            batchSize: value["batch_size"]?.intValue,
            identity: try string(value["identity"], "embedders.\(name).identity"))
    }

    static func knowledge(_ name: String, _ value: JSONValue) -> KnowledgeDefinition {
        KnowledgeDefinition(
            name: name, files: (value["files"]?.arrayValue ?? []).compactMap(\.stringValue),
            texts: (value["texts"]?.arrayValue ?? []).compactMap(\.stringValue),
            chunkSize: value["chunk"]?["size"]?.intValue ?? 512,
            chunkOverlap: value["chunk"]?["overlap"]?.intValue ?? 64,
            embedder: value["embedder"]?.stringValue)
    }
}
