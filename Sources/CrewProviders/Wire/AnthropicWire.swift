import CrewCore

/// Anthropic's Messages API. Structured output is asked for as a forced call of a single tool named `output`, whose
/// input is the answer: the API has no other portable way to constrain the shape of a reply. The name `output` is
/// therefore reserved: a call of it is always read as the answer, never as a call of a user's tool.
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

    /// Its stream parser reports the answer tool's call like any other, since an argument piece carries only its block
    /// index; the stream reader, which sees the name first, turns the call's pieces into answer text.
    public var answerTool: String? { Self.toolName }

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
        var tools = chat.tools.map(Self.userTool)
        if let schema = chat.responseSchema { tools.append(Self.tool(schema)) }
        return .object(dropping: [
            ("model", .string(chat.model)),
            ("max_tokens", .int(chat.maxTokens ?? Self.defaultMaxTokens)),
            ("system", system.isEmpty ? nil : .string(system.joined(separator: "\n\n"))),
            ("messages", .array(Self.turns(chat.messages.filter { $0.role != .system }))),
            ("temperature", chat.temperature.map(JSONValue.double)),
            ("top_p", chat.topP.map(JSONValue.double)),
            ("stream", chat.stream ? .bool(true) : nil),
            ("tools", tools.isEmpty ? nil : .array(tools)),
            ("tool_choice", Self.toolChoice(chat)),
        ])
    }

    /// A schema forces the `output` tool whatever `toolChoice` says: the user's tools are still sent, because the
    /// API refuses `tool_use` and `tool_result` blocks in the history of a request that defines no tools.
    static func toolChoice(_ chat: ChatRequest) -> JSONValue? {
        if chat.responseSchema != nil {
            return .object(["type": .string("tool"), "name": .string(toolName)])
        }
        return chat.tools.isEmpty ? nil : .object(["type": .string(chat.toolChoice.rawValue)])
    }

    static func tool(_ schema: JSONValue) -> JSONValue {
        .object([
            "name": .string(toolName),
            "description": .string("Return the final answer in this shape."),
            "input_schema": schema,
        ])
    }

    static func userTool(_ tool: ToolDefinition) -> JSONValue {
        .object([
            "name": .string(tool.name), "description": .string(tool.description), "input_schema": tool.inputSchema,
        ])
    }

    /// The conversation as alternating turns: consecutive `tool` messages become one user turn of `tool_result`
    /// blocks, and a user message right after them joins that turn, after the results (the API wants the results
    /// first in the turn that follows the calls).
    static func turns(_ messages: [ChatMessage]) -> [JSONValue] {
        var turns: [JSONValue] = []
        var results: [JSONValue] = []
        for message in messages {
            if message.role == .tool {
                results.append(resultBlock(message))
                continue
            }
            if !results.isEmpty {
                var blocks = results
                results = []
                if message.role == .user {
                    if !message.content.isEmpty { blocks.append(textBlock(message.content)) }
                    turns.append(userTurn(blocks))
                    continue
                }
                turns.append(userTurn(blocks))
            }
            turns.append(turn(message))
        }
        if !results.isEmpty { turns.append(userTurn(results)) }
        return turns
    }

    static func turn(_ message: ChatMessage) -> JSONValue {
        guard message.role == .assistant, !message.toolCalls.isEmpty else {
            return .object(["role": .string(message.role.rawValue), "content": .string(message.content)])
        }
        // The API rejects empty text blocks.
        let text = message.content.isEmpty ? [] : [textBlock(message.content)]
        return .object(["role": .string("assistant"), "content": .array(text + message.toolCalls.map(toolUseBlock))])
    }

    static func userTurn(_ blocks: [JSONValue]) -> JSONValue {
        .object(["role": .string("user"), "content": .array(blocks)])
    }

    static func textBlock(_ text: String) -> JSONValue {
        .object(["type": .string("text"), "text": .string(text)])
    }

    /// `input` must be an object: arguments that are not a JSON object (the model's own mistake, already reported
    /// back to it in the call's result) are sent as `{}`.
    static func toolUseBlock(_ call: ToolCall) -> JSONValue {
        let parsed = try? JSONParser.parse(call.arguments)
        return .object([
            "type": .string("tool_use"), "id": .string(call.id), "name": .string(call.name),
            "input": parsed?.objectValue != nil ? parsed ?? .object([:]) : .object([:]),
        ])
    }

    static func resultBlock(_ message: ChatMessage) -> JSONValue {
        .object(dropping: [
            ("type", .string("tool_result")), ("tool_use_id", .string(message.toolResult?.callID ?? "")),
            ("content", .string(message.content)),
            ("is_error", message.toolResult?.isError == true ? .bool(true) : nil),
        ])
    }

    /// Text blocks are concatenated; a call of the `output` tool is the answer, its input serialized as JSON text,
    /// and any other `tool_use` block is a tool call.
    public func parseResponse(_ body: [UInt8]) throws(ProviderError) -> ChatResponse {
        let json = try WireSupport.object(body, "the response")
        if json["type"]?.stringValue == "error" { throw Self.streamError(json) }
        guard let blocks = json["content"]?.arrayValue else { throw .malformed("the response has no content array") }
        let content = try Self.content(blocks)
        return ChatResponse(
            text: content.text,
            usage: try Self.usage(json["usage"], "usage"),
            finishReason: try WireSupport.string(json["stop_reason"], "stop_reason"),
            toolCalls: content.calls)
    }

    static func content(_ blocks: [JSONValue]) throws(ProviderError) -> (text: String, calls: [ToolCall]) {
        var text = ""
        var answer: String?
        var calls: [ToolCall] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                guard let piece = block["text"]?.stringValue else { throw .malformed("a text block has no text") }
                text += piece
            case "tool_use" where block["name"]?.stringValue == toolName:
                if answer == nil { answer = try toolInput(block) }
            case "tool_use":
                calls.append(try toolCall(block))
            case nil: throw .malformed("a content block has no type")
            default: continue  // thinking and future block types carry no answer text
            }
        }
        return (answer ?? text, calls)
    }

    static func toolInput(_ block: JSONValue) throws(ProviderError) -> String {
        guard let input = block["input"], input.objectValue != nil else {
            throw .malformed("the `output` tool call has no input object")
        }
        return input.serialized()
    }

    static func toolCall(_ block: JSONValue) throws(ProviderError) -> ToolCall {
        guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
            throw .malformed("a tool_use block lacks a string id or name")
        }
        return ToolCall(id: id, name: name, arguments: (block["input"] ?? .object([:])).serialized())
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
        let json = try WireSupport.object(event.dataBytes, "a stream event")
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

    /// A text block may start with text (it is normally empty). A tool_use block starts a call: its id and name
    /// now, its input in `input_json_delta` pieces (the `input` here is normally `{}`; a gateway that sends it
    /// whole instead is read as the first piece). The `output` call is told apart by the reader, from its name.
    static func blockStart(_ json: JSONValue) throws(ProviderError) -> [StreamEvent] {
        guard let block = json["content_block"], block.objectValue != nil else {
            throw .malformed("content_block_start has no content_block")
        }
        switch block["type"]?.stringValue {
        case "text":
            let text = try WireSupport.string(block["text"], "content_block.text") ?? ""
            return text.isEmpty ? [] : [.delta(text)]
        case "tool_use":
            let index = try blockIndex(json)
            guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                throw .malformed("a tool_use block lacks a string id or name")
            }
            let input = block["input"]?.objectValue?.isEmpty == false ? block["input"]?.serialized() ?? "" : ""
            return [.toolCallDelta(index: index, id: id, name: name, arguments: input)]
        default:
            return []
        }
    }

    /// Text deltas, and a call's input fragments (`input_json_delta`), which concatenate to its JSON input.
    static func blockDelta(_ json: JSONValue) throws(ProviderError) -> [StreamEvent] {
        guard let delta = json["delta"], delta.objectValue != nil else {
            throw .malformed("content_block_delta has no delta")
        }
        switch delta["type"]?.stringValue {
        case "text_delta":
            guard let text = try WireSupport.string(delta["text"], "delta.text") else {
                throw .malformed("a content_block_delta has no text")
            }
            return text.isEmpty ? [] : [.delta(text)]
        case "input_json_delta":
            guard let piece = try WireSupport.string(delta["partial_json"], "delta.partial_json") else {
                throw .malformed("an input_json_delta has no partial_json")
            }
            let index = try blockIndex(json)
            return piece.isEmpty ? [] : [.toolCallDelta(index: index, id: nil, name: nil, arguments: piece)]
        default:
            return []  // thinking_delta, signature_delta and future kinds are not answer text
        }
    }

    static func blockIndex(_ json: JSONValue) throws(ProviderError) -> Int {
        guard let index = try WireSupport.int(json["index"], "index") else {
            throw .malformed("a tool_use stream event has no index")
        }
        return index
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
