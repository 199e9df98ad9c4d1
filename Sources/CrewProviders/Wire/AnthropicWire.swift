import CrewCore

/// Anthropic's Messages API. Structured output is asked for as a forced call of a single tool named `output`, whose
/// input is the answer: the API has no other portable way to constrain the shape of a reply.
///
/// Streamed usage comes in two parts: `message_start` reports input tokens (and a first output count), the last
/// `message_delta` the final output tokens (and, in recent API versions and gateways, the input tokens too; else 0).
/// This parser has no state between events, so the reader must merge `.usage` events field by field, keeping the
/// largest value of each (every count is cumulative), rather than keep only the last one.
public struct AnthropicWire: WireFormat {
    /// Anthropic requires `max_tokens`; this is sent when the request sets none.
    public static let defaultMaxTokens = 4096
    public static let apiVersion = "2023-06-01"
    static let toolName = "output"

    public init() {}

    public func request(_ chat: ChatRequest, endpoint: Endpoint) -> HTTPRequestSpec {
        var headers: [(name: String, value: String)] = []
        if let key = WireSupport.key(endpoint) { headers.append(("x-api-key", key)) }
        headers.append(("anthropic-version", Self.apiVersion))
        headers.append(("content-type", "application/json"))
        return HTTPRequestSpec(
            method: "POST", url: WireSupport.url(endpoint.baseURL, "/v1/messages"), headers: headers,
            body: WireSupport.encode(body(chat)))
    }

    func body(_ chat: ChatRequest) -> JSONValue {
        let system = chat.messages.filter { $0.role == .system }.map(\.content)
        let turns = chat.messages.filter { $0.role != .system }.map { message -> JSONValue in
            .object(["role": .string(message.role.rawValue), "content": .string(message.content)])
        }
        return .object(dropping: [
            ("model", .string(chat.model)),
            ("max_tokens", .int(chat.maxTokens ?? Self.defaultMaxTokens)),
            ("system", system.isEmpty ? nil : .string(system.joined(separator: "\n\n"))),
            ("messages", .array(turns)),
            ("temperature", chat.temperature.map(JSONValue.double)),
            ("top_p", chat.topP.map(JSONValue.double)),
            ("stream", chat.stream ? .bool(true) : nil),
            ("tools", chat.responseSchema.map { .array([Self.tool($0)]) }),
            (
                "tool_choice",
                chat.responseSchema.map { _ in .object(["type": .string("tool"), "name": .string(Self.toolName)]) }
            ),
        ])
    }

    static func tool(_ schema: JSONValue) -> JSONValue {
        .object([
            "name": .string(toolName),
            "description": .string("Return the final answer in this shape."),
            "input_schema": schema,
        ])
    }

    /// Text blocks are concatenated; a call of the `output` tool is the answer, its input serialized as JSON text.
    public func parseResponse(_ body: [UInt8]) throws(ProviderError) -> ChatResponse {
        let json = try WireSupport.object(body, "the response")
        if json["type"]?.stringValue == "error" { throw Self.streamError(json) }
        guard let blocks = json["content"]?.arrayValue else { throw .malformed("the response has no content array") }
        return ChatResponse(
            text: try Self.answer(blocks),
            usage: try Self.usage(json["usage"], "usage"),
            finishReason: try WireSupport.string(json["stop_reason"], "stop_reason"))
    }

