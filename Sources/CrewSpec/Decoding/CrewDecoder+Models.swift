import CrewCore
import CrewDocuments

extension CrewDecoder {
    static let modelKeys = [
        "provider", "model", "base_url", "api_key", "temperature", "top_p", "max_tokens", "timeout", "max_retries",
        "rate_limit", "price", "replies",
    ]

    func decodeModel(_ name: Located<String>, _ node: YAMLNode) -> ModelSpec? {
        let what = "model `\(name.value)`"
        guard
            let fields = decoder.fields(node, what, known: Self.modelKeys, required: ["provider"], owner: name.location)
        else { return nil }
        // A bad provider is reported, and the rest is still read so that every problem shows at once.
        let provider: Located<ModelSpec.Provider> =
            decoder.enumValue(fields["provider"], "the provider of \(what)") ?? Located(.openai, at: node.location)
        let modelName = decoder.string(fields["model"], "the `model` of \(what)")
        if modelName == nil, provider.value != .mock {
            decoder.error(
                .e113, "\(what) is missing `model`", at: node.location, hint: "for example `model: gpt-4o-mini`")
        }
        var model = ModelSpec(
            name: name, provider: provider, model: modelName ?? Located(provider.value.rawValue, at: node.location),
            location: node.location)
        model.baseURL = decoder.template(fields["base_url"], "the `base_url` of \(what)", inputs: false)
        model.apiKey = secret(fields["api_key"], "the `api_key` of \(what)")
        model.temperature = decoder.double(fields["temperature"], "the `temperature` of \(what)", min: 0, max: 2)
        model.topP = decoder.double(fields["top_p"], "the `top_p` of \(what)", min: 0, max: 1)
        model.maxTokens = decoder.int(fields["max_tokens"], "the `max_tokens` of \(what)", min: 1, max: 10_000_000)
        model.timeout = decoder.duration(fields["timeout"], "the `timeout` of \(what)")
        model.maxRetries = decoder.int(fields["max_retries"], "the `max_retries` of \(what)", min: 0, max: 100)
        model.rateLimit = rateLimit(fields["rate_limit"], what)
        model.price = price(fields["price"], what)
        model.replies = replies(fields["replies"], provider: provider.value, what)
        return model
    }

    func decodeEmbedder(_ name: Located<String>, _ node: YAMLNode) -> EmbedderSpec? {
        let what = "embedder `\(name.value)`"
        let known = ["provider", "model", "base_url", "api_key", "dimensions", "batch_size"]
        guard
            let fields = decoder.fields(
                node, what, known: known, required: ["provider", "model"], owner: name.location)
        else { return nil }
        let provider: Located<EmbedderSpec.Provider> =
            decoder.enumValue(fields["provider"], "the provider of \(what)") ?? Located(.openai, at: node.location)
        let model = decoder.string(fields["model"], "the `model` of \(what)") ?? Located("", at: node.location)
        var embedder = EmbedderSpec(name: name, provider: provider, model: model, location: node.location)
        embedder.baseURL = decoder.template(fields["base_url"], "the `base_url` of \(what)", inputs: false)
        embedder.apiKey = secret(fields["api_key"], "the `api_key` of \(what)")
        embedder.dimensions = decoder.int(fields["dimensions"], "`dimensions`", min: 1, max: 65_536)
        embedder.batchSize = decoder.int(fields["batch_size"], "`batch_size`", min: 1, max: 4096)
        return embedder
    }

    /// A secret must be a single `${env:NAME}` or `${file:PATH}`. A literal is refused without ever echoing it.
    func secret(_ node: YAMLNode?, _ what: String) -> SecretRef? {
        guard let node else { return nil }
        guard let text = node.scalar else {
            decoder.typeError(node, expected: "a `${env:NAME}` reference", what)
            return nil
        }
        let (template, _) = TemplateParser.parse(text, at: node.location, inputs: false)
        if template.segments.count == 1 {
            switch template.segments[0] {
            case .env(let name): return .env(name)
            case .file(let path): return .file(path)
            default: break
            }
        }
        literalSecret(what, at: node.location)
        return nil
    }

    func literalSecret(_ what: String, at location: SourceLocation) {
        decoder.diagnostics.append(
            Diagnostic(
                .error, .e130, "\(what) is a literal secret; secrets may only be read at run time", at: location,
                hint: "write `${env:NAME}` and set NAME in the environment (or `${file:PATH}` for a secret file)",
                redactsSource: true))
    }

    private func rateLimit(_ node: YAMLNode?, _ what: String) -> ModelSpec.RateLimit? {
        guard let node,
            let fields = decoder.fields(
                node, "the `rate_limit` of \(what)", known: ["requests_per_minute", "tokens_per_minute"])
        else { return nil }
        var limit = ModelSpec.RateLimit()
        limit.requestsPerMinute =
            decoder.int(fields["requests_per_minute"], "`requests_per_minute`", min: 1, max: 100_000_000)?.value
        limit.tokensPerMinute =
            decoder.int(fields["tokens_per_minute"], "`tokens_per_minute`", min: 1, max: 1_000_000_000_000)?.value
        return limit
    }

    private func price(_ node: YAMLNode?, _ what: String) -> ModelSpec.Price? {
        guard let node,
            let fields = decoder.fields(
                node, "the `price` of \(what)", known: ["input_per_million", "output_per_million"],
                required: ["input_per_million", "output_per_million"]),
            let input = decoder.double(fields["input_per_million"], "`input_per_million`", min: 0, max: 1_000_000),
            let output = decoder.double(fields["output_per_million"], "`output_per_million`", min: 0, max: 1_000_000)
        else { return nil }
        return ModelSpec.Price(inputPerMillion: input.value, outputPerMillion: output.value)
    }

    private func replies(_ node: YAMLNode?, provider: ModelSpec.Provider, _ what: String) -> [(
        task: Located<String>, reply: String
    )] {
        guard let node else { return [] }
        guard provider == .mock else {
            decoder.error(
                .e210, "`replies` is only for the `mock` provider", at: node.location,
                hint: "remove `replies` from \(what)")
            return []
        }
        guard let pairs = decoder.mapping(node, "the `replies` of \(what)") else { return [] }
        return pairs.compactMap { pair in
            guard let task = decoder.string(pair.key, "a task name in `replies`"),
                let reply = decoder.string(pair.value, "the reply for task `\(task.value)`")
            else { return nil }
            return (task, reply.value)
        }
    }
}
