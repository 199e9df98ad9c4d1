import CrewCore

/// OpenAI's Chat Completions format. Ollama, vLLM, llama.cpp and most gateways speak it too, so only widely
/// supported fields are sent, and the key header is left out when there is no key (local servers need none).
public struct OpenAIWire: WireFormat {
    public init() {}

    public func request(_ chat: ChatRequest, endpoint: Endpoint) -> HTTPRequestSpec {
        var headers: [(name: String, value: String)] = []
        if let key = WireSupport.key(endpoint) { headers.append(("Authorization", "Bearer \(key)")) }
        headers.append(("Content-Type", "application/json"))
        if chat.stream { headers.append(("Accept", "text/event-stream")) }
        return HTTPRequestSpec(
            method: "POST", url: WireSupport.url(endpoint.baseURL, "/chat/completions"), headers: headers,
            body: WireSupport.encode(body(chat)))
    }

    func body(_ chat: ChatRequest) -> JSONValue {
        let tools = chat.tools.isEmpty ? nil : JSONValue.array(chat.tools.map(Self.tool))
        return .object(dropping: [
            ("model", .string(chat.model)),
            ("messages", .array(chat.messages.map(Self.message))),
            ("temperature", chat.temperature.map(JSONValue.double)),
            ("top_p", chat.topP.map(JSONValue.double)),
            ("max_tokens", chat.maxTokens.map(JSONValue.int)),
            ("stream", chat.stream ? .bool(true) : nil),
            ("stream_options", chat.stream ? .object(["include_usage": .bool(true)]) : nil),
            ("response_format", chat.responseSchema.map(Self.responseFormat)),
            ("tools", tools),
            // Some compatible servers reject `tool_choice` without `tools`.
            ("tool_choice", tools.map { _ in .string(chat.toolChoice.rawValue) }),
        ])
    }

    static func message(_ message: ChatMessage) -> JSONValue {
        switch message.role {
        case .assistant where !message.toolCalls.isEmpty:
            return .object([
                "role": .string("assistant"),
                "content": message.content.isEmpty ? .null : .string(message.content),
                "tool_calls": .array(message.toolCalls.map(call)),
            ])
        case .tool:
            return .object([
                "role": .string("tool"), "tool_call_id": .string(message.toolResult?.callID ?? ""),
                "content": .string(resultText(message)),
            ])
        default:
            return .object(["role": .string(message.role.rawValue), "content": .string(message.content)])
        }
    }

    static func call(_ call: ToolCall) -> JSONValue {
        .object([
            "id": .string(call.id), "type": .string("function"),
            "function": .object(["name": .string(call.name), "arguments": .string(call.arguments)]),
        ])
    }

    /// The format has no error flag on tool results, so the text says it.
    static func resultText(_ message: ChatMessage) -> String {
        message.toolResult?.isError == true ? "Error: " + message.content : message.content
    }

    static func tool(_ tool: ToolDefinition) -> JSONValue {
        .object([
            "type": .string("function"),
            "function": .object([
                "name": .string(tool.name), "description": .string(tool.description), "parameters": tool.inputSchema,
            ]),
        ])
    }

    /// `strict: false`: strict mode demands `additionalProperties: false` and every property required, which
    /// arbitrary user schemas do not satisfy; the executor validates the answer itself.
    static func responseFormat(_ schema: JSONValue) -> JSONValue {
        .object([
            "type": .string("json_schema"),
            "json_schema": .object(["name": .string("output"), "schema": schema, "strict": .bool(false)]),
        ])
    }

    public func parseResponse(_ body: [UInt8]) throws(ProviderError) -> ChatResponse {
        let json = try WireSupport.object(body, "the response")
        try Self.throwIfError(json)
        guard let choice = try Self.choices(json).first else { throw .malformed("the response has no choices") }
        guard let message = choice["message"], message.objectValue != nil else {
            throw .malformed("choices[0] has no message object")
        }
        // Whole calls are taken in order, whatever their `index` says (some servers repeat 0).
        var calls = ToolCallAssembler()
        for (position, item) in try Self.toolCalls(message["tool_calls"], "choices[0].message").enumerated() {
            let piece = try Self.callPiece(item, position: position)
            calls.add(ToolCall(id: piece.id ?? "", name: piece.name ?? "", arguments: piece.arguments))
        }
        return ChatResponse(
            text: try WireSupport.string(message["content"], "choices[0].message.content") ?? "",
            usage: try Self.usage(json["usage"]),
            finishReason: try WireSupport.string(choice["finish_reason"], "choices[0].finish_reason"),
            toolCalls: calls.finish())
    }