    static func answer(_ blocks: [JSONValue]) throws(ProviderError) -> String {
        var text = ""
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                guard let piece = block["text"]?.stringValue else { throw .malformed("a text block has no text") }
                text += piece
            case "tool_use":
                return try toolInput(block)
            case nil: throw .malformed("a content block has no type")
            default: continue  // thinking and future block types carry no answer text
            }
        }
        return text
    }

    static func toolInput(_ block: JSONValue) throws(ProviderError) -> String {
        let name = block["name"]?.stringValue ?? ""
        guard name == toolName else { throw .malformed("the model called an unknown tool `\(name)`") }
        guard let input = block["input"], input.objectValue != nil else {
            throw .malformed("the `output` tool call has no input object")
        }
        return input.serialized()
    }

    static func usage(_ value: JSONValue?, _ what: String) throws(ProviderError) -> TokenUsage? {
        guard let value, value != .null else { return nil }
        guard value.objectValue != nil else { throw .malformed("`\(what)` is not an object") }
        let input = try WireSupport.int(value["input_tokens"], "\(what).input_tokens")
        let output = try WireSupport.int(value["output_tokens"], "\(what).output_tokens")
        guard input != nil || output != nil else { throw .malformed("`\(what)` has no token counts") }
        return TokenUsage(input: input ?? 0, output: output ?? 0)
    }

    /// Unknown event types are ignored, as Anthropic asks of clients; `ping` and `content_block_stop` carry nothing.
    public func parseStreamEvent(_ event: SSEEvent) throws(ProviderError) -> StreamStep {
        let json = try WireSupport.object(Array(event.data.utf8), "a stream event")
        guard let type = json["type"]?.stringValue ?? event.event else {
            throw .malformed("a stream event has no type")
        }
        switch type {
        case "message_start":
            guard let message = json["message"], message.objectValue != nil else {
                throw .malformed("message_start has no message")
            }
            return Self.step(try Self.usage(message["usage"], "message.usage").map { [.usage($0)] } ?? [])
        case "content_block_start": return Self.step(try Self.blockStart(json))
        case "content_block_delta": return Self.step(try Self.blockDelta(json))
        case "message_delta": return Self.step(try Self.messageDelta(json))
        case "message_stop": return StreamStep(events: [], done: true)
        case "error": throw Self.streamError(json)
        default: return Self.step([])
        }
    }

    static func step(_ events: [StreamEvent]) -> StreamStep {
        StreamStep(events: events, done: false)
    }

    /// A text block may start with text (it is normally empty); a tool_use block starts with an empty input.
    static func blockStart(_ json: JSONValue) throws(ProviderError) -> [StreamEvent] {
        guard let block = json["content_block"], block.objectValue != nil else {
            throw .malformed("content_block_start has no content_block")
        }
        guard block["type"]?.stringValue == "text" else { return [] }
        let text = try WireSupport.string(block["text"], "content_block.text") ?? ""
        return text.isEmpty ? [] : [.delta(text)]
    }

    /// Text deltas, and the JSON answer's fragments (`input_json_delta`) which concatenate to the tool's input.
    static func blockDelta(_ json: JSONValue) throws(ProviderError) -> [StreamEvent] {
        guard let delta = json["delta"], delta.objectValue != nil else {
            throw .malformed("content_block_delta has no delta")
        }
        let text: String?
        switch delta["type"]?.stringValue {
        case "text_delta": text = try WireSupport.string(delta["text"], "delta.text")
        case "input_json_delta": text = try WireSupport.string(delta["partial_json"], "delta.partial_json")
        default: return []  // thinking_delta, signature_delta and future kinds are not answer text
        }
        guard let text else { throw .malformed("a content_block_delta has no text") }
        return text.isEmpty ? [] : [.delta(text)]
    }

    static func messageDelta(_ json: JSONValue) throws(ProviderError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        if let reason = try WireSupport.string(json["delta"]?["stop_reason"], "delta.stop_reason") {
            events.append(.finish(reason))
        }
        if let usage = try usage(json["usage"], "usage") { events.append(.usage(usage)) }
        return events
    }

    /// An `error` event or body. Mid-stream errors are transient (overloaded, API error), so the status is one
    /// that is retried: 529 for `overloaded_error`, 500 otherwise.
    static func streamError(_ json: JSONValue) -> ProviderError {
        let type = json["error"]?["type"]?.stringValue
        let message = json["error"]?["message"]?.stringValue ?? type ?? "unknown error"
        return .http(status: type == "overloaded_error" ? 529 : 500, message: message, retryAfter: nil)
    }

    public func errorMessage(_ body: [UInt8]) -> String? {
        WireSupport.errorMessage(body)
    }
}
