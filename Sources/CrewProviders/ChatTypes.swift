import CrewCore

/// One message of a chat request.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// What the executor asks of a model, independent of the provider's wire format.
public struct ChatRequest: Sendable {
    /// The provider's model name (e.g. `gpt-4o-mini`).
    public var model: String
    /// At most one system message, first; then user/assistant turns.
    public var messages: [ChatMessage]
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// When set, the answer must be JSON matching this schema; each provider is asked in its own way.
    public var responseSchema: JSONValue?
    public var stream: Bool

    public init(
        model: String, messages: [ChatMessage], temperature: Double? = nil, topP: Double? = nil,
        maxTokens: Int? = nil, responseSchema: JSONValue? = nil, stream: Bool = true
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.responseSchema = responseSchema
        self.stream = stream
    }
}

/// Token counts as the provider reported them.
public struct TokenUsage: Sendable, Hashable {
    public var input: Int
    public var output: Int

    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }

    public static let zero = TokenUsage(input: 0, output: 0)
}

/// A whole answer.
public struct ChatResponse: Sendable, Hashable {
    /// The answer's text; for structured output, the JSON text.
    public var text: String
    public var usage: TokenUsage?
    /// The provider's own word for why it stopped (`stop`, `end_turn`, `STOP`, `length`, `max_tokens`, ...).
    public var finishReason: String?

    public init(text: String, usage: TokenUsage?, finishReason: String?) {
        self.text = text
        self.usage = usage
        self.finishReason = finishReason
    }
}

/// What a streamed answer yields as it arrives.
public enum StreamEvent: Sendable, Hashable {
    case delta(String)
    case usage(TokenUsage)
    case finish(String?)
}

/// An API key or token. Its text is never printed, logged or encoded: `description` is `***`.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
}

/// Where and how to reach a model. `keySource` names where the key came from (`OPENAI_API_KEY`), for messages.
public struct Endpoint: Sendable {
    public enum Provider: String, Sendable, CaseIterable {
        case openai, anthropic, gemini
    }

    public var provider: Provider
    /// Without a trailing slash, e.g. `https://api.openai.com/v1`, `https://api.anthropic.com`,
    /// `https://generativelanguage.googleapis.com`.
    public var baseURL: String
    public var apiKey: Secret?
    public var keySource: String?

    public init(provider: Provider, baseURL: String, apiKey: Secret?, keySource: String?) {
        self.provider = provider
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.keySource = keySource
    }

    public static func defaultBaseURL(_ provider: Provider) -> String {
        switch provider {
        case .openai: return "https://api.openai.com/v1"
        case .anthropic: return "https://api.anthropic.com"
        case .gemini: return "https://generativelanguage.googleapis.com"
        }
    }
}

/// An HTTP request, ready to send.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// Why a request failed. `isRetryable` says whether trying again can help.
public enum ProviderError: Error, Sendable, Hashable {
    /// An HTTP error status, with the provider's own error message and its Retry-After in seconds.
    case http(status: Int, message: String, retryAfter: Double?)
    case connection(String)
    case timeout
    /// The answer could not be read (bad JSON, missing fields).
    case malformed(String)
    /// The stream ended before the provider said it was done.
    case streamCut
    case cancelled

    public var isRetryable: Bool {
        switch self {
        case .http(let status, _, _): return status == 408 || status == 409 || status == 429 || status >= 500
        case .connection, .timeout, .streamCut, .malformed: return true
        case .cancelled: return false
        }
    }
}