    static func toolCalls(_ value: JSONValue?, _ what: String) throws(ProviderError) -> [JSONValue] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw .malformed("`\(what).tool_calls` is not an array") }
        return items
    }

    /// One entry of `tool_calls`, whole or a streamed piece. Ollama and some servers omit `index` (the position
    /// stands in) or send `arguments` as an object (serialized here, so it reads like OpenAI's text).
    static func callPiece(_ item: JSONValue, position: Int) throws(ProviderError) -> (
        index: Int, id: String?, name: String?, arguments: String
    ) {
        guard item.objectValue != nil else { throw .malformed("a tool call is not an object") }
        let function = item["function"] ?? .null
        guard function == .null || function.objectValue != nil else {
            throw .malformed("a tool call's `function` is not an object")
        }
        let arguments: String
        switch function["arguments"] {
        case nil, .null: arguments = ""
        case .string(let text): arguments = text
        case let other?: arguments = other.serialized()
        }
        return (
            try WireSupport.int(item["index"], "tool_calls[].index") ?? position,
            try WireSupport.string(item["id"], "tool_calls[].id"),
            try WireSupport.string(function["name"], "tool_calls[].function.name"), arguments
        )
    }

    /// A chunk yields its text, then its finish reason, then its usage (the last chunk, with `include_usage`).
    /// Only `[DONE]` ends the stream: the usage chunk comes after the one with the finish reason.
    public func parseStreamEvent(_ event: SSEEvent) throws(ProviderError) -> StreamStep {
        if event.dataBytes.elementsEqual("[DONE]".utf8) { return StreamStep(events: [], done: true) }
        let chunk = try StreamChunk(event.dataBytes)
        try Self.throwIfError(chunk.error)
        var events: [StreamEvent] = []
        if chunk.choicesIsNotAnArray { throw .malformed("`choices` is not an array") }
        if let choice = chunk.firstChoice {
            let text = try WireSupport.string(choice.content, "choices[0].delta.content")
            if let text, !text.isEmpty { events.append(.delta(text)) }
            for (position, item) in try Self.toolCalls(choice.toolCalls, "delta").enumerated() {
                let piece = try Self.callPiece(item, position: position)
                events.append(
                    .toolCallDelta(index: piece.index, id: piece.id, name: piece.name, arguments: piece.arguments))
            }
            let reason = try WireSupport.string(choice.finishReason, "choices[0].finish_reason")
            if let reason { events.append(.finish(reason)) }
        }
        if let usage = try Self.usage(chunk.usage) { events.append(.usage(usage)) }
        return StreamStep(events: events, done: false)
    }

    public func errorMessage(_ body: [UInt8]) -> String? {
        WireSupport.errorMessage(body)
    }

    /// `choices` may be absent or empty (the usage chunk, Azure's content-filter chunk), but not another type.
    static func choices(_ json: JSONValue) throws(ProviderError) -> [JSONValue] {
        guard let choices = json["choices"], choices != .null else { return [] }
        guard let items = choices.arrayValue else { throw .malformed("`choices` is not an array") }
        return items
    }

    static func usage(_ value: JSONValue?) throws(ProviderError) -> TokenUsage? {
        guard let value, value != .null else { return nil }
        guard let input = value["prompt_tokens"]?.intValue, let output = value["completion_tokens"]?.intValue else {
            throw .malformed("`usage` lacks integer prompt_tokens and completion_tokens")
        }
        return TokenUsage(input: input, output: output)
    }

    /// An error object inside a 200 answer (some servers report failures mid-stream this way). Its `code` is used as
    /// the status when it is an HTTP status (OpenRouter); otherwise 500, so that it is retried.
    static func throwIfError(_ json: JSONValue) throws(ProviderError) {
        try throwIfError(json["error"])
    }

    /// The same, given the `error` member itself.
    static func throwIfError(_ error: JSONValue?) throws(ProviderError) {
        guard let error, error != .null else { return }
        let code = error["code"]?.intValue ?? 0
        throw .http(
            status: (400...599).contains(code) ? code : 500,
            message: error["message"]?.stringValue ?? error.stringValue ?? "unknown error", retryAfter: nil)
    }
}

