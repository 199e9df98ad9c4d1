import CrewCore
import CrewDocuments

/// An LLM endpoint and its settings, shared by the agents that name it.
public struct ModelSpec: Sendable {
    public typealias Provider = ModelProvider

    public var name: Located<String>
    public var provider: Located<Provider>
    public var model: Located<String>
    public var baseURL: Template?
    public var apiKey: SecretRef?
    public var temperature: Located<Double>?
    public var topP: Located<Double>?
    public var maxTokens: Located<Int>?
    /// Request timeout in seconds.
    public var timeout: Located<Double>?
    public var maxRetries: Located<Int>?
    public var rateLimit: RateLimit?
    public var price: Price?
    /// `mock` only: a scripted reply per task name; tasks without one get an echo of their prompt.
    public var replies: [(task: Located<String>, reply: String)] = []
    /// Variables read at run time for the model's name and base URL (a crewAI project's defaults).
    public var environment: ModelEnvironment?
    public var location: SourceLocation

    public init(name: Located<String>, provider: Located<Provider>, model: Located<String>, location: SourceLocation) {
        self.name = name
        self.provider = provider
        self.model = model
        self.location = location
    }

    public struct RateLimit: Sendable {
        public var requestsPerMinute: Int?
        public var tokensPerMinute: Int?
        public init() {}
    }

    /// US dollars per million tokens.
    public struct Price: Sendable {
        public var inputPerMillion: Double
        public var outputPerMillion: Double
        public init(inputPerMillion: Double, outputPerMillion: Double) {
            self.inputPerMillion = inputPerMillion
            self.outputPerMillion = outputPerMillion
        }
    }
}

/// Where a secret is read from at run time. The secret's value is never part of the model.
public enum SecretRef: Sendable, Hashable, CustomStringConvertible {
    case env(String)
    case file(String)

    public var description: String {
        switch self {
        case .env(let name): return "${env:\(name)}"
        case .file(let path): return "${file:\(path)}"
        }
    }
}

/// An embedding endpoint for knowledge bases.
public struct EmbedderSpec: Sendable {
    public typealias Provider = EmbedderProvider

    public var name: Located<String>
    public var provider: Located<Provider>
    public var model: Located<String>
    public var baseURL: Template?
    public var apiKey: SecretRef?
    public var dimensions: Located<Int>?
    public var batchSize: Located<Int>?
    public var location: SourceLocation

    public init(name: Located<String>, provider: Located<Provider>, model: Located<String>, location: SourceLocation) {
        self.name = name
        self.provider = provider
        self.model = model
        self.location = location
    }
}
