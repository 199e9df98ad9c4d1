import CrewCore

/// One message of a chat request.
///
/// Tool calling adds two shapes: an `assistant` message may carry `toolCalls` (its text may then be empty), and a
/// `tool` message carries one call's result in `content`, with `toolResult` naming the call it answers. Consecutive
/// `tool` messages answer the calls of the assistant message before them; each wire format groups them as its API
/// wants (OpenAI: one `tool` message each; Anthropic: `tool_result` blocks in one user turn; Gemini:
/// `functionResponse` parts in one turn).
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable {
        case system, user, assistant, tool
    }

    public var role: Role
    public var content: String
    /// `assistant` only: the calls the model asked for, in its order.
    public var toolCalls: [ToolCall]
    /// `tool` only: which call this result answers.
    public var toolResult: ToolResultInfo?

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
        self.toolCalls = []
        self.toolResult = nil
    }

    /// An assistant turn that asks for tool calls.
    public static func assistant(_ text: String, calls: [ToolCall]) -> ChatMessage {
        var message = ChatMessage(.assistant, text)
        message.toolCalls = calls
        return message
    }

    /// The result of one tool call, as the model will read it.
    public static func toolResult(for call: ToolCall, content: String, isError: Bool) -> ChatMessage {
        var message = ChatMessage(.tool, content)
        message.toolResult = ToolResultInfo(callID: call.id, name: call.name, isError: isError)
        return message
    }
}

/// A model's request to call a tool.
public struct ToolCall: Sendable, Hashable {
    /// The provider's id for the call (OpenAI `call_...`, Anthropic `toolu_...`); Gemini may give none, and the
    /// client then assigns `call_1`, `call_2`, ... so results can always be matched to calls.
    public var id: String
    public var name: String
    /// The arguments as JSON text, exactly as the model wrote them: it may be invalid JSON, which the tool
    /// runner reports back to the model instead of failing.
    public var arguments: String
    /// Opaque data the provider attached to the call and wants back with it in the history (Gemini's
    /// `thoughtSignature`); nil for most calls.
    public var signature: String?

    public init(id: String, name: String, arguments: String, signature: String? = nil) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.signature = signature
    }
}

/// Which call a `tool` message answers.
public struct ToolResultInfo: Sendable, Hashable {
    public var callID: String
    /// The tool's name (Gemini matches results to calls by name).
    public var name: String
    /// The call failed; the content says why (Anthropic `is_error`; Gemini `{"error": ...}`).
    public var isError: Bool

    public init(callID: String, name: String, isError: Bool) {
        self.callID = callID
        self.name = name
        self.isError = isError
    }
}

/// A tool offered to the model (the same description the tools themselves give).
public typealias ToolDefinition = ToolDescriptor

/// Whether the model may call tools in this turn. `none` still sends the definitions (some APIs refuse tool
/// history without them) but asks for a final answer.
public enum ToolChoice: String, Sendable, Hashable {
    case auto, none
}

/// What the executor asks of a model, independent of the provider's wire format.
public struct ChatRequest: Sendable {
    /// The provider's model name (e.g. `gpt-4o-mini`).
    public var model: String
    /// At most one system message, first; then user/assistant/tool turns.
    public var messages: [ChatMessage]
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// When set, the answer must be JSON matching this schema; each provider is asked in its own way.
    public var responseSchema: JSONValue?
    public var stream: Bool
    /// Tools the model may call; empty for a plain answer.
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice

    public init(
        model: String, messages: [ChatMessage], temperature: Double? = nil, topP: Double? = nil,
        maxTokens: Int? = nil, responseSchema: JSONValue? = nil, stream: Bool = true, tools: [ToolDefinition] = [],
        toolChoice: ToolChoice = .auto
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.responseSchema = responseSchema
        self.stream = stream
        self.tools = tools
        self.toolChoice = toolChoice
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
    /// Tools the model asks to call, in its order; empty for a final answer.
    public var toolCalls: [ToolCall]

    public init(text: String, usage: TokenUsage?, finishReason: String?, toolCalls: [ToolCall] = []) {
        self.text = text
        self.usage = usage
        self.finishReason = finishReason
        self.toolCalls = toolCalls
    }
}

/// What a streamed answer yields as it arrives.
public enum StreamEvent: Sendable, Hashable {
    case delta(String)
    case usage(TokenUsage)
    case finish(String?)
    /// A piece of a streamed tool call (OpenAI `delta.tool_calls[i]`, Anthropic `tool_use` block `i`): the first
    /// piece of call `index` has its id and name, later ones only argument text, to be concatenated in order.
    case toolCallDelta(index: Int, id: String?, name: String?, arguments: String)
    /// A tool call that arrives whole (Gemini `functionCall`); it follows any calls assembled from deltas.
    case toolCall(ToolCall)
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

    /// Ollama's OpenAI-compatible endpoint on this machine: the default for `provider: ollama` models and embedders.
    public static let ollamaBaseURL = "http://localhost:11434/v1"

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
    /// The answer outgrew a bound of `ProviderLimits` (`limit` bytes); `bound.message(limit:)` says which.
    case tooLarge(SizeBound, limit: Int)
    /// A replayed run's request that its cassette does not hold: what to say, with the closest recorded request.
    case notRecorded(String)

    /// `tooLarge` is not retried: the same request most likely runs away again (a model repeating itself to no end,
    /// a hostile server), and each attempt would again cost the whole limit in transfer, memory and tokens.
    public var isRetryable: Bool {
        switch self {
        case .http(let status, _, _): return status == 408 || status == 409 || status == 429 || status >= 500
        case .connection, .timeout, .streamCut, .malformed: return true
        case .cancelled, .tooLarge, .notRecorded: return false
        }
    }
}

/// Plain words for places that print the error as it is (a knowledge build's embeddings); a run's failures go
/// through the runtime's `FailureText`, which also removes secrets.
extension ProviderError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .http(let status, let message, _): return "HTTP \(status): \(message)"
        case .connection(let detail): return "connection failed: \(detail)"
        case .timeout: return "no answer in time (timeout)"
        case .malformed(let detail): return "the answer could not be read: \(detail)"
        case .streamCut: return "the answer's stream was cut off before its end"
        case .cancelled: return "cancelled"
        case .tooLarge(let bound, let limit): return bound.message(limit: limit)
        case .notRecorded(let message): return message
        }
    }
}
