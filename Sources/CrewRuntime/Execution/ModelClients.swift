import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// One client per model of the plan, built when the run starts: secrets are read here (from the environment or a
/// secret file) and nowhere else, and every HTTP model shares the run's one `ProviderTransport`.
public struct ModelClients: Sendable {
    /// A model or embedder that cannot be set up: R511 (no key) or R512 (a secret file cannot be read).
    public struct SetupError: CodedFailure {
        public var code: FailureCode
        public var message: String
        public var description: String { message }
    }

    /// A resolved HTTP model: its client and what to say when it fails.
    struct Remote: Sendable {
        var client: HTTPChatClient
        var definition: ModelDefinition
    }

    private var remotes: [String: Remote] = [:]
    private var mocks: [String: ModelDefinition] = [:]
    /// Replayed models: no endpoint, no key, no request.
    private var replayed: [String: ModelDefinition] = [:]
    private var cassette: CassetteMode?
    /// Every secret value read, so messages can be scrubbed of them.
    public private(set) var secrets: [String] = []

    /// `retry` overrides the backoff timing (tests use short delays); `maxRetries` still comes from each model.
    public init(
        plan: ExecutionPlan, transport: ProviderTransport, environment: [String: String],
        retry: RetryPolicy = RetryPolicy(),
        limiters: RateLimiterPool = RateLimiterPool(), cassette: CassetteMode? = nil
    ) throws(SetupError) {
        self.cassette = cassette
        var problems: [SetupError] = []
        for name in plan.models.keys.sorted() {
            guard let model = plan.models[name] else { continue }
            if model.provider == .mock {
                mocks[name] = model
                continue
            }
            if case .replay = cassette {
                replayed[name] = model
                continue
            }
            do {
                let endpoint = try Self.endpoint(model, environment: environment)
                if let key = endpoint.apiKey?.value { secrets.append(key) }
                var policy = retry
                policy.maxRetries = model.maxRetries ?? retry.maxRetries
                let limiter = limiters.limiter(for: model, endpoint: endpoint)
                let client = HTTPChatClient(
                    endpoint: endpoint, wire: Self.wire(endpoint.provider), transport: transport, retry: policy,
                    limiter: limiter, timeout: model.timeout ?? PlanDefaults.modelTimeout)
                remotes[name] = Remote(client: client, definition: model)
            } catch {
                problems.append(error)
            }
        }
        if !problems.isEmpty {
            throw SetupError(code: problems[0].code, message: problems.map(\.message).joined(separator: "\n"))
        }
        if case .record(let recorder) = cassette { recorder.keep(secrets: secrets) }
    }

    /// The client that answers `task` with model `name`: the provider's, recorded or replayed when the run says so.
    public func client(model name: String, task: String) -> any ChatClient {
        if let model = replayed[name], case .replay(let player) = cassette {
            return ReplayClient(player: player, provider: model.provider, task: task)
        }
        if let remote = remotes[name] {
            guard case .record(let recorder) = cassette else { return remote.client }
            return RecordingClient(
                inner: remote.client, recorder: recorder, provider: remote.definition.provider, model: name, task: task)
        }
        return MockClient(reply: mocks[name]?.replies[task], task: task)
    }

    public func endpoint(model name: String) -> Endpoint? { remotes[name]?.client.endpoint }

    static func wire(_ provider: Endpoint.Provider) -> any WireFormat {
        switch provider {
        case .openai: return OpenAIWire()
        case .anthropic: return AnthropicWire()
        case .gemini: return GeminiWire()
        }
    }

    static func endpoint(_ model: ModelDefinition, environment: [String: String]) throws(SetupError) -> Endpoint {
        let provider: Endpoint.Provider
        switch model.provider {
        case .openai, .ollama, .mock: provider = .openai
        case .anthropic: provider = .anthropic
        case .gemini: provider = .gemini
        }
        let configured = model.baseURL.flatMap { resolve($0, environment) }
        let fallback = model.provider == .ollama ? Endpoint.ollamaBaseURL : Endpoint.defaultBaseURL(provider)
        var baseURL = configured ?? fallback
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let key = try secret(model, environment: environment)
        // A local OpenAI-compatible server needs no key; the providers' own endpoints always do.
        let official = baseURL == Endpoint.defaultBaseURL(provider)
        if key == nil, official || model.provider == .anthropic || model.provider == .gemini {
            let how =
                model.apiKey.map { source -> String in
                    if case .env(let name) = source { return "set \(name) in the environment" }
                    return "write the key to \(source)"
                } ?? "add `api_key: ${env:NAME}` to the model"
            throw SetupError(
                code: .r511, message: "model `\(model.name)` (\(model.provider.rawValue)) needs an API key: \(how)")
        }
        return Endpoint(
            provider: provider, baseURL: baseURL, apiKey: key.map(Secret.init), keySource: model.apiKey?.description)
    }

    /// A template whose references are all set, filled in; nil when one of them is unset or empty.
    public static func resolve(_ template: Template, _ environment: [String: String]) -> String? {
        var out = ""
        for segment in template.segments {
            switch segment {
            case .text(let text): out += text
            case .input(let name): out += "{\(name)}"
            case .env(let name):
                guard let value = environment[name], !value.isEmpty else { return nil }
                out += value
            case .file(let path):
                guard let value = readSecretFile(path) else { return nil }
                out += value
            }
        }
        return out.isEmpty ? nil : out
    }

    static func secret(_ model: ModelDefinition, environment: [String: String]) throws(SetupError) -> String? {
        switch model.apiKey {
        case .none: return nil
        case .env(let name):
            let value = environment[name]?.trimmingWhitespace()
            return value?.isEmpty == false ? value : nil
        case .file(let path):
            guard let value = readSecretFile(path) else {
                throw SetupError(
                    code: .r512, message: "model `\(model.name)`: the secret file \(path) cannot be read or is empty")
            }
            return value
        }
    }

    /// The longest secret file read: keys and tokens are short; a larger file is not a secret file.
    static let maxSecretFileBytes = 64 << 10

    /// A secret file's text, trimmed: a regular file of at most 64 KiB, opened without waiting, so `${file:}` naming
    /// a FIFO or `/dev/zero` fails at once instead of hanging or filling memory. Links are followed: mounted secrets
    /// (Kubernetes, Docker) are links.
    static func readSecretFile(_ path: String) -> String? {
        guard let bytes = try? ConfinedFolder.readRegular(atPath: path, limit: maxSecretFileBytes) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        return text.isEmpty ? nil : text
    }
}
