import CrewCore

/// The one writer of plan.json: every key, in the spec's names, optional keys left out when unset.
extension PlanDocument {
    public var json: JSONValue {
        .object(dropping: [
            ("format", .string(Self.format)),
            ("format_version", .int(Self.formatVersion)),
            ("crew", crew.json),
            ("inputs", .array(inputs.map(\.json))),
            ("models", .object(models.mapValues(\.json))),
            ("embedders", .object(embedders.mapValues(\.json))),
            ("knowledge", .object(knowledge.mapValues(\.json))),
            ("tools", .object(tools.mapValues(\.config))),
            ("agents", .object(agents.mapValues(\.json))),
            ("tasks", .array(tasks.map(\.json))),
            ("waves", .array(waves.map(JSONValue.strings))),
            ("critical_path", .strings(criticalPath)),
            ("widest_wave", .int(widestWave)),
            ("max_parallel", .int(maxParallel)),
            ("task_timeout", taskTimeout.map(JSONValue.double)),
            ("telemetry", telemetry?.json),
            ("cache", cache.map(JSONValue.bool)),
        ])
    }

    /// The bytes of plan.json in an artifact: pretty-printed, keys sorted, one final newline.
    public var fileText: String { json.serialized(pretty: true) + "\n" }
}

extension CrewHeader {
    var json: JSONValue {
        .object(dropping: [
            ("name", .string(name)), ("description", description.map(JSONValue.string)),
            ("origin", .string(origin.rawValue)),
        ])
    }
}

extension InputDefinition {
    var json: JSONValue {
        .object(dropping: [
            ("name", .string(name)), ("type", .string(type.rawValue)), ("required", .bool(required)),
            ("default", defaultValue), ("description", description.map(JSONValue.string)),
        ])
    }
}

extension ModelDefinition {
    var json: JSONValue {
        let rateLimit: JSONValue? =
            requestsPerMinute == nil && tokensPerMinute == nil
            ? nil
            : .object(dropping: [
                ("requests_per_minute", requestsPerMinute.map(JSONValue.int)),
                ("tokens_per_minute", tokensPerMinute.map(JSONValue.int)),
            ])
        return .object(dropping: [
            ("provider", .string(provider.rawValue)),
            ("model", .string(model)),
            ("base_url", baseURL.map { .string($0.source) }),
            ("api_key", apiKey.map { .string($0.reference) }),
            ("temperature", temperature.map(JSONValue.double)),
            ("top_p", topP.map(JSONValue.double)),
            ("max_tokens", maxTokens.map(JSONValue.int)),
            ("timeout", timeout.map(JSONValue.double)),
            ("max_retries", maxRetries.map(JSONValue.int)),
            ("rate_limit", rateLimit),
            (
                "price",
                price.map {
                    .object(["input_per_million": .double($0.input), "output_per_million": .double($0.output)])
                }
            ),
            ("replies", replies.isEmpty ? nil : .object(replies.mapValues(JSONValue.string))),
            (
                "environment",
                environment.map {
                    .object(dropping: [
                        ("model", $0.model.isEmpty ? nil : .array($0.model.map(JSONValue.string))),
                        ("base_url", $0.baseURL.isEmpty ? nil : .array($0.baseURL.map(JSONValue.string))),
                    ])
                }
            ),
        ])
    }
}

extension EmbedderDefinition {
    var json: JSONValue {
        .object(dropping: [
            ("provider", .string(provider.rawValue)),
            ("model", .string(model)),
            ("base_url", baseURL.map { .string($0.source) }),
            ("api_key", apiKey.map { .string($0.reference) }),
            ("dimensions", dimensions.map(JSONValue.int)),
            ("batch_size", batchSize.map(JSONValue.int)),
            ("identity", .string(identity)),
        ])
    }
}

extension KnowledgeDefinition {
    var json: JSONValue {
        .object(dropping: [
            ("description", description.map(JSONValue.string)),
            ("patterns", .strings(patterns)),
            ("files", .strings(files)),
            ("texts", texts.isEmpty ? nil : .strings(texts)),
            ("chunk", .object(["size": .int(chunkSize), "overlap": .int(chunkOverlap)])),
            ("embedder", embedder.map(JSONValue.string)),
            (
                "vectors",
                vectors.map {
                    .object(dropping: [
                        ("index", .string($0.index.rawValue)), ("lists", $0.lists.map(JSONValue.int)),
                        ("storage", .string($0.storage.rawValue)),
                    ])
                }
            ),
            (
                "index",
                .object(dropping: [
                    ("chunks", .string(chunksFile)), ("bm25", .string(bm25File)),
                    ("vectors", vectorsFile.map(JSONValue.string)),
                ])
            ),
        ])
    }
}

extension AgentDefinition {
    var json: JSONValue {
        .object(dropping: [
            ("role", .string(role.source)),
            ("goal", .string(goal.source)),
            ("backstory", backstory.map { .string($0.source) }),
            ("model", .string(model)),
            ("tools", .strings(tools)),
            ("knowledge", .strings(knowledge)),
            ("delegate_to", .strings(delegateTo)),
            ("max_iterations", .int(maxIterations)),
            ("knowledge_context", .string(knowledgeContext.rawValue)),
            ("on_max_iterations", .string(onMaxIterations.rawValue)),
        ])
    }
}

extension TaskDefinition {
    var json: JSONValue {
        .object(dropping: [
            ("name", .string(name)),
            ("agent", .string(agent)),
            ("model", .string(model)),
            ("description", .string(description.source)),
            ("expected_output", expectedOutput.map { .string($0.source) }),
            ("context", .strings(context)),
            ("dependents", .strings(dependents)),
            ("wave", .int(wave)),
            ("inputs", .strings(inputs)),
            (
                "output",
                output.map {
                    .object(dropping: [
                        ("file", $0.file.map(JSONValue.string)), ("schema", $0.schema),
                        ("max_repairs", $0.maxRepairs.map(JSONValue.int)),
                    ])
                }
            ),
            ("timeout", timeout.map(JSONValue.double)),
            ("human_review", .bool(humanReview)),
            ("cache", cache.map(JSONValue.bool)),
        ])
    }
}

extension TelemetryDefinition {
    var json: JSONValue {
        .object(dropping: [
            ("endpoint", endpoint.map { .string($0.source) }),
            ("protocol", wire.map { .string($0.rawValue) }),
            (
                "headers",
                headers.isEmpty ? nil : .object(Dictionary(headers.map { ($0.name, .string($0.value.source)) }) { $1 })
            ),
            ("service_name", serviceName.map(JSONValue.string)),
            ("sampler", sampler.map { .string($0.rawValue) }),
            ("sampler_ratio", samplerRatio.map(JSONValue.double)),
            ("capture_content", captureContent.map(JSONValue.bool)),
            ("propagate", propagate.map(JSONValue.bool)),
        ])
    }
}
