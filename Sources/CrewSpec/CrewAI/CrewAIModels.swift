import CrewCore
import CrewDocuments

/// The models a crewAI project uses, one `ModelSpec` per distinct LLM: `llm: provider/model` strings, `@llm`
/// methods and `LLM(...)` calls in crew.py, and crewAI's default for agents that name none.
struct CrewAIModels {
    let decoder: NodeDecoder
    private var made: [String: String] = [:]

    /// crewAI 1.15.30's model when an agent names none and `MODEL` is not set.
    static let defaultModel = "gpt-4.1-mini"
    /// crewAI 1.15.30's run-time choices for an agent without `llm` (`llm_utils.py`): the model, then the endpoint.
    static let defaultEnvironment = ModelEnvironment(
        model: ["MODEL", "MODEL_NAME", "OPENAI_MODEL_NAME"],
        baseURL: ["BASE_URL", "OPENAI_API_BASE", "OPENAI_BASE_URL"])
    /// The endpoint crewAI's OpenAI client takes from the environment when `LLM(...)` gives none.
    static let openAIEnvironment = ModelEnvironment(baseURL: ["OPENAI_BASE_URL", "OPENAI_API_BASE"])

    init(decoder: NodeDecoder) {
        self.decoder = decoder
    }

    /// The model for `llm` as written in agents.yaml: an `@llm` method of that name, else a model string.
    mutating func model(yaml llm: Located<String>, crewPy: CrewPyFile?, crew: inout Crew) -> String {
        if let call = crewPy?.llms[llm.value], let name = model(call: call, name: llm.value, crew: &crew) {
            return name
        }
        return model(string: llm, crew: &crew)
    }

    mutating func model(_ reference: CrewPyFile.LLMReference, crewPy: CrewPyFile?, crew: inout Crew) -> String? {
        switch reference {
        case .model(let text): return model(string: text, crew: &crew)
        case .method(let method):
            guard let call = crewPy?.llms[method.value] else {
                decoder.error(
                    .e303, "`self.\(method.value)()` is not an `@llm` method of crew.py", at: method.location,
                    hint: "decorate the method with `@llm` and return `LLM(model=...)`")
                return nil
            }
            return model(call: call, name: method.value, crew: &crew)
        case .call(let call): return model(call: call, name: nil, crew: &crew)
        }
    }

    /// `provider/model` as crewAI writes it; a bare name is an OpenAI model.
    private mutating func model(string llm: Located<String>, crew: inout Crew) -> String {
        if let existing = made["string:" + llm.value] { return existing }
        var spec = base(llm, name: CrewDecoder.slug(llm.value), crew: crew)
        spec.apiKey = CrewAIMapper.defaultKey(spec.provider.value)
        if spec.provider.value == .openai { spec.environment = Self.openAIEnvironment }
        crew.models.append(spec)
        made["string:" + llm.value] = spec.name.value
        return spec.name.value
    }

    private mutating func model(call: CrewPyFile.LLMCall, name: String?, crew: inout Crew) -> String? {
        let key = "call:\(call.location)"
        if let existing = made[key] { return existing }
        guard let model = call.model else {
            decoder.error(
                .e303, "this `LLM(...)` names no model crew can read", at: call.location,
                hint: "pass `model=\"provider/name\"` as a literal")
            return nil
        }
        let unique = Names.unique(CrewDecoder.slug(name ?? model.value), separator: "-") { taken in
            crew.models.contains { $0.name.value == taken }
        }
        var spec = base(model, name: unique, crew: crew)
        if let url = call.baseURL {
            spec.baseURL = TemplateParser.parse(url.value, at: url.location, inputs: false).0
        }
        spec.temperature = call.temperature
        spec.maxTokens = call.maxTokens
        spec.apiKey = call.apiKeyVariable.map { .env($0.value) } ?? CrewAIMapper.defaultKey(spec.provider.value)
        if spec.baseURL == nil && spec.provider.value == .openai { spec.environment = Self.openAIEnvironment }
        crew.models.append(spec)
        made[key] = unique
        return unique
    }

    private func base(_ llm: Located<String>, name: String, crew: Crew) -> ModelSpec {
        let parts = llm.value.split(separator: "/", maxSplits: 1).map(String.init)
        let prefix = parts.count == 2 ? Self.alias(parts[0]) : "openai"
        let provider = ModelSpec.Provider(rawValue: prefix) ?? .openai
        if ModelSpec.Provider(rawValue: prefix) == nil {
            decoder.diagnostics.warning(
                .w406, "LLM provider `\(prefix)` is read as an OpenAI-compatible endpoint", at: llm.location,
                hint: "set its `base_url` in crew.py's `LLM(...)` or a crew.yaml if it is not OpenAI")
        }
        return ModelSpec(
            name: Located(name, at: llm.location), provider: Located(provider, at: llm.location),
            model: Located(parts.count == 2 ? parts[1] : llm.value, at: llm.location), location: llm.location)
    }

    /// crewAI's provider aliases (`claude/…` is Anthropic, `google/…` is Gemini).
    private static func alias(_ prefix: String) -> String {
        switch prefix {
        case "claude": return "anthropic"
        case "google": return "gemini"
        case "ollama_chat": return "ollama"
        default: return prefix
        }
    }

    /// crewAI's default LLM for an agent that names none.
    mutating func defaultModel(_ crew: inout Crew) -> String {
        if let existing = made["default"] { return existing }
        let at = crew.name.location
        var spec = ModelSpec(
            name: Located("default", at: at), provider: Located(.openai, at: at),
            model: Located(Self.defaultModel, at: at), location: at)
        spec.apiKey = .env("OPENAI_API_KEY")
        spec.environment = Self.defaultEnvironment
        crew.models.append(spec)
        made["default"] = "default"
        return "default"
    }
}
