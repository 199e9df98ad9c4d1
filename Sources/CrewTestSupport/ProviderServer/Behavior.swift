import CrewCore
import Foundation

/// What the test server does with one request. Scripts return one of these per request, so a test can make the
/// third call fail, every call slow, or one call hang, and watch how the client copes.
public indirect enum Behavior: Sendable {
    /// A normal answer in the provider's format. A nil `text` answers `"echo: " + lastUserText`; nil token counts
    /// are word counts (input: the system text plus the last user text; output: the answer text).
    case reply(text: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil)
    /// A structured answer. OpenAI: the message content is the JSON text. Anthropic: a `tool_use` block named
    /// `output` whose input is this value. Gemini: the JSON text in a part. Embeddings: this value is the whole body.
    case replyJSON(JSONValue)
    /// A turn that asks for tool calls, after `text` if given, in the provider's format: OpenAI `tool_calls`
    /// (finish reason `tool_calls`), Anthropic `tool_use` blocks (stop reason `tool_use`), Gemini `functionCall`
    /// parts (`STOP`). Streams send each call's arguments in up to three fragments, or fragments of the call's
    /// `fragmentSize` (OpenAI, Anthropic), or each call whole in a chunk of its own (Gemini). Anthropic and Gemini
    /// carry arguments as a JSON object, so there arguments that are not a JSON object reach the client whole only
    /// in an Anthropic stream; elsewhere they are sent as `{}`. Output tokens default to the words of the text and
    /// the arguments.
    case toolCalls([ScriptedToolCall], text: String? = nil)
    /// Waits on the event loop's timer (never blocking it), then behaves as `then`.
    case delay(seconds: Double, then: Behavior)
    /// Sends each streamed event `seconds` after the previous one, so a client can watch chunks arrive one by one.
    /// Non-streaming answers are unaffected.
    case paced(seconds: Double, then: Behavior)
    /// An error status with the provider's own error body. A nil `message` uses a message like the provider's for
    /// that status. `retryAfter` becomes a `Retry-After` header.
    case status(Int, message: String? = nil, retryAfter: String? = nil)
    /// Reads the request and never answers, until the client closes the connection or the server shuts down.
    case hang
    /// The answer `of` (`reply`, `replyJSON` or `toolCalls`), cut short. Streaming: the status line, headers, the
    /// stream's opening events and `afterChunks` content events, then the connection closes without the end marker
    /// (and without the final empty HTTP chunk). Content events are text pieces and, for tool calls, every event of
    /// a call (OpenAI: its opening chunk and each argument fragment; Anthropic: block start, each fragment, block
    /// stop; Gemini: the chunk with the call), so a cut can fall in the middle of a call. Non-streaming: headers
    /// with the full Content-Length, half the body, then a close.
    case cutStream(afterChunks: Int, of: Behavior = .reply())
    /// Status 200 with a body that is not valid JSON (the normal body cut in half). Streaming: the first content
    /// event's data is cut in half; the rest of the stream, end marker included, follows normally.
    case malformedJSON
    /// Closes the TCP connection without sending a byte.
    case closeConnection
    /// The answer `of` without end: the head and opening events, then its content events over and over (a whole
    /// body: the body over and over, chunked, with no length), until the client closes the connection. Each write
    /// waits until the one before is on the socket, so a client that stops reading stops the server.
    case endless(of: Behavior = .reply())
    /// A stream's head, then an SSE comment (`: keep-alive`) every `seconds`, without end and without an event.
    case keepAlive(every: Double)
    /// A stream's head, then `data: ` and `x` without end: an SSE line that never ends.
    case endlessLine
    /// The answer `of`, one byte every `seconds` (the head at once), then its end as usual.
    case trickle(every: Double, of: Behavior = .reply())
    /// The answer `of` streamed whole, its end mark included, then neither the final empty HTTP chunk nor a close:
    /// the response stays open until the client closes the connection. The answer is complete at its end mark.
    case lingering(of: Behavior = .reply())
    /// The answer `of` whole, with a Content-Length, even to a request that asked for a stream: a provider or proxy
    /// that ignores `stream`.
    case unstreamed(of: Behavior = .reply())
}

/// The API family a request was addressed to, judged from its path.
public enum ProviderKind: String, Sendable, Hashable, CaseIterable {
    case openai
    case anthropic
    case gemini
    case unknown
}

/// The endpoint a request was addressed to; picks the response format.
enum Route: Sendable, Hashable {
    case openAIChat
    case openAIEmbeddings
    case anthropicMessages
    case gemini(model: String, streaming: Bool)
    case unknown

    /// Routes by path (query string ignored) so any prefix works: `/v1/chat/completions`, `/openai/chat/completions`.
    init(method: String, path: String) {
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        guard method == "POST" else {
            self = .unknown
            return
        }
        if bare.hasSuffix("/chat/completions") {
            self = .openAIChat
        } else if bare.hasSuffix("/embeddings") {
            self = .openAIEmbeddings
        } else if bare.hasSuffix("/v1/messages") {
            self = .anthropicMessages
        } else if let model = Route.geminiModel(bare, action: ":generateContent") {
            self = .gemini(model: model, streaming: false)
        } else if let model = Route.geminiModel(bare, action: ":streamGenerateContent") {
            self = .gemini(model: model, streaming: true)
        } else {
            self = .unknown
        }
    }

    /// The `{model}` of `.../models/{model}:action`, when the path ends that way.
    private static func geminiModel(_ path: String, action: String) -> String? {
        guard path.hasSuffix(action), let range = path.range(of: "/models/", options: .backwards) else { return nil }
        let model = path[range.upperBound...].dropLast(action.count)
        return model.isEmpty ? nil : String(model)
    }

    var provider: ProviderKind {
        switch self {
        case .openAIChat, .openAIEmbeddings: .openai
        case .anthropicMessages: .anthropic
        case .gemini: .gemini
        case .unknown: .unknown
        }
    }
}