/// What the three wire formats share: JSON in and out, typed field reads, URLs, the key.
enum WireSupport {
    /// Parses `bytes` as a JSON object. The message says what was wrong but quotes nothing of the body.
    /// `keeping`: the top-level members the caller reads (nil: all); the others are checked, not kept.
    static func object(_ bytes: [UInt8], _ what: String, keeping: [String]? = nil) throws(ProviderError)
        -> JSONValue
    {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes, keeping: keeping)
        } catch {
            throw .malformed("\(what) is not valid JSON: \(error.description)")
        }
        guard json.objectValue != nil else { throw .malformed("\(what) is not a JSON object") }
        return json
    }

    static func encode(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        value.append(to: &bytes)  // the bytes themselves, not a string made of them and copied back
        return bytes
    }

    /// An optional string field: absent or null is nil, another type is malformed.
    static func string(_ value: JSONValue?, _ what: String) throws(ProviderError) -> String? {
        guard let value, value != .null else { return nil }
        guard let string = value.stringValue else { throw .malformed("`\(what)` is not a string") }
        return string
    }

    /// An optional integer field: absent or null is nil, another type is malformed.
    static func int(_ value: JSONValue?, _ what: String) throws(ProviderError) -> Int? {
        guard let value, value != .null else { return nil }
        guard let int = value.intValue else { throw .malformed("`\(what)` is not an integer") }
        return int
    }

    /// `base` + `path`, tolerating a trailing slash on the base.
    static func url(_ base: String, _ path: String) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        return String(base) + path
    }

    /// The key, if one is set and not empty.
    static func key(_ endpoint: Endpoint) -> String? {
        guard let key = endpoint.apiKey?.value, !key.isEmpty else { return nil }
        return key
    }

    /// `error.message` (all three providers), or `error` itself when it is a string (Ollama's native errors). A
    /// one-element array around the object (Gemini's non-SSE streams) is looked into.
    static func errorMessage(_ body: [UInt8]) -> String? {
        guard var json = try? JSONParser.parse(body) else { return nil }
        if let first = json.arrayValue?.first { json = first }
        guard let error = json["error"] else { return nil }
        return error["message"]?.stringValue ?? error.stringValue
    }
}

/// The members of a streamed chunk that `parseStreamEvent` reads, read from its bytes without building its tree (the
/// tree cost 22 K instructions a chunk, the largest part of a request's CPU). The rest (id, object, created, model,
/// fingerprint, logprobs) is checked and dropped. A repeated member counts once, the last, as in a parsed tree.
struct StreamChunk {
    /// `choices[0]`, when it is an object: what its `delta` and `finish_reason` hold.
    struct Choice {
        var content: JSONValue?
        var toolCalls: JSONValue?
        var finishReason: JSONValue?
    }

    var firstChoice: Choice?
    var choicesIsNotAnArray = false
    var usage: JSONValue?
    var error: JSONValue?

    init(_ bytes: [UInt8]) throws(ProviderError) {
        var reader = JSONParser(reading: bytes)
        let isObject = reader.next() == .object
        do {
            if isObject {
                try reader.readObject { (key, reader) throws(JSONParser.Error) in try read(key, &reader) }
            } else {
                try reader.skipValue()
            }
            try reader.readEnd()
        } catch {
            throw .malformed("a stream chunk is not valid JSON: \(error.description)")
        }
        guard isObject else { throw .malformed("a stream chunk is not a JSON object") }
    }

    private mutating func read(_ key: JSONParser.Key, _ reader: inout JSONParser) throws(JSONParser.Error) {
        if key.matches("choices") {
            try readChoices(&reader)
        } else if key.matches("usage") {
            usage = try reader.readValue()
        } else if key.matches("error") {
            error = try reader.readValue()
        } else {
            try reader.skipValue()
        }
    }

    private mutating func readChoices(_ reader: inout JSONParser) throws(JSONParser.Error) {
        firstChoice = nil
        choicesIsNotAnArray = false
        switch reader.next() {
        case .array:
            try reader.readArray { (position, reader) throws(JSONParser.Error) in
                if position == 0, reader.next() == .object {
                    firstChoice = try Self.choice(&reader)
                } else {
                    try reader.skipValue()
                }
            }
        case .null:
            try reader.skipValue()
        default:
            try reader.skipValue()
            choicesIsNotAnArray = true
        }
    }

    private static func choice(_ reader: inout JSONParser) throws(JSONParser.Error) -> Choice {
        var choice = Choice()
        try reader.readObject { (key, reader) throws(JSONParser.Error) in
            if key.matches("delta") {
                choice.content = nil
                choice.toolCalls = nil
                guard reader.next() == .object else { return try reader.skipValue() }
                try reader.readObject { (key, reader) throws(JSONParser.Error) in
                    if key.matches("content") {
                        choice.content = try reader.readValue()
                    } else if key.matches("tool_calls") {
                        choice.toolCalls = try reader.readValue()
                    } else {
                        try reader.skipValue()
                    }
                }
            } else if key.matches("finish_reason") {
                choice.finishReason = try reader.readValue()
            } else {
                try reader.skipValue()
            }
        }
        return choice
    }
}
